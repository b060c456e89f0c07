# For the benchmarks only: the unix port's standard modules plus Microdot
# 2.7.0 as pip installed it into bench/work/ (git-ignored), so that frozen
# Microdot can be measured beside our frozen image.  Built by
# `make bench-reference-image MICROPY_DIR=...`; never released.
include("$(PORT_DIR)/variants/standard/manifest.py")
package("microdot", base_path="work/microdot-2.7.0")
