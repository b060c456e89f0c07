# The default variant: the upstream board's (Arm Cortex-M33 cores).
include(${MICROPY_PORT_DIR}/boards/RPI_PICO2_W/mpconfigvariant.cmake)
