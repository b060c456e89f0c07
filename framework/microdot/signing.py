"""HMAC-SHA256, constant-time comparison and HS256 JSON Web Tokens.

MicroPython has ``hashlib.sha256`` but no ``hmac`` module, so HMAC is
built here from its definition (RFC 2104).  Used by sessions, logins and
CSRF tokens.
"""
import binascii
import hashlib
from microdot.helpers import json


def hmac_sha256(key, msg):
    """The HMAC-SHA256 digest (bytes) of ``msg`` under ``key``."""
    if isinstance(key, str):
        key = key.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key + bytes(64 - len(key))
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(msg)
    outer = hashlib.sha256(bytes(b ^ 0x5c for b in key))
    outer.update(inner.digest())
    return outer.digest()


def compare(a, b):
    """True if ``a`` equals ``b`` (str or bytes), in time that depends only
    on their lengths, so a guess reveals nothing about how close it was."""
    if isinstance(a, str):
        a = a.encode()
    if isinstance(b, str):
        b = b.encode()
    diff = len(a) ^ len(b)
    if diff:
        b = a  # still compare, so the time is that of a full comparison
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0


def b64url(data):
    return binascii.b2a_base64(data).rstrip(b'\n=').replace(
        b'+', b'-').replace(b'/', b'_')


def unb64url(data):
    if isinstance(data, str):
        data = data.encode()
    data = data.replace(b'-', b'+').replace(b'_', b'/')
    return binascii.a2b_base64(data + b'=' * (-len(data) % 4))


_HEADER = b64url(b'{"alg":"HS256","typ":"JWT"}')


def jwt_encode(payload, key):
    """An HS256 JSON Web Token (str) carrying ``payload`` (a dict)."""
    body = _HEADER + b'.' + b64url(json.dumps(payload).encode())
    return (body + b'.' + b64url(hmac_sha256(key, body))).decode()


def jwt_decode(token, key, now=None):
    """The payload of an HS256 token signed with ``key``, or None if the
    token is malformed, forged, or past its ``exp`` time."""
    try:
        if isinstance(token, str):
            token = token.encode()
        body, _, sig = token.rpartition(b'.')
        head, _, data = body.partition(b'.')
        if not compare(unb64url(sig), hmac_sha256(key, body)):
            return None
        if json.loads(unb64url(head)).get('alg') != 'HS256':
            return None
        payload = json.loads(unb64url(data))
        if not isinstance(payload, dict):
            return None
        exp = payload.get('exp')
        if exp is not None:
            if now is None:
                import time
                now = time.time()
            if now >= exp:
                return None
        return payload
    except (ValueError, TypeError, AttributeError):
        return None
