// Raspberry Pi Pico 2 W with the microdot package frozen in.
#include "boards/RPI_PICO2_W/mpconfigboard.h"

#undef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME "Raspberry Pi Pico 2 W with Microdot"

// SHA-1 for the WebSocket handshake, SHA-256 for sessions.
#define MICROPY_PY_HASHLIB_SHA1 (1)
#define MICROPY_PY_HASHLIB_SHA256 (1)

// network.PPP over a UART (lwIP's PPP): a cellular modem, or a serial link
// to a host, which is how the emulated board in the HIL suite gets online.
#define MICROPY_PY_NETWORK_PPP_LWIP (1)
