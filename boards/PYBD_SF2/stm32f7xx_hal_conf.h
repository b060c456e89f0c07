// The upstream board's HAL configuration, unchanged.
#include "boards/PYBD_SF2/stm32f7xx_hal_conf.h"
