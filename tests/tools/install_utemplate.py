"""Install utemplate (PyPI, pinned by version and checksum) into this
Python's site-packages: the compatibility tests compile templates with the
real package.  Every release of it on PyPI is an sdist without build
metadata (no setup.py, no pyproject.toml), which pip refuses, so its
three modules are unpacked here instead.

    python tests/tools/install_utemplate.py
"""
import hashlib
import io
import os
import sys
import sysconfig
import tarfile
import urllib.request

VERSION = '1.4.1'
SHA256 = '43fde7c8b38dda1ff9c82cd829d22ec445f1e9d631455de705873051f83a0b20'
# the sdist's address on PyPI's file host, as its simple index lists it
URL = ('https://files.pythonhosted.org/packages/ba/93/'
       '5eca962e6d576b8f50bb11bc9506becc11ce4587a56b707095c3073bda06/'
       'utemplate-%s.tar.gz' % VERSION)


def installed(target):
    try:
        with open(os.path.join(target, 'utemplate', 'VERSION')) as f:
            return f.read().strip() == VERSION
    except OSError:
        return False


def main():
    target = sysconfig.get_paths()['purelib']
    if installed(target):
        return 0
    with urllib.request.urlopen(URL, timeout=120) as r:
        data = r.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        print('utemplate %s: checksum %s, expected %s' % (VERSION, digest,
                                                          SHA256))
        return 1
    dest = os.path.join(target, 'utemplate')
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            parts = member.name.split('/')
            if len(parts) == 3 and parts[1] == 'utemplate' and \
                    parts[2].endswith('.py') and member.isfile():
                with open(os.path.join(dest, parts[2]), 'wb') as f:
                    f.write(tar.extractfile(member).read())
    with open(os.path.join(dest, 'VERSION'), 'w') as f:
        f.write(VERSION + '\n')
    print('utemplate %s installed in %s' % (VERSION, dest))
    return 0


if __name__ == '__main__':
    sys.exit(main())
