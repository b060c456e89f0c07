# Firmware images with microdot frozen in: included by the top Makefile.
#
#   make firmware BOARD=RPI_PICO_W MICROPY_DIR=/path/to/micropython
#   make flash BOARD=ESP32_GENERIC SERIAL_PORT=/dev/ttyUSB0
#   make flash BOARD=ESP32_GENERIC SERIAL_PORT=socket://127.0.0.1:5555  (download mode)
#   make micropython              (clone the pinned MicroPython into MICROPY_DIR)
#
# Boards are the folders of boards/; each has a microdot.mk saying which
# MicroPython port builds it and how it is flashed.

MICROPYTHON_VERSION := $(shell cat firmware/MICROPYTHON_VERSION)
# the board's serial port for make flash (the demo's PORT is a TCP port)
SERIAL_PORT ?= $(HIL_PORT)
MICROPY_DIR ?= micropython
BOARD ?= RPI_PICO_W
BOARDS := $(notdir $(patsubst %/,%,$(dir $(wildcard boards/*/microdot.mk))))
FW_OUT := firmware/build/$(BOARD)
FW_BUILD := $(abspath $(FW_OUT)/build)
BOARD_PATH := $(abspath boards/$(BOARD))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

-include boards/$(BOARD)/microdot.mk

# the port's own make, pointed at our board folder and our build folder
ifeq ($(PORT_NAME),unix)
PORT_MAKE = $(MAKE) -C $(MICROPY_DIR)/ports/unix VARIANT_DIR=$(BOARD_PATH) \
	BUILD=$(FW_BUILD) PROG=micropython
else ifeq ($(PORT_NAME),esp32)
# The esp32 port's CMake would build mpy-cross itself with a make that
# inherits our BUILD= (through MAKEFLAGS) and regenerates mpy-cross's
# headers in the firmware's build folder; the mpy-cross built above is
# given instead.
PORT_MAKE = MICROPY_MPYCROSS=$(abspath $(MICROPY_DIR))/mpy-cross/build/mpy-cross \
	$(MAKE) -C $(MICROPY_DIR)/ports/esp32 BOARD_DIR=$(BOARD_PATH) \
	BUILD=$(FW_BUILD)
else
PORT_MAKE = $(MAKE) -C $(MICROPY_DIR)/ports/$(PORT_NAME) BOARD_DIR=$(BOARD_PATH) \
	BUILD=$(FW_BUILD)
endif

.PHONY: firmware firmware-all flash micropython firmware-check-tools \
	firmware-check-tree firmware-clean

firmware: firmware-check-tree firmware-check-tools
	@echo "Building $(BOARD) ($(PORT_NAME) port) from $(MICROPY_DIR)"
	$(MAKE) -C $(MICROPY_DIR)/mpy-cross -j$(JOBS)
	@for f in $(UPSTREAM_FILES); do \
		cp $(MICROPY_DIR)/ports/$(PORT_NAME)/boards/$(UPSTREAM_BOARD)/$$f \
			boards/$(BOARD)/$$f || exit 1; done
	@# frozen content is regenerated from the manifest on every build
	@find $(FW_BUILD) -name 'frozen_content*' -exec rm -f {} + 2>/dev/null; true
	$(PORT_MAKE) -j$(JOBS)
	@mkdir -p $(FW_OUT)
	@cd $(FW_BUILD) && for f in $(IMAGES); do cp $$f ../$$f || exit 1; done
	@cd $(FW_OUT) && sha256sum $(IMAGES) > SHA256SUMS
	@MPY_CROSS=$(MICROPY_DIR)/mpy-cross/build/mpy-cross \
		$(PYTHON) firmware/report.py $(BOARD) $(FW_OUT) | tee $(FW_OUT)/size.txt
ifeq ($(PORT_NAME),unix)
	@# an image without what the framework needs must not ship
	$(FW_OUT)/micropython -c "import sys, microdot.board as b; sys.exit(0 if b.selftest()['ok'] else 1)"
endif

# every board whose toolchain is present
firmware-all:
	@for b in $(BOARDS); do \
		$(MAKE) --no-print-directory -s firmware-check-tools BOARD=$$b || { \
			echo "skipping $$b"; continue; }; \
		$(MAKE) --no-print-directory firmware BOARD=$$b \
			MICROPY_DIR=$(MICROPY_DIR) || exit 1; done

firmware-check-tree:
	@test -n "$(PORT_NAME)" || { echo "Unknown BOARD '$(BOARD)'; boards: $(BOARDS)"; exit 2; }
	@test -f $(MICROPY_DIR)/py/mkrules.mk || { \
		echo "No MicroPython tree at MICROPY_DIR=$(MICROPY_DIR)."; \
		echo "Give the path of a MicroPython $(MICROPYTHON_VERSION) checkout with its submodules,"; \
		echo "or run 'make micropython' to clone one there."; exit 2; }
	@v=$$(sed -n 's/^#define MICROPY_VERSION_\(MAJOR\|MINOR\|MICRO\) *(\{0,1\}\([0-9]*\).*/\2/p' \
		$(MICROPY_DIR)/py/mpconfig.h | paste -sd.); \
	test "v$$v" = "$(MICROPYTHON_VERSION)" || \
		echo "warning: $(MICROPY_DIR) is MicroPython v$$v; images are released from $(MICROPYTHON_VERSION)"

firmware-check-tools:
ifeq ($(PORT_NAME),esp32)
	@command -v idf.py >/dev/null || { echo "$(BOARD) needs ESP-IDF v5.x: source its export.sh first"; exit 2; }
else ifneq ($(PORT_NAME),unix)
	@command -v arm-none-eabi-gcc >/dev/null || { echo "$(BOARD) needs arm-none-eabi-gcc (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)"; exit 2; }
endif
ifeq ($(PORT_NAME),rp2)
	@command -v cmake >/dev/null || { echo "$(BOARD) needs cmake (apt-get install cmake)"; exit 2; }
endif

# Flashing: the tool and addresses each chip needs.
# FLASH_IMAGE: another image than the one make firmware left (esptool boards)
FLASH_IMAGE ?= $(FW_OUT)/$(firstword $(IMAGES))
# esptool resets a board into its bootloader with the USB-serial chip's DTR
# and RTS lines, and back into the image after writing.  A socket:// port
# (an emulator's UART, a raw TCP serial server) has no lines: the chip must
# already be in download mode, and stays in it.  A serial device (and
# rfc2217://, which carries the lines) gets esptool's defaults.
ESPTOOL_RESET = $(if $(findstring socket://,$(SERIAL_PORT)),--before no_reset --after no_reset)
flash:
	@test -n "$(PORT_NAME)" || { echo "Unknown BOARD '$(BOARD)'; boards: $(BOARDS)"; exit 2; }
	@test -f $(FLASH_IMAGE) || { echo "No image $(FLASH_IMAGE): run 'make firmware BOARD=$(BOARD)' first"; exit 2; }
ifeq ($(FLASH_METHOD),esptool)
	@case "$(SERIAL_PORT)" in *://*) ;; *) test -n "$(SERIAL_PORT)" -a -e "$(SERIAL_PORT)" || { \
		echo "make flash BOARD=$(BOARD) needs SERIAL_PORT=<serial device or pyserial URL> (given: '$(SERIAL_PORT)', not found)"; exit 2; };; esac
	$(PYTHON) -m esptool --chip $(CHIP) --port $(SERIAL_PORT) --baud 460800 \
		$(ESPTOOL_RESET) write_flash -z $(FLASH_OFFSET) $(FLASH_IMAGE)
else ifeq ($(FLASH_METHOD),uf2)
	@if command -v picotool >/dev/null; then \
		picotool load -f -x $(FW_OUT)/firmware.uf2; \
	elif [ -d "$(UF2_DRIVE)" ]; then \
		cp $(FW_OUT)/firmware.uf2 "$(UF2_DRIVE)/" && sync && echo "copied to $(UF2_DRIVE)"; \
	else \
		echo "Hold BOOTSEL while plugging the board in, then either install picotool"; \
		echo "or give the drive it mounts: make flash BOARD=$(BOARD) UF2_DRIVE=/media/<you>/$(UF2_LABEL)"; \
		exit 2; fi
else ifeq ($(FLASH_METHOD),dfu)
	@if command -v dfu-util >/dev/null; then \
		dfu-util -a 0 -d 0483:df11 -D $(FW_OUT)/firmware.dfu; \
	elif command -v st-flash >/dev/null; then \
		echo "dfu-util not found; st-flash can only write the internal flash part:"; \
		st-flash --format ihex write $(FW_OUT)/firmware.hex; \
	else \
		echo "$(BOARD) is flashed with dfu-util (apt-get install dfu-util): reset it into DFU mode"; \
		echo "(hold USR while pressing RST) and run make flash again"; exit 2; fi
else ifeq ($(PORT_NAME),qemu)
	@echo "$(BOARD) runs in QEMU: qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting -kernel $(FW_OUT)/firmware.elf"
else
	@echo "$(BOARD) runs on this machine: $(FW_OUT)/micropython"
endif

# A MicroPython checkout at the pinned version, with the submodules the
# board's port needs (network access to GitHub required).
micropython:
	@test -d $(MICROPY_DIR)/.git || git clone --depth 1 --branch $(MICROPYTHON_VERSION) \
		https://github.com/micropython/micropython.git $(MICROPY_DIR)
	$(MAKE) -C $(MICROPY_DIR)/ports/$(PORT_NAME) BOARD=$(UPSTREAM_BOARD) submodules

firmware-clean:
	rm -rf firmware/build

# Release: the flashable image of every board built so far, named with the
# framework and MicroPython versions, and their checksums.
MICRODOT_VERSION := $(shell sed -n "s/^__version__ = '\(.*\)'/\1/p" framework/microdot/__init__.py)
RELEASE_DIR := firmware/release/microdot-$(MICRODOT_VERSION)

.PHONY: release
release:
	@rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)
	@for d in firmware/build/*/; do b=$$(basename $$d); \
		img=$$(sed -n 's/^IMAGES = \([^ ]*\).*/\1/p' boards/$$b/microdot.mk); \
		[ -f $$d$$img ] || continue; \
		case $$b in UNIX|QEMU) continue;; esac; \
		ext=$${img##*.}; \
		cp $$d$$img $(RELEASE_DIR)/microdot-$(MICRODOT_VERSION)-$$b-micropython-$(MICROPYTHON_VERSION).$$ext; \
		cp $$d/size.txt $(RELEASE_DIR)/microdot-$(MICRODOT_VERSION)-$$b.size.txt; \
	done
	@cd $(RELEASE_DIR) && { sha256sum *.uf2 *.dfu *.bin 2>/dev/null > SHA256SUMS; ls -1; }
