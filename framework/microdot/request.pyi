from typing import Any, Callable, Dict, Optional, TypeVar

from microdot.app import Microdot
from microdot.forms import MultiDict
from microdot.http import NoCaseDict

_F = TypeVar('_F', bound=Callable[..., Any])

class Request:
    max_content_length: int
    max_body_length: int
    max_readline: int
    max_headers: int
    max_head_length: int
    strict: bool

    class G: ...

    app: Microdot
    client_addr: Any
    method: str
    scheme: str
    url: str
    path: str
    query_string: Optional[str]
    url_prefix: str
    subapp: Optional[Microdot]
    route: Optional[Callable[..., Any]]
    url_args: Optional[Dict[str, Any]]
    http_version: str
    headers: NoCaseDict
    cookies: Dict[str, str]
    content_length: int
    content_type: Optional[str]
    g: Request.G
    sock: Any
    body: bytes
    files: Optional[Dict[str, Any]]
    refused: Optional[str]
    after_request_handlers: Any
    def __init__(self, app: Microdot, client_addr: Any, method: str,
                 url: str, http_version: str, headers: NoCaseDict,
                 body: Optional[bytes] = ..., stream: Any = ...,
                 sock: Any = ..., url_prefix: str = ...,
                 subapp: Optional[Microdot] = ..., scheme: Optional[str] = ...,
                 route: Optional[Callable[..., Any]] = ...) -> None: ...
    @staticmethod
    async def create(app: Microdot, client_reader: Any, client_writer: Any,
                     client_addr: Any,
                     scheme: Optional[str] = ...) -> Optional[Request]: ...
    @property
    def args(self) -> MultiDict: ...
    @property
    def stream(self) -> Any: ...
    @property
    def json(self) -> Any: ...
    @property
    def form(self) -> Optional[MultiDict]: ...
    @form.setter
    def form(self, value: Optional[Dict[str, Any]]) -> None: ...
    def after_request(self, f: _F) -> _F: ...
    def ext(self, name: str,
            make: Optional[Callable[[], Any]] = ...) -> Any: ...

