// PPP input under lwIP's lock, for the rp2 boards (Pico W, Pico 2 W).
//
// Why: in MicroPython 1.28, network.PPP feeds received bytes to lwIP from
// PPP.poll(), which runs as a scheduled UART callback in thread context
// without taking lwIP's lock.  On rp2, lwIP's timers (retransmission and
// the rest) run in PendSV, so a timer can fire while an incoming ACK is
// being processed, and both edit the same TCP segment lists.  Under load
// this corrupted a connection's unacked list into a cycle, and the board
// then spun inside tcp_output() for good.  Socket calls already take the
// lock (MICROPY_PY_LWIP_ENTER); this gives PPP input the same protection.
//
// Python: _ppp_lock.poll(ppp) calls ppp.poll() with lwIP's lock held.
// microdot.board.connect_ppp() installs it as the UART handler when the
// firmware has it.

#include "py/runtime.h"
#include "py/mphal.h"

#if MICROPY_PY_NETWORK_PPP_LWIP

static mp_obj_t ppp_lock_poll(mp_obj_t ppp) {
    mp_obj_t dest[2];
    mp_load_method(ppp, MP_QSTR_poll, dest);
    nlr_buf_t nlr;
    MICROPY_PY_LWIP_ENTER
    if (nlr_push(&nlr) == 0) {
        mp_obj_t result = mp_call_method_n_kw(0, 0, dest);
        nlr_pop();
        MICROPY_PY_LWIP_EXIT
        return result;
    }
    // the lock is released before any error goes on up
    MICROPY_PY_LWIP_EXIT
    nlr_jump(nlr.ret_val);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ppp_lock_poll_obj, ppp_lock_poll);

static const mp_rom_map_elem_t ppp_lock_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__ppp_lock) },
    { MP_ROM_QSTR(MP_QSTR_poll), MP_ROM_PTR(&ppp_lock_poll_obj) },
};
static MP_DEFINE_CONST_DICT(ppp_lock_globals, ppp_lock_globals_table);

const mp_obj_module_t ppp_lock_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&ppp_lock_globals,
};

MP_REGISTER_MODULE(MP_QSTR__ppp_lock, ppp_lock_module);

#endif
