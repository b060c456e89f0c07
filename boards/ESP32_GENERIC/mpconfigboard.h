// ESP32 with the microdot package frozen in.
#define MICROPY_HW_BOARD_NAME "Generic ESP32 module with Microdot"
#include "boards/ESP32_GENERIC/mpconfigboard.h"

// SHA-1 for the WebSocket handshake, SHA-256 for sessions.
#define MICROPY_PY_HASHLIB_SHA1 (1)
#define MICROPY_PY_HASHLIB_SHA256 (1)
