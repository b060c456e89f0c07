PORT_NAME = esp32
UPSTREAM_BOARD = ESP32_GENERIC_S3
CHIP = esp32s3
FLASH_OFFSET = 0x0
FLASH_APP_KB = 1984
IMAGES = firmware.bin micropython.bin micropython.elf
FLASH_METHOD = esptool
