# The upstream Pico 2 W image (networking bundle, aioble), plus microdot.
include("$(PORT_DIR)/boards/RPI_PICO2_W/manifest.py")
include("$(BOARD_DIR)/../../manifest.py")
