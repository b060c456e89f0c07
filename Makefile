# Microdot firmware: entry points.  `make help` lists them.
PYTHON ?= python3
MICROPYTHON ?= micropython
MPY_CROSS ?= mpy-cross
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
SETUP_STAMP := $(BUILD)/.setup-done

.PHONY: bench-reference-image docs help setup mpy test test-cpython test-mpy test-firmware fuzz soak hil hil-virtual virtual-board demo footprint bench clean

help:
	@echo "make demo          set up, then serve examples/hello on the MicroPython unix port"
	@echo "make test          run the test suite on CPython and on MicroPython"
	@echo "make test-cpython  pytest only"
	@echo "make docs          build the documentation site (build/site), warnings as errors"
	@echo "make hil-virtual   the hardware-in-the-loop suite against the virtual board"
	@echo "make hil           the same against a board: HIL_PORT, HIL_BOARD, HIL_WIFI_SSID, HIL_WIFI_PSK"
	@echo "make virtual-board start a virtual board to try with mpremote"
	@echo "make fuzz          coverage-guided fuzzing of the parsers (atheris, FUZZ_SECONDS=60)"
	@echo "make soak          10,000 mixed requests against MicroPython at 64 KB; a report"
	@echo "make test-mpy      MicroPython only (framework as .mpy, heap $(TEST_HEAP))"
	@echo "make mpy           compile the framework with mpy-cross into $(MPY_DIR)"
	@echo "make footprint     .mpy sizes and RAM on MicroPython, beside Microdot 2.7.0"
	@echo "make bench         footprint, req/s (hello world and scenarios, wrk), RAM vs concurrency; bench/results"
	@echo "make bench-reference-image MICROPY_DIR=<tree>: Microdot 2.7.0 frozen in a unix image, for bench"
	@echo "make setup         install the development requirements with pip"
	@echo "make firmware      BOARD=<board> MICROPY_DIR=<MicroPython $(MICROPYTHON_VERSION) tree>: image in firmware/build/<board>"
	@echo "make firmware-all  every board whose toolchain is installed"
	@echo "make flash         BOARD=<board> [PORT=<serial device>]: write the image to a board"
	@echo "make micropython   clone the pinned MicroPython into MICROPY_DIR (needs GitHub)"
	@echo "make test-firmware boot and test the built images (unix, rp2040js, QEMU)"
	@echo "make release       collect the built images, named and checksummed, in firmware/release"
	@echo "boards: $(BOARDS)"

$(SETUP_STAMP): requirements-dev.txt
	$(PYTHON) -m pip install -q -r requirements-dev.txt
	@mkdir -p $(BUILD) && touch $@

setup: $(SETUP_STAMP)

$(MPY_DIR)/%.mpy: framework/%.py
	@mkdir -p $(dir $@)
	$(MPY_CROSS) -o $@ $<

mpy: $(MPYS)

# every part runs even when one fails; pytest's 5 (no tests) is ok
test: $(SETUP_STAMP)
	@status=0; $(MAKE) --no-print-directory test-cpython || status=1; \
	$(MAKE) --no-print-directory test-mpy || status=1; \
	$(MAKE) --no-print-directory hil-virtual || status=1; \
	$(MAKE) --no-print-directory docs || status=1; exit $$status

# the documentation site in build/site; warnings (broken links, anchors,
# missing snippets, docstring problems) are errors
docs: $(SETUP_STAMP)
	@$(PYTHON) -m mkdocs build --strict -q && echo "docs: built build/site, no warnings"

test-cpython: $(SETUP_STAMP)
	@$(PYTHON) -m pytest -q tests; s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

test-mpy: $(SETUP_STAMP) mpy
	@MICROPYPATH=$(MPY_DIR):.frozen MICROPYTHON=$(MICROPYTHON) $(PYTHON) tests/run_mpy.py $(TEST_HEAP)

demo: $(SETUP_STAMP) mpy
	@echo "Serving examples/hello on http://127.0.0.1:$(PORT)/ (MicroPython, heap $(DEMO_HEAP)); Ctrl-C stops"
	cd examples/hello && MICROPYPATH=../../$(MPY_DIR):.frozen $(MICROPYTHON) -X heapsize=$(DEMO_HEAP) main.py

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

virtual-board: $(SETUP_STAMP)
	$(PYTHON) tests/hil/virtual_board.py

# Coverage-guided fuzzing of the parsers with atheris (not in CI)
FUZZ_SECONDS ?= 60
fuzz: $(SETUP_STAMP)
	@$(PYTHON) -c "import atheris" 2>/dev/null || $(PYTHON) -m pip install -q atheris
	$(PYTHON) tests/fuzz/fuzz_request.py -max_total_time=$(FUZZ_SECONDS)

soak: $(SETUP_STAMP)
	$(PYTHON) bench/soak.py

test-firmware: $(SETUP_STAMP)
	@$(PYTHON) -m pytest -q -rs tests/test_firmware.py; s=$$?; [ $$s -eq 5 ] && s=0; exit $$s

footprint: $(SETUP_STAMP)
	$(PYTHON) bench/footprint.py | tee bench/results/footprint.md

bench: footprint
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(PYTHON) bench/throughput.py
	$(PYTHON) bench/scenarios.py
	$(PYTHON) bench/memory.py
	$(PYTHON) bench/profile.py
	@$(PYTHON) -c "import matplotlib" 2>/dev/null && $(PYTHON) bench/plot.py \
		|| echo "plots need matplotlib: pip install matplotlib"

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

clean:
	rm -rf $(BUILD)
