from typing import Any, Dict, List, Optional, Union

from microdot.app import Microdot
from microdot.request import Request
from microdot.response import Response

class CORS:
    def __init__(self, app: Optional[Microdot] = ...,
                 allowed_origins: Union[str, List[str], None] = ...,
                 allow_credentials: bool = ...,
                 allowed_methods: Optional[List[str]] = ...,
                 expose_headers: Optional[List[str]] = ...,
                 allowed_headers: Optional[List[str]] = ...,
                 max_age: Optional[int] = ...,
                 handle_cors: bool = ...) -> None: ...
    def initialize(self, app: Microdot, handle_cors: bool = ...) -> None: ...
    def options_handler(self, request: Request) -> Dict[str, str]: ...
    def get_cors_headers(self, request: Request) -> Dict[str, str]: ...
    def after_request(self, request: Request,
                      response: Response) -> Any: ...
