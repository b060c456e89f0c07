# Unix port variant "UNIX": the standard variant plus microdot, frozen.
# btree needs the berkeley-db submodule, which the framework does not use.
FROZEN_MANIFEST ?= $(VARIANT_DIR)/manifest.py
MICROPY_MANIFEST_VARIANT_DIR = $(VARIANT_DIR)
MICROPY_PY_BTREE = 0
