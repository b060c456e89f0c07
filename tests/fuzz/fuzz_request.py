"""Coverage-guided fuzzing of the request parser, multipart and WebSocket
frames with atheris (CPython; not run in CI).

    make fuzz                       (60 s per target)
    python3 tests/fuzz/fuzz_request.py -max_total_time=600 [corpus_dir]

Any exception other than the documented ones (ProtocolError 4xx/5xx,
EOFError, HTTPException 400/413, WebSocketError) is a crash atheris
reports with the input that caused it.
"""
import asyncio
import os
import sys

import atheris

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'framework'))

with atheris.instrument_imports():
    from microdot import Microdot
    from microdot.app import HTTPException
    from microdot.http import ProtocolError, Reader
    from microdot.body import Body
    from microdot.request import Request
    from microdot.multipart import FormDataIter, FileUpload
    from microdot.websocket import WebSocket, WebSocketError
    from support import Stream

APP = Microdot()


class _Req:
    def __init__(self, data):
        self.content_type = 'multipart/form-data; boundary=BB'
        self.stream = Body(None)
        self.stream.pre = data
        self.sock = (Reader(Stream(data, 11)), Stream(b''))
        self.app = APP


async def _target(data):
    kind = data[:1]
    data = data[1:]
    if kind == b'm':
        async for name, value in FormDataIter(_Req(b'--BB\r\n' + data)):
            if isinstance(value, FileUpload):
                await value.read()
    elif kind == b'w':
        ws = WebSocket(_Req(data))
        while True:
            await ws.receive()
    else:
        req = await Request.create(APP, Stream(data, 17), Stream(b''),
                                   ('1.2.3.4', 5))
        if req is not None and req._stream is not None:
            await req.stream.read()


def test_one_input(data):
    try:
        asyncio.run(_target(data))
    except ProtocolError as exc:
        assert 400 <= exc.status < 600
    except HTTPException as exc:
        assert exc.status_code in (400, 413)
    except (EOFError, WebSocketError):
        pass


if __name__ == '__main__':
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
