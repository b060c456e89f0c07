# Pyboard D-series SF2 (STM32F722, CYW43 Wi-Fi) with the microdot package
# frozen in.  The upstream board's settings, with one change: the frozen
# bytecode moves to the external QSPI flash (see microdot_qspi.ld).
include boards/PYBD_SF2/mpconfigboard.mk

LD_FILES = $(BOARD_DIR)/microdot_qspi.ld
TEXT1_SECTIONS = .text_ext_frozen .text_ext
FROZEN_MANIFEST = $(BOARD_DIR)/manifest.py
