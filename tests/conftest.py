import os
import sys

here = os.path.dirname(__file__)
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, '..', 'framework'))
# the HIL suite runs on its own (make hil-virtual, make hil)
collect_ignore = ['mpy_runner.py', 'run_mpy.py', 'hil', 'fuzz']
