PORT_NAME = rp2
UPSTREAM_BOARD = RPI_PICO2_W
# program area: 4 MB flash minus the filesystem (all but 1.5 MB)
FLASH_APP_KB = 1536
IMAGES = firmware.uf2 firmware.elf firmware.bin
FLASH_METHOD = uf2
UF2_LABEL = RP2350
