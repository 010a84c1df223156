"""The picture in README "Architecture" holds: every import between readlist's parts points down.

    cli -> services -> {readers, bib, search, store, index} -> base (models, errors, textnorm ...)
    index (a derived, rebuildable file beside the store) -> {search, store}
    cli -> config -> base;  services -> config
    cli -> output -> {bib, base};  services -> output's pure shapes (export writes them)

Each module belongs to one part (`part_of`); each import of another readlist module, at the
top or inside a function, must follow an arrow of `ARROWS`. Third-party libraries have one
home each: typer the CLI, rich `output.render`, tinydb `store`, sqlite3 `index`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "readlist"

#: Modules outside a package of their own, by part. `arxiv_api` is an input source (the arXiv
#: API, read like a feed), `names` is part of bib, `arxiv` (arXiv ids, stdlib only) sits with
#: the models, `config` (the settings file) is read by the CLI and the use cases.
LOOSE_MODULES = {
    "readlist.__main__": "entry",
    "readlist.arxiv_api": "readers",
    "readlist.names": "bib",
    "readlist.search": "search",
    "readlist.store": "store",
    "readlist.undo_journal": "store",
    "readlist.storefile": "store",
    "readlist.merge": "store",
    "readlist.shards": "store",
    "readlist.gitrepo": "git",
    "readlist.index": "index",
    "readlist": "base",
    "readlist.models": "base",
    "readlist.arxiv": "base",
    "readlist.choices": "base",
    "readlist.errors": "base",
    "readlist.textnorm": "base",
    "readlist.clock": "base",
    "readlist.fsutil": "base",
    "readlist.config": "config",
    "readlist.tomltext": "base",
    "readlist.invocation": "base",
}
PACKAGES = {"cli", "services", "output", "readers", "bib"}

#: Which parts each part may import (besides itself).
ARROWS = {
    "entry": {"cli"},
    "cli": {"services", "output", "config", "base"},
    "services": {"readers", "bib", "search", "store", "index", "git", "output", "config", "base"},
    "output": {"bib", "base"},
    "readers": {"bib", "base"},
    "bib": {"base"},
    "search": {"base"},
    "store": {"base"},
    "git": {"base"},
    "config": {"base"},
    "index": {"search", "store", "base"},
    "base": set(),
}
#: Of output, services use only what is pure: the shapes an export writes and wording rules.
SERVICES_MAY_USE_OF_OUTPUT = {"readlist.output.shapes", "readlist.output.text"}
#: Besides its arrows, the CLI may read the vocabulary of `import --format` (the readers'
#: names, for --help) from the readers' package root, and nothing else of theirs.
CLI_MAY_READ = {"readlist.readers"}
#: Third-party libraries that only one place may import.
ONE_HOME = {
    "typer": {"cli"},
    "rich": {"readlist.output.render"},
    "tinydb": {"readlist.store"},
    "sqlite3": {"readlist.index"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    if module in LOOSE_MODULES:
        return LOOSE_MODULES[module]
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in PACKAGES:
        return parts[1]
    raise AssertionError(f"{module} belongs to no part: add it to README's picture and to this test")


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, resolved to the module (not the name imported from it)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: use absolute imports"
            for alias in node.names:  # `from readlist.bib import write` imports readlist.bib.write
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if _exists(submodule) else node.module)
    return names


def _exists(module: str) -> bool:
    if not module.startswith("readlist."):
        return False
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_import_points_down_an_arrow(module: str) -> None:
    source = part_of(module)
    wrong = []
    for target in sorted(imported_modules(MODULES[module])):
        if target != "readlist" and not target.startswith("readlist."):
            continue
        destination = part_of(target)
        if destination == source or (source == "cli" and target in CLI_MAY_READ):
            continue
        if destination not in ARROWS[source]:
            wrong.append(f"{module} ({source}) -> {target} ({destination})")
        elif source == "services" and destination == "output" and target not in SERVICES_MAY_USE_OF_OUTPUT:
            wrong.append(f"{module} -> {target}: services use only the pure parts of output")
    assert not wrong, "imports against the arrows:\n" + "\n".join(wrong)


def test_the_arrows_have_no_cycle() -> None:
    """The picture itself stays a hierarchy: no part can reach itself through others."""
    for part in ARROWS:
        frontier, seen = set(ARROWS[part]), set()
        while frontier:
            current = frontier.pop()
            assert current != part, f"{part} can reach itself"
            if current not in seen:
                seen.add(current)
                frontier |= ARROWS[current]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_libraries_have_one_home(module: str) -> None:
    top = {name.split(".")[0] for name in imported_modules(MODULES[module])}
    for library, homes in ONE_HOME.items():
        if library in top:
            assert module in homes or part_of(module) in homes, f"{module} imports {library}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) in {"base", "bib", "readers", "search"}))
def test_pure_parts_use_no_cli_terminal_or_database_library(module: str) -> None:
    top = {name.split(".")[0] for name in imported_modules(MODULES[module])}
    assert not top & {"typer", "rich", "tinydb", "click", "filelock"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if part_of(m) == "base"))
def test_models_and_their_helpers_are_stdlib_only(module: str) -> None:
    outside = {
        name
        for name in imported_modules(MODULES[module])
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "readlist"
    }
    assert not outside
