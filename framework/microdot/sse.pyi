from typing import Any, Callable, Optional, TypeVar

from microdot.request import Request
from microdot.response import Response

_F = TypeVar('_F', bound=Callable[..., Any])

class SSE:
    max_queue: int
    keep_alive: float
    def __init__(self) -> None: ...
    async def send(self, data: Any, event: Optional[str] = ...,
                   event_id: Optional[str] = ...,
                   retry: Optional[int] = ...,
                   comment: bool = ...) -> None: ...

def sse_response(request: Request, event_function: Callable[..., Any],
                 *args: Any, **kwargs: Any) -> Response: ...
def with_sse(f: _F) -> _F: ...
