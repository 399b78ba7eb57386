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
