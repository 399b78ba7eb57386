"""Dependencies point one way: storefront → hardware, pricing; pricing is pure; and no test
module imports another."""
import ast
import subprocess
import sys
from pathlib import Path


def modules_loaded_by(package: str) -> set[str]:
    code = f"import sys, {package}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_hardware_never_loads_the_web_layer():
    loaded = modules_loaded_by("hardware.db")
    assert "storefront" not in loaded
    assert "flask" not in loaded


# Every module of ours, each imported alone in a fresh interpreter: an import cycle (a
# blueprint package whose routes import a service that imports back into the blueprint)
# only shows when the module is the first thing imported.
PACKAGES = ("pricing", "hardware", "storefront", "benchmarks")


def project_modules() -> list[str]:
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    names = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).with_suffix("")
            if "migrations" in relative.parts:
                continue  # Alembic loads these by path, inside its own context
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            names.append(".".join(parts))
    return names


# Runs in one fresh interpreter that loads the third-party libraries once, then forks a
# child per module: each child starts with none of our modules loaded, so an import cycle
# among ours shows, and the whole test takes seconds rather than a minute of interpreters.
IMPORT_EACH_ALONE = """
import importlib, os, sys, traceback
for library in ("flask", "flask_login", "flask_wtf", "wtforms", "sqlalchemy", "alembic", "stripe",
                "htmx_flask", "jinja2_fragments", "pycountry", "argon2", "phonenumbers", "flask_limiter",
                "flask_compress", "markdown_it", "nh3", "itsdangerous", "psycopg"):
    importlib.import_module(library)
assert not any(name.split(".")[0] in {packages!r} for name in sys.modules)
running = 0
for module in sys.argv[1:]:
    if running == 4:
        os.wait()
        running -= 1
    if os.fork() == 0:
        try:
            importlib.import_module(module)
        except BaseException:
            sys.stdout.write(module + ": " + traceback.format_exc().strip().splitlines()[-1] + "\\n")
            sys.stdout.flush()
            os._exit(1)
        os._exit(0)
    running += 1
while running:
    os.wait()
    running -= 1
"""


def test_every_module_imports_on_its_own():
    modules = project_modules()
    assert "storefront.services.customers" in modules and "storefront.stripe_gateway" in modules
    code = IMPORT_EACH_ALONE.format(packages=set(PACKAGES))
    result = subprocess.run([sys.executable, "-c", code, *modules], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_only_the_stripe_adapter_imports_stripe():
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    importers = set()
    for package in ("pricing", "hardware", "storefront"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(name == "stripe" or name.startswith("stripe.") for name in names):
                    importers.add(path.relative_to(root).as_posix())
    assert importers == {"storefront/stripe_gateway.py"}


BLUEPRINTS = ("account", "api", "auth", "gateway", "payments", "public", "reserve", "shop", "staff")


def test_nothing_imports_into_a_blueprint_package_but_the_app_factory():
    """A blueprint package holds routes; services, adapters and other blueprints never
    import from it (that is how the Stripe adapter's import cycle came about)."""
    import ast
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    reaching_in = set()
    for path in (root / "storefront").rglob("*.py"):
        relative = path.relative_to(root)
        own = relative.parts[1] if len(relative.parts) > 2 else None
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == "storefront" and parts[1] in BLUEPRINTS and parts[1] != own:
                    reaching_in.add(f"{relative.as_posix()} → {name}")
    assert {line for line in reaching_in if not line.startswith("storefront/__init__.py")} == set()


TESTS = Path(__file__).resolve().parent


def is_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in dotted.split("."))


def imports_of_test_modules(path: Path) -> list[str]:
    """`file:line module` for each import in `path` of a test module or a conftest."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules = [base] if is_test_module(base) else [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [f"{path.relative_to(TESTS.parent)}:{node.lineno} {module}"
                  for module in modules if is_test_module(module)]
    return found


def test_no_test_module_imports_another_test_module():
    """What tests share is a fixture (conftest.py) or a function in a helpers module
    (tests/helpers.py, tests/storefront/helpers.py, tests/browser/pages.py, ...)."""
    offenders = [hit for path in sorted(TESTS.rglob("*.py")) for hit in imports_of_test_modules(path)]
    assert offenders == []
