# MicroPython's QEMU port on the emulated Arm MPS2-AN385 board (Cortex-M3)
# with the microdot package frozen in: the framework as a 32-bit
# microcontroller runs it, for the test suite (tests/test_firmware.py).
include boards/MPS2_AN385/mpconfigboard.mk

FROZEN_MANIFEST = $(BOARD_DIR)/manifest.py
# the emulated board has 4 MB of RAM; the tests are compiled on the device
MICROPY_HEAP_SIZE = 524288
