from typing import Any, Awaitable, Callable, List, Optional, TypeVar, Union

from microdot.request import Request

_F = TypeVar('_F', bound=Callable[..., Any])

MUTED_SOCKET_ERRORS: List[int]

def encode_frame(opcode: int, payload: Union[str, bytes],
                 mask: Optional[bytes] = ...) -> bytes: ...


class WebSocketError(Exception): ...

class WebSocket:
    CONT: int
    TEXT: int
    BINARY: int
    CLOSE: int
    PING: int
    PONG: int
    max_message_length: int
    request: Request
    closed: bool
    def __init__(self, request: Request) -> None: ...
    async def handshake(self) -> None: ...
    async def receive(self) -> Union[str, bytes]: ...
    async def send(self, data: Union[str, bytes],
                   opcode: Union[int, None] = ...) -> None: ...
    async def close(self, code: int = ..., reason: str = ...) -> None: ...

async def websocket_upgrade(request: Request) -> WebSocket: ...
def websocket_wrapper(
    f: Callable[..., Any],
    upgrade_function: Callable[[Request], Awaitable[WebSocket]]
) -> Callable[..., Any]: ...
def with_websocket(f: _F) -> _F: ...
