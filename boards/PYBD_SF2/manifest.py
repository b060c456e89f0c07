# The upstream Pyboard D image (pyboard modules, networking bundle), plus
# microdot.
include("$(PORT_DIR)/boards/PYBD_SF2/manifest.py")
include("$(BOARD_DIR)/../../manifest.py")
