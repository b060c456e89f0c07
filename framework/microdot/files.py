"""Files as responses (behind ``Response.send_file``)."""


def send_file(cls, filename, status_code=200, content_type=None,
              stream=None, max_age=None, compressed=False,
              file_extension=''):
    """Build a ``cls`` response streaming ``filename``."""
    if content_type is None:
        name = filename[:-3] if compressed and \
            filename.endswith('.gz') else filename
        ext = name.rpartition('.')[2].lower()
        content_type = cls.types_map.get(ext, 'application/octet-stream')
    headers = {'Content-Type': content_type}
    if max_age is None:
        max_age = cls.default_send_file_max_age
    if max_age is not None:
        headers['Cache-Control'] = 'max-age=' + str(max_age)
    if compressed:
        headers['Content-Encoding'] = compressed \
            if isinstance(compressed, str) else 'gzip'
    f = stream or open(filename + file_extension, 'rb')
    return cls(body=f, status_code=status_code, headers=headers)
