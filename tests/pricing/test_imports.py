"""pricing's modules depend on each other one way: no import circle, counting the imports made
only for type hints, so each module can be read, and loaded, before the ones that use it."""
import ast
from pathlib import Path

import pricing

PACKAGE = Path(pricing.__file__).parent


def imports_within_pricing(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pricing."):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("pricing."))
    return names


def test_no_module_of_pricing_imports_itself_back_through_another():
    graph = {
        f"pricing.{path.stem}": imports_within_pricing(path)
        for path in PACKAGE.glob("*.py") if path.stem != "__init__"
    }
    circles = []

    def visit(module, trail):
        for imported in sorted(graph.get(module, ())):
            if imported in trail:
                circles.append(" → ".join(trail[trail.index(imported):] + [imported]))
            else:
                visit(imported, trail + [imported])

    for module in graph:
        visit(module, [module])
    assert circles == []
