from typing import Any, Callable, Dict, Iterable, Optional, TypeVar, Union

from microdot.app import Microdot

_F = TypeVar('_F', bound=Callable[..., Any])

class OpenAPI:
    app: Microdot
    info: Dict[str, str]
    def __init__(self, app: Microdot, title: str = ..., version: str = ...,
                 path: Optional[str] = ...,
                 description: Optional[str] = ...) -> None: ...
    def doc(self, summary: Optional[str] = ...,
            description: Optional[str] = ...,
            body: Optional[Dict[str, Any]] = ...,
            responses: Optional[Dict[int, Union[str, Dict[str, Any]]]] = ...,
            tags: Optional[Iterable[str]] = ...,
            validate: bool = ...) -> Callable[[_F], _F]: ...
    def spec(self) -> Dict[str, Any]: ...

def check(value: Any, schema: Dict[str, Any],
          where: str = ...) -> Optional[str]: ...
