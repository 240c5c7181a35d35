"""Dependencies point inward: runtime/ is plumbing that no service or workflow code leaks into."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("runtime", {"services", "workflows"}), ("contracts", {"runtime", "services", "workflows"})],
)
def test_inner_package_imports_nothing_from_the_outer_ones(package: str, forbidden: set[str]) -> None:
    leaks = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & forbidden)
        for path in (ROOT / package).rglob("*.py")
        if _imported_packages(path) & forbidden
    }

    assert leaks == {}
