from typing import Any, AsyncIterator, Dict, Optional, Type, TypeVar, Union

from microdot.http import NoCaseDict

_R = TypeVar('_R', bound='Response')

class Response:
    types_map: Dict[str, str]
    send_file_buffer_size: int
    default_content_type: str
    default_send_file_max_age: Optional[int]
    already_handled: Response
    status_code: int
    headers: NoCaseDict
    reason: Optional[str]
    body: Any
    is_head: bool
    started: bool
    def __init__(self, body: Any = ..., status_code: int = ...,
                 headers: Optional[Dict[str, Any]] = ...,
                 reason: Optional[str] = ...) -> None: ...
    def set_cookie(self, cookie: str, value: str, path: Optional[str] = ...,
                   domain: Optional[str] = ...,
                   expires: Union[str, Any, None] = ...,
                   max_age: Optional[int] = ..., secure: bool = ...,
                   http_only: bool = ..., partitioned: bool = ...,
                   same_site: Optional[str] = ...) -> None: ...
    def delete_cookie(self, cookie: str, **kwargs: Any) -> None: ...
    def complete(self) -> None: ...
    async def write(self, stream: Any, http_version: str = ...,
                    keep_alive: bool = ..., date: bool = ...) -> bool: ...
    def body_iter(self) -> AsyncIterator[bytes]: ...
    async def aclose(self) -> None: ...
    @classmethod
    def redirect(cls: Type[_R], location: str,
                 status_code: int = ...) -> _R: ...
    @classmethod
    def send_file(cls: Type[_R], filename: str, status_code: int = ...,
                  content_type: Optional[str] = ..., stream: Any = ...,
                  max_age: Optional[int] = ..., compressed: bool = ...,
                  file_extension: str = ...) -> _R: ...
