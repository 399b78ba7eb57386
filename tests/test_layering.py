"""Dependencies point one way: storefront → hardware, pricing; pricing is pure."""
import subprocess
import sys


def modules_loaded_by(package: str) -> set[str]:
    code = f"import sys, {package}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_hardware_never_loads_the_web_layer():
    loaded = modules_loaded_by("hardware.db")
    assert "storefront" not in loaded
    assert "flask" not in loaded
