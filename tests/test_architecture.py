"""The dependency direction of DESIGN.md, enforced on the source: each layer imports only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "antt"

# layer -> the antt layers it may import (its own layer always allowed)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "settings": {"errors"},
    "domain": {"errors"},
    "analytics": {"domain", "errors"},
    "importers": {"domain", "errors"},
    "reports": {"domain", "errors"},
    "auth": {"settings", "errors"},
    "storage": {"domain", "errors", "settings"},
    "services": {"domain", "analytics", "importers", "reports", "auth", "storage", "settings", "errors"},
    "demo": {"domain", "services", "errors", "settings"},
    "web": {"services", "auth", "domain", "settings", "errors"},
    "cli": {"services", "demo", "web", "domain", "settings", "errors"},
    "data": set(),
}
# third-party packages a layer must not import (the pure layers stay pure)
FORBIDDEN_THIRD_PARTY: dict[str, set[str]] = {
    "domain": {
        "sqlalchemy",
        "fastapi",
        "numpy",
        "scipy",
        "shapely",
        "pyproj",
        "openpyxl",
        "starlette",
        "typer",
        "rich",
        "pydantic",
        "alembic",
        "uvicorn",
    },
    "analytics": {"sqlalchemy", "fastapi", "starlette", "openpyxl", "typer", "rich", "matplotlib"},
    "importers": {"sqlalchemy", "fastapi", "starlette", "typer", "rich"},
    "reports": {"sqlalchemy", "fastapi", "starlette", "typer"},
    "storage": {"fastapi", "starlette", "typer", "rich"},
    "services": {"fastapi", "starlette", "typer", "rich"},
    "errors": {"sqlalchemy", "fastapi", "pydantic", "numpy"},
}
# modules of the top level that are layers by themselves
TOP_MODULES = {"errors", "settings", "__init__"}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.stem in TOP_MODULES else rel.stem


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts or p.name == "env.py")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_layers_below_it(path: Path) -> None:
    layer = layer_of(path)
    if layer == "__init__":
        return
    assert layer in ALLOWED, f"{path}: unknown layer {layer!r}; add it to DESIGN.md and this test"
    problems = []
    for line, module in imports_of(path):
        top = module.split(".")[0]
        if top == "antt":
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target not in (layer, "__init__") and target not in ALLOWED[layer]:
                problems.append(f"line {line}: {layer} must not import antt.{target}")
        elif top in FORBIDDEN_THIRD_PARTY.get(layer, set()):
            problems.append(f"line {line}: {layer} must not import {top}")
    assert not problems, f"{path.relative_to(PACKAGE)}: " + "; ".join(problems)


def test_the_architecture_test_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from antt.storage.tables import Base\nimport sqlalchemy\n")
    found = [m for _, m in imports_of(bad)]
    assert "antt.storage.tables" in found and "sqlalchemy" in found
    assert "storage" not in ALLOWED["domain"]


def test_nothing_is_built_at_import_time() -> None:
    """No module-level engine, settings or app: module bodies only define things."""
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                if name in {
                    "create_engine",
                    "make_engine",
                    "load_settings",
                    "create_app",
                    "FastAPI",
                    "Database",
                    "sessionmaker",
                }:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}()")
    assert not offenders, offenders
