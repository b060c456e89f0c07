# Freezes the microdot package into a MicroPython firmware image.
#
# A board's manifest includes its port's own manifest first (networking
# and asyncio come from there), then this file, for example:
#     include("$(PORT_DIR)/boards/manifest.py")
#     include("$(BOARD_DIR)/../../manifest.py")
# The images are built from MicroPython at the tag in
# firmware/MICROPYTHON_VERSION.
#
# The files are listed one by one: the build evaluates this file with
# MicroPython's own tools, and tests/test_manifest.py checks that the list
# matches the package.  cpython.py is left out: boards never import it.

package(
    "microdot",
    files=(
        "__init__.py",
        "app.py",
        "chunked.py",
        "cookies.py",
        "files.py",
        "forms.py",
        "helpers.py",
        "http.py",
        "microdot.py",
        "request.py",
        "response.py",
        "routing.py",
        "server.py",
        "test_client.py",
    ),
    base_path="framework",
)
