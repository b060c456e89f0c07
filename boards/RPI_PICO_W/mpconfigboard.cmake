# Raspberry Pi Pico W (RP2040) with the microdot package frozen in.
# Everything but the frozen manifest and the PPP lock (ppp_lock.c: PPP
# input under lwIP's lock) comes from the upstream board.
include(${MICROPY_PORT_DIR}/boards/RPI_PICO_W/mpconfigboard.cmake)
set(MICROPY_BOARD_PINS ${MICROPY_PORT_DIR}/boards/RPI_PICO_W/pins.csv)
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
list(APPEND MICROPY_SOURCE_BOARD ${MICROPY_BOARD_DIR}/ppp_lock.c)
