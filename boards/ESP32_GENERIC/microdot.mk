PORT_NAME = esp32
UPSTREAM_BOARD = ESP32_GENERIC
CHIP = esp32
# the bootloader sits at 0x1000 on the ESP32 (0x0 on the S2, S3, C3...)
FLASH_OFFSET = 0x1000
# program partition of the default 4 MB partition table
FLASH_APP_KB = 1984
IMAGES = firmware.bin micropython.bin micropython.elf
FLASH_METHOD = esptool
