# Freezes the microdot package into a MicroPython firmware image.
#
# A board's manifest includes its port's own manifest first (networking
# and asyncio come from there), then this file, for example:
#     include("$(PORT_DIR)/boards/manifest.py")
#     include("$(BOARD_DIR)/../../manifest.py")
# To freeze the core only (no extensions, no test client), for a board
# short of flash:
#     include("$(BOARD_DIR)/../../manifest.py", core_only=True)
# The images are built from MicroPython at the tag in
# firmware/MICROPYTHON_VERSION.
#
# The files are listed one by one: the build evaluates this file with
# MicroPython's own tools, and tests/test_manifest.py checks that the lists
# match the package.  Never frozen: cpython.py, and the CPython-only
# extensions asgi.py, wsgi.py and jinja.py.

options.defaults(core_only=False)

CORE = (
    "__init__.py",
    "app.py",
    "appextra.py",
    "body.py",
    "cookies.py",
    "files.py",
    "forms.py",
    "helpers.py",
    "http.py",
    "microdot.py",
    "reasons.py",
    "request.py",
    "response.py",
    "routing.py",
    "server.py",
    "stream.py",
    "streams.py",
)

EXTENSIONS = (
    "auth.py",
    "board.py",
    "cors.py",
    "csrf.py",
    "login.py",
    "multipart.py",
    "openapi.py",
    "pubsub.py",
    "session.py",
    "signing.py",
    "sse.py",
    "static.py",
    "template.py",
    "test_client.py",
    "utemplate.py",
    "websocket.py",
)

package(
    "microdot",
    files=CORE if options.core_only else CORE + EXTENSIONS,
    base_path="framework",
)
