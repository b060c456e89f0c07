"""The type stubs (framework/microdot/*.pyi, for editors and type checkers
on CPython) match the code: every name and parameter a stub declares
exists, the public names of a stubbed module are all declared, and mypy
accepts the docs' examples with them and catches a misuse.  CPython only:
the stubs are never on a board."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_stubs():
        skip('type stubs are for CPython tools')

if not MICROPYTHON:
    import ast
    import glob
    import importlib
    import inspect
    import os
    import subprocess
    import sys

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    PKG = os.path.join(ROOT, 'framework', 'microdot')
    STUBS = sorted(glob.glob(os.path.join(PKG, '*.pyi')))

    def stub_tree(path):
        with open(path) as f:
            return ast.parse(f.read())

    def params(node):
        a = node.args
        names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
        return [n for n in names if n not in ('self', 'cls')]

    def runtime_params(obj):
        sig = inspect.signature(obj)
        kinds = {p.kind for p in sig.parameters.values()}
        names = [n for n, p in sig.parameters.items()
                 if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                 and n not in ('self', 'cls')]
        return names, inspect.Parameter.VAR_KEYWORD in kinds

    def check_function(where, node, obj, problems):
        want = params(node)
        have, var_kw = runtime_params(obj)
        # the stub may spell out the options a **kwargs takes
        if want != have and not (var_kw and want[:len(have)] == have):
            problems.append('%s%s: stub %s, code %s' % (
                where, node.name, want, have))

    def public(obj):
        return {n for n in vars(obj) if not n.startswith('_')}

    def test_every_module_has_a_py_typed_marker():
        assert os.path.exists(os.path.join(PKG, 'py.typed'))
        assert len(STUBS) >= 10

    def test_stubs_match_the_code():
        problems = []
        for path in STUBS:
            name = os.path.basename(path)[:-4]
            modname = 'microdot' if name == '__init__' else \
                'microdot.' + name
            module = importlib.import_module(modname)
            declared = set()
            for node in stub_tree(path).body:
                if isinstance(node, (ast.FunctionDef,
                                     ast.AsyncFunctionDef)):
                    declared.add(node.name)
                    if node.name == '__getattr__':
                        continue
                    obj = getattr(module, node.name, None)
                    if obj is None:
                        problems.append('%s.%s: not in the code' % (
                            modname, node.name))
                    else:
                        check_function(modname + '.', node, obj, problems)
                elif isinstance(node, ast.ClassDef):
                    declared.add(node.name)
                    cls = getattr(module, node.name, None)
                    if cls is None:
                        problems.append('%s.%s: not in the code' % (
                            modname, node.name))
                        continue
                    members = set()
                    for item in node.body:
                        if isinstance(item, (ast.FunctionDef,
                                             ast.AsyncFunctionDef)):
                            members.add(item.name)
                            obj = inspect.getattr_static(cls, item.name,
                                                         None)
                            if obj is None:
                                problems.append('%s.%s.%s: not in the code'
                                                % (modname, node.name,
                                                   item.name))
                                continue
                            obj = getattr(cls, item.name)
                            if isinstance(inspect.getattr_static(
                                    cls, item.name), property):
                                continue
                            check_function('%s.%s.' % (modname, node.name),
                                           item, obj, problems)
                        elif isinstance(item, ast.AnnAssign):
                            members.add(item.target.id)
                        elif isinstance(item, ast.ClassDef):
                            members.add(item.name)
                    # what the class offers, the stub declares
                    for n in sorted(public(cls) - members):
                        problems.append('%s.%s.%s: missing from the stub' %
                                        (modname, node.name, n))
                elif isinstance(node, ast.AnnAssign):
                    declared.add(node.target.id)
                elif isinstance(node, ast.Assign):
                    declared.update(t.id for t in node.targets)
                elif isinstance(node, ast.ImportFrom):
                    declared.update(a.asname for a in node.names
                                    if a.asname and a.asname == a.name)
            if name == '__init__':
                continue  # lazy names come through __getattr__
            # the module's own public classes and functions are declared
            for n in sorted(public(module) - declared):
                obj = getattr(module, n)
                if getattr(obj, '__module__', None) == modname and (
                        inspect.isclass(obj) or inspect.isfunction(obj)):
                    problems.append('%s.%s: missing from the stub' % (
                        modname, n))
        assert not problems, '\n'.join(problems)

    def mypy(tmp_path, *files):
        # errors are reported for the files given, not for the package's
        # unannotated modules that the stubs lead mypy into (which it
        # reports when they are on MYPYPATH, not installed in the venv)
        env = dict(os.environ, MYPYPATH=os.path.join(ROOT, 'framework'))
        return subprocess.run(
            [sys.executable, '-m', 'mypy', '--no-incremental',
             '--follow-imports', 'silent',
             '--cache-dir', os.devnull, '--allow-untyped-globals',
             '--python-version', '3.10'] + list(files),
            cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=300)

    def test_mypy_accepts_the_examples_with_the_stubs(tmp_path):
        # one run per folder: each has its own main.py
        for folder in sorted(glob.glob(os.path.join(ROOT, 'examples', '*',
                                                    ''))):
            files = sorted(glob.glob(folder + '*.py'))
            out = mypy(tmp_path, *(STUBS + files))
            assert out.returncode == 0, out.stdout.decode()

    def test_mypy_catches_a_misuse(tmp_path):
        (tmp_path / 'bad.py').write_text(
            'from microdot import Microdot, Response\n'
            'app = Microdot()\n'
            'app.route(42)\n'
            'Response.redirect("/", status_code="302")\n'
            'app.max_conections = 3\n')
        out = mypy(tmp_path, 'bad.py').stdout.decode()
        assert out.count('error:') == 3, out
