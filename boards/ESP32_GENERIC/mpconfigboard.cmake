# ESP32 with the microdot package frozen in.  Everything but the frozen
# manifest comes from the upstream ESP32_GENERIC board (its sdkconfig files are
# named relative to the port folder, so they are found from here too).  The
# port includes this file before it sets MICROPY_PORT_DIR: the port folder
# is the one its CMakeLists.txt is in, CMAKE_CURRENT_SOURCE_DIR.
include(${CMAKE_CURRENT_SOURCE_DIR}/boards/ESP32_GENERIC/mpconfigboard.cmake)
set(MICROPY_FROZEN_MANIFEST ${MICROPY_BOARD_DIR}/manifest.py)
