# How the project Makefile builds and flashes this board.
PORT_NAME = rp2
UPSTREAM_BOARD = RPI_PICO_W
# program area: 2 MB flash minus the 848 KB filesystem
FLASH_APP_KB = 1200
IMAGES = firmware.uf2 firmware.elf firmware.bin
FLASH_METHOD = uf2
UF2_LABEL = RPI-RP2
