"""Reason phrases of the status codes, loaded by the first answer that is
not 200."""

# One string instead of a dict: frozen into flash, it costs no RAM.
_REASONS = ('\n100 Continue\n101 Switching Protocols\n201 Created'
            '\n202 Accepted\n204 No Content\n206 Partial Content'
            '\n301 Moved Permanently\n302 Found\n303 See Other'
            '\n304 Not Modified\n307 Temporary Redirect'
            '\n308 Permanent Redirect\n400 Bad Request\n401 Unauthorized'
            '\n403 Forbidden\n404 Not Found\n405 Method Not Allowed'
            '\n406 Not Acceptable\n408 Request Timeout\n409 Conflict'
            '\n410 Gone\n411 Length Required\n412 Precondition Failed'
            '\n413 Content Too Large\n414 URI Too Long'
            '\n415 Unsupported Media Type\n416 Range Not Satisfiable'
            '\n417 Expectation Failed\n422 Unprocessable Content'
            '\n426 Upgrade Required\n428 Precondition Required'
            '\n429 Too Many Requests\n431 Request Header Fields Too Large'
            '\n500 Internal Server Error\n501 Not Implemented'
            '\n502 Bad Gateway\n503 Service Unavailable'
            '\n504 Gateway Timeout\n505 HTTP Version Not Supported\n')


def reason(status):
    """The standard phrase of ``status``, 'N/A' if it has none here."""
    i = _REASONS.find('\n%d ' % status)
    if i < 0:
        return 'N/A'
    return _REASONS[i + 5:_REASONS.find('\n', i + 5)]
