// The MicroPython unix port with the microdot package frozen in: the
// standard variant's features, for running the frozen framework (and its
// tests and benchmarks) on a PC the way a board runs it.
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#include "variants/mpconfigvariant_common.h"
