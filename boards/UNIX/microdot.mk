PORT_NAME = unix
UPSTREAM_BOARD = standard
IMAGES = micropython
FLASH_METHOD = none
