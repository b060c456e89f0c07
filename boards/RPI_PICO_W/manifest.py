# The upstream Pico W image (networking bundle, aioble), plus microdot.
include("$(PORT_DIR)/boards/RPI_PICO_W/manifest.py")
include("$(BOARD_DIR)/../../manifest.py")
