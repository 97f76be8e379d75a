"""The test guard, executed *inside* a student's kernel before every cell (not imported).

``grader/sandbox_kernel.py`` reads this file's source and runs it in the kernel, where
:func:`__gancourse_guard_factory` builds the guard: it snapshots what the tests call (trusted
modules, builtins, hooks), undoes a notebook's changes to them before each test cell, hides
student variables that shadow builtins and reports what it found.  Standard library only, and
every import inside the function: nothing runs when the file is loaded.

It is a module so that tools check it (the lint, the architecture test); it is never imported
by the grader.
"""


def __gancourse_guard_factory(trusted_imports, token):
    import builtins
    import importlib
    import json
    import sys
    import threading
    import types

    shell = get_ipython()  # noqa: F821 - IPython's builtin inside the kernel
    for name in trusted_imports:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - a module that fails to import is not watched
            pass
    MISSING = object()

    def same(a, b):
        return a is b or (isinstance(a, types.MethodType) and a == b)

    def student_made(value):
        g = getattr(value, "__globals__", None)
        return g is shell.user_ns or getattr(value, "__module__", None) == "__main__"

    watched = {}  # key -> (owner, attribute, trusted value)

    def watch_module(mod, classes=True):
        for attr, value in list(vars(mod).items()):
            if callable(value) or isinstance(value, types.ModuleType):
                watched[("m", id(mod), attr)] = (mod, attr, value)
                if (classes and isinstance(value, type)
                        and str(getattr(value, "__module__", "")).split(".")[0]
                        == mod.__name__.split(".")[0]):
                    for cattr, cvalue in list(vars(value).items()):
                        if callable(cvalue) or isinstance(cvalue, (staticmethod, classmethod, property)):
                            watched[("m", id(value), cattr)] = (value, cattr, cvalue)

    roots = set()
    for name in trusted_imports:
        mod = sys.modules.get(name)
        while mod is not None:
            roots.add(mod.__name__)
            parent = mod.__name__.rpartition(".")[0]
            mod = sys.modules.get(parent) if parent else None
    modules = set()
    for name in sorted(roots):
        mod = sys.modules.get(name)
        modules.add(mod)
        for value in list(vars(mod).values()):  # one level of submodules: numpy.testing, ...
            if isinstance(value, types.ModuleType) and value.__name__.startswith(name + "."):
                modules.add(value)
    for mod in modules:
        watch_module(mod)
        if mod.__name__ in sys.modules:
            watched[("m", id(sys.modules), mod.__name__)] = (sys.modules, mod.__name__,
                                                             sys.modules[mod.__name__])
    watch_module(builtins, classes=False)
    for cls in type(shell).__mro__ + type(shell.kernel).__mro__:
        if cls is not object:
            for cattr, cvalue in list(vars(cls).items()):
                if callable(cvalue):
                    watched[("m", id(cls), cattr)] = (cls, cattr, cvalue)
    hooks = {"input_transformers_cleanup": lambda: shell.input_transformers_cleanup,
             "input_transformers_post": lambda: shell.input_transformers_post,
             "ast_transformers": lambda: shell.ast_transformers,
             "custom_exceptions": lambda: list(shell.custom_exceptions)}
    for ev in shell.events.callbacks:
        hooks["event " + ev] = (lambda ev=ev: shell.events.callbacks[ev])
    for o in (shell, shell.kernel):
        hooks[type(o).__name__ + " instance"] = (
            lambda o=o: [v for v in vars(o).values() if isinstance(v, types.FunctionType)])
    hooks["sys.settrace/setprofile"] = lambda: [f for f in (sys.gettrace(), sys.getprofile())
                                                if f is not None]
    hook_values = {name: list(get()) for name, get in hooks.items()}
    ns_trusted, ns_before, hidden = {}, {}, {}
    ns_initial = set(shell.user_ns)  # IPython's own names: get_ipython, exit, In, Out, ...

    def get(owner, attr):
        if owner is sys.modules:
            return sys.modules.get(attr, MISSING)
        try:
            return vars(owner).get(attr, MISSING)
        except TypeError:
            return MISSING

    def put(owner, attr, value):
        if owner is sys.modules:
            sys.modules[attr] = value
        else:
            try:
                setattr(owner, attr, value)
            except (TypeError, AttributeError):
                pass

    def label(owner, attr):
        if owner is sys.modules:
            return f"sys.modules[{attr!r}]"
        return f"{getattr(owner, '__name__', type(owner).__name__)}.{attr}"

    def changes():
        # (key, label, new value, made by the student's code?)
        found = []
        for key, (owner, attr, value) in list(watched.items()):
            now = get(owner, attr)
            if same(now, value):
                continue
            # lazy loaders (TensorFlow) replace a module by the module it stands for
            if (isinstance(value, types.ModuleType) and isinstance(now, types.ModuleType)
                    and now.__name__ == value.__name__):
                watched[key] = (owner, attr, now)
                continue
            found.append((key, label(owner, attr), now, student_made(now)))
        for name, value in ns_trusted.items():
            now = shell.user_ns.get(name, MISSING)
            if not same(now, value):
                found.append((("n", name), name, now, True))
        for name, get_hook in hooks.items():
            now, before = list(get_hook()), hook_values[name]
            if now != before:
                added = [f for f in now if not any(f is b for b in before)]
                removed = [b for b in before if not any(f is b for f in now)]
                found.append((("h", name), "IPython " + name if not name.startswith("sys") else name,
                              now, bool(removed) or any(student_made(f) for f in added)
                              or name in ("custom_exceptions", "sys.settrace/setprofile")))
        return found

    def undo(entries):
        for key, _, _, _ in entries:
            if key[0] == "m":
                owner, attr, value = watched[key]
                put(owner, attr, value)
            elif key[0] == "n":
                shell.user_ns[key[1]] = ns_trusted[key[1]]
            elif key[1] == "custom_exceptions":
                shell.set_custom_exc((), None)
            elif key[1] == "sys.settrace/setprofile":
                sys.settrace(None)
                sys.setprofile(None)
                threading.settrace(None)
                threading.setprofile(None)
            elif key[1].endswith(" instance"):
                for o in (shell, shell.kernel):
                    if key[1] == type(o).__name__ + " instance":
                        for k, v in list(vars(o).items()):
                            if (isinstance(v, types.FunctionType)
                                    and not any(v is b for b in hook_values[key[1]])):
                                del vars(o)[k]
            else:
                hooks[key[1]]()[:] = hook_values[key[1]]

    def accept(entries):
        for key, _, now, _ in entries:
            if key[0] == "m":
                owner, attr, _ = watched[key]
                watched[key] = (owner, attr, now)
            elif key[0] == "n":
                ns_trusted[key[1]] = now
            else:
                hook_values[key[1]] = list(hooks[key[1]]())

    def report(**kw):
        print(json.dumps(dict(kw, token=token)))

    def begin(quiet=False):
        ns_before.clear()
        ns_before.update({k: id(v) for k, v in shell.user_ns.items()})
        if not quiet:
            report(changed=[])

    def after(role):
        found = changes()
        if role == "student":
            # the student's code may register hooks through libraries (matplotlib), nothing else
            bad = [f for f in found if f[0][0] != "h" or f[3]]
        else:
            bad = [f for f in found if f[3]]
        accept([f for f in found if f not in bad])
        undo(bad)
        if role != "student":
            # helpers the instructor's cell bound (modules, library functions) become trusted
            for k, v in list(shell.user_ns.items()):
                if k.startswith("_") or ns_before.get(k) == id(v):
                    continue
                # (functions and classes only: a model or other callable object is data)
                if (isinstance(v, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                                   type)) and not student_made(v)):
                    ns_trusted[k] = v
        for k, v in hidden.items():
            shell.user_ns.setdefault(k, v)
        hidden.clear()
        report(changed=sorted({f[1] for f in bad}))

    def before_test():
        found = changes()
        undo(found)
        for k in list(shell.user_ns):
            if (k in vars(builtins) and not k.startswith("_") and k not in ns_trusted
                    and k not in ns_initial and not same(shell.user_ns[k], vars(builtins)[k])):
                hidden[k] = shell.user_ns.pop(k)
        begin(quiet=True)
        report(changed=sorted({f[1] for f in found} | {k + " (shadows a builtin)" for k in hidden}))

    return types.SimpleNamespace(begin=begin, after=after, before_test=before_test, report=report)
