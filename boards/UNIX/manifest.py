# The unix port's standard manifest (asyncio, ssl...), plus microdot.
include("$(PORT_DIR)/variants/standard/manifest.py")
include("$(VARIANT_DIR)/../../manifest.py")
