# Raspberry Pi Pico 2 W (RP2350, Arm cores) with the microdot package
# frozen in.  Everything but the frozen manifest and the PPP lock (shared
# with the Pico W, see ../RPI_PICO_W/ppp_lock.c) comes from the upstream
# board.
include(${MICROPY_PORT_DIR}/boards/RPI_PICO2_W/mpconfigboard.cmake)
set(MICROPY_BOARD_PINS ${MICROPY_PORT_DIR}/boards/RPI_PICO2_W/pins.csv)
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
list(APPEND MICROPY_SOURCE_BOARD ${MICROPY_BOARD_DIR}/../RPI_PICO_W/ppp_lock.c)
