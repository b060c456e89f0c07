# The port's standard image (asyncio, networking bundle...), plus microdot.
include("$(PORT_DIR)/boards/manifest.py")
include("$(BOARD_DIR)/../../manifest.py")
