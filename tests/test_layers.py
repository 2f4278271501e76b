"""The layering of docs/architecture.md, checked on the source: every import of another of our
apps points down, and an app's pages (views, forms, api, urls) are its own."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Each app's floor: an app imports only apps on lower floors (never one beside or above it).
FLOORS = {
    "core": 0,
    "accounts": 1,
    "audit": 2,
    "idempotency": 2,
    "notifications": 2,
    "cases": 3,
    "petitions": 4,
    "escalation": 5,
    "dashboards": 5,
    "portal": 5,
    "reception": 6,
    "ledgers": 6,
    "demo": 7,
    "bench": 7,
    "config": 8,
}
# What another app may not import: the modules that make an app's own pages and API (core's
# are the shared toolkit, there for every app).
PAGE_MODULES = {"views", "forms", "api", "urls"}


def _imports(app: str):
    """(file, line, module) for every absolute import in the app's code (migrations aside)."""
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                yield path.relative_to(ROOT), node.lineno, name


def test_every_app_of_ours_has_a_floor():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if (path.parent / "__init__.py").exists()
    }
    assert packages - set(FLOORS) == set()


@pytest.mark.parametrize("app", sorted(FLOORS))
def test_imports_point_down(app):
    upward = sorted(
        f"{path}:{line} imports {name}"
        for path, line, name in _imports(app)
        if (other := name.split(".")[0]) in FLOORS and other != app and FLOORS[other] >= FLOORS[app]
    )
    assert upward == []


@pytest.mark.parametrize("app", sorted(set(FLOORS) - {"config"}))
def test_no_app_builds_on_another_apps_pages(app):
    # config wires every app's URLs and API routes; nothing else reaches into them.
    borrowed = sorted(
        f"{path}:{line} imports {name}"
        for path, line, name in _imports(app)
        if (parts := name.split("."))[0] in FLOORS
        and parts[0] not in (app, "core")
        and PAGE_MODULES & set(parts[1:])
    )
    assert borrowed == []
