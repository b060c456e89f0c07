PORT_NAME = stm32
UPSTREAM_BOARD = PYBD_SF2
# copied from the MicroPython tree at build time (git-ignored): the port's
# Makefile wants the pin list in the board folder itself
UPSTREAM_FILES = pins.csv
# internal program flash; the frozen bytecode is in the 1 MB QSPI section
FLASH_APP_KB = 480
FLASH_EXT_KB = 1024
IMAGES = firmware.dfu firmware.hex firmware.elf
FLASH_METHOD = dfu
