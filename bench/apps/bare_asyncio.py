# The ceiling: a bare asyncio HTTP responder with no framework, for
# MicroPython and CPython.  It reads a request head and answers "hello",
# keeping the connection open unless the client sent Connection: close.
#   micropython bench/apps/bare_asyncio.py PORT
import asyncio
import sys

HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n'


async def handle(reader, writer):
    try:
        while True:
            if not await reader.readline():
                break
            close = False
            while True:
                line = await reader.readline()
                if line in (b'\r\n', b'\n', b''):
                    break
                if line.lower().startswith(b'connection: close'):
                    close = True
            writer.write(HEAD + (b'Connection: close\r\n\r\nhello' if close
                                 else b'\r\nhello'))
            await writer.drain()
            if close:
                break
    except OSError:
        pass
    writer.close()
    await writer.wait_closed()


async def main(port):
    await asyncio.start_server(handle, '127.0.0.1', port, backlog=64)
    print('READY 0')
    while True:
        await asyncio.sleep(3600)


asyncio.run(main(int(sys.argv[1])))
