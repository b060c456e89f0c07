from typing import Any, Callable, Optional

from microdot.app import Microdot
from microdot.request import Request

def static(app: Microdot, url_prefix: str = ..., folder: str = ...,
           index: str = ..., max_age: Optional[int] = ...
           ) -> Callable[..., Any]: ...
def serve_file(request: Request, folder: str, path: str, index: str = ...,
               max_age: Optional[int] = ...) -> Any: ...
