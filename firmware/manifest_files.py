"""What manifest.py freezes, without a MicroPython tree: the file is run
with stand-ins for MicroPython's manifest functions.  Used by the size
report and by tests/test_manifest.py."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Options:
    # MicroPython's include() options: unset names read as their defaults
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def defaults(self, **kwargs):
        self.kwargs = dict(kwargs, **self.kwargs)

    def __getattr__(self, name):
        return self.kwargs.get(name)


def evaluate(**options):
    """[(base_path, package, files)] that manifest.py freezes."""
    frozen = []

    def package(name, files=None, base_path='.', opt=None):
        frozen.append((base_path, name, tuple(files or ())))

    def refuse(*args, **kwargs):
        raise AssertionError('manifest.py may only use package()')
    names = {'package': package, 'module': refuse, 'include': refuse,
             'require': refuse, 'freeze': refuse,
             'options': Options(**options)}
    with open(os.path.join(ROOT, 'manifest.py')) as f:
        exec(compile(f.read(), 'manifest.py', 'exec'), names)
    return frozen


def paths(**options):
    """Absolute paths of the frozen source files."""
    return [os.path.join(ROOT, base, name, f)
            for base, name, files in evaluate(**options) for f in files]
