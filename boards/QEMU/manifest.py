# asyncio with its pure-Python task queue (this port has no _asyncio C
# module), plus microdot.
include("$(MPY_DIR)/extmod/asyncio")
package("asyncio", files=("task.py",), base_path="$(MPY_DIR)/extmod")
include("$(BOARD_DIR)/../../manifest.py")
