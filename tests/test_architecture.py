"""The arrows of README's architecture hold: pure modules stay pure, only the entry points import the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "readlist"
PURE = [
    "models",
    "arxiv",
    "readers/__init__",
    "readers/base",
    "readers/blocks",
    "readers/blog_text",
    "readers/blog_markdown",
    "readers/saved_page",
    "readers/bibtex_file",
    "readers/arxiv_feed",
    "readers/arxiv_listing",
    "readers/paper_table",
    "readers/paper_jsonl",
    "bibtex",
    "names",
    "keys",
    "venues",
    "latex",
    "latex_unicode",
    "search",
    "exporters",
    "textnorm",
]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_cli_rendering_or_storage(module: str) -> None:
    imports = imported_modules(PACKAGE / f"{module}.py")
    forbidden = {"typer", "rich", "tinydb", "readlist.store", "readlist.services", "readlist.render", "readlist.cli"}
    assert not {name for name in imports if name.split(".")[0] in forbidden or name in forbidden}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("*.py") if "cli" not in p.parts and p.name != "__main__.py"),
    ids=lambda p: p.name,
)
def test_nothing_imports_the_cli(path: Path) -> None:
    assert not any(name.startswith("readlist.cli") for name in imported_modules(path))


def test_only_store_imports_tinydb_and_only_render_imports_rich() -> None:
    for path in PACKAGE.rglob("*.py"):
        top = {name.split(".")[0] for name in imported_modules(path)}
        if "tinydb" in top:
            assert path.name == "store.py", path
        if "rich" in top:
            assert path.name == "render.py", path
