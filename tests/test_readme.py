"""README stays true: every command it shows runs as shown, every command is documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_server import serve

from readlist.cli import app

pytestmark = pytest.mark.slow  # runs readlist as a process (or the whole CLI) end to end

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def usage_lines() -> list[str]:
    """The command lines of every example after the quickstart, in README order."""
    body = README.split("## A day with readlist", 1)[1]
    lines = []
    for block in shell_blocks(body):
        lines += [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    return lines


@pytest.fixture
def arxiv_api() -> Iterator[str]:
    """README's arXiv examples talk to a local stand-in: tests never reach the internet."""
    for server in serve():
        yield server.url


def test_every_example_runs_as_shown(tmp_path: Path, arxiv_api: str) -> None:
    work = tmp_path / "work"
    shutil.copytree(ROOT / "examples", work / "examples")
    editor = tmp_path / "editor.py"
    editor.write_text(  # a note gets a line; an entry opened by `edit KEY` gets a venue
        f"#!{sys.executable}\n"
        "import re, sys\n"
        "path = sys.argv[1]\n"
        "if path.endswith('.toml'):\n"
        "    text = re.sub(r'^venue = .*$', \"venue = 'ICLR 2024'\", open(path).read(), flags=re.M)\n"
        "else:\n"
        "    text = 'a note from the editor\\n'\n"
        "open(path, 'w').write(text)\n"
    )
    editor.chmod(0o755)
    bin_dir = str(Path(sys.executable).parent)
    assert Path(bin_dir, "readlist").exists(), "install the package (pip install -e .) to run README examples"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "EDITOR": str(editor),
        "COLUMNS": "120",
        "READLIST_ARXIV_API": arxiv_api,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    # The store a user has: the default one in the data dir (sync's examples need its name).
    env.pop("READLIST_DB", None)
    for line in usage_lines():
        result = subprocess.run(
            ["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        assert result.returncode == 0, f"README line failed: {line}\n{result.stdout}\n{result.stderr}"
        assert "Error:" not in result.stderr, line
    assert (work / "refs.bib").read_text().count("@") >= 1
    assert "## 20" in (work / "notebook.md").read_text()


def test_quoted_results_in_readme_are_what_readlist_prints(tmp_path: Path) -> None:
    """Lines like `readlist cite a b  # \\cite{a,b}` promise an output: check it."""
    promised = [line for line in usage_lines() if line.startswith("readlist cite") and "# " in line]
    assert promised
    work = tmp_path / "w"
    shutil.copytree(ROOT / "examples", work / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(
        [
            "bash",
            "-c",
            "readlist import examples/ && readlist add --title 'Attention Is All You Need' --author 'Ashish Vaswani' --year 2017",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    for line in promised:
        command, expected = line.split("# ", 1)
        out = subprocess.run(
            ["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, check=True
        ).stdout
        assert out.strip() == expected.strip()


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands if not c.hidden]
GROUPS = [g.name for g in app.registered_groups if g.name]


@pytest.mark.parametrize("name", sorted(COMMANDS + GROUPS))
def test_every_command_has_help_and_a_readme_section(name: str, cli) -> None:
    result = cli(name, "--help")
    assert "Usage:" in result.stdout
    assert "Example: readlist " in result.stdout, f"{name} --help shows no example"
    assert re.search(rf"^### .*\b{name}\b", README, flags=re.M), f"README has no section for {name}"


def test_ci_runs_the_readme_test_command() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    test_command = shell_blocks(quickstart)[1].strip()
    python_part = test_command[test_command.index("python3 -m venv") :]
    assert python_part in (ROOT / ".ci" / "run").read_text()
