# ESP32 with the microdot package frozen in.  Everything but the frozen
# manifest comes from the upstream ESP32_GENERIC board (its sdkconfig files are
# named relative to the port folder, so they are found from here too).
include(${MICROPY_PORT_DIR}/boards/ESP32_GENERIC/mpconfigboard.cmake)
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
