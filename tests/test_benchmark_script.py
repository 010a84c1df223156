"""The benchmark keeps working: every command it times runs and does what it should.

No timing is asserted here (numbers come from `benchmarks/run.py` itself, on purpose runs).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import digestgen  # noqa: E402
import peers  # noqa: E402


@pytest.mark.slow  # runs readlist as a process end to end
def test_benchmark_runs_every_operation_without_error(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--n",
            "90",
            "--runs",
            "1",
            "--import-runs",
            "1",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    operations = [row["operation"].split("  ")[0] for row in report["rows"]]
    for expected in (
        "readlist --help",
        "import (all files, empty store)",
        "list --limit 20",
        "list --limit N",
        "search learning",
        "search diffusion",
        "show KEY",
        "export -o FILE (all, cold)",
        "export -o FILE (all, warm)",
        "tag KEY -t X",
        "note KEY TEXT",
        "status KEY read",
    ):
        assert expected in operations
    assert [
        row["operation"]
        for row in report["rows"]
        if row["error"] or any(report_code != 0 for report_code in row["exit_codes"])
    ] == []
    assert report["notes"] == []  # the benchmark's own checks (tag, note, status landed; hit counts)
    meta = report["meta"]
    assert meta["list_all_rows_pipe"] == 90  # every row printed, to a pipe and to a terminal
    assert meta["list_all_rows_terminal"] == 90
    assert meta["search_learning_hits"] == meta["search_learning_rows_all"] == 90
    assert meta["search_diffusion_hits"] == meta["search_diffusion_rows_all"] == 18


# --- the generator: realistic, controlled, deterministic (fast: no process) --------------------


@pytest.fixture(scope="module")
def papers() -> list[digestgen.Paper]:
    return list(digestgen.papers(1500, 7))


def test_abstracts_have_120_to_250_words_of_varied_vocabulary(papers: list[digestgen.Paper]) -> None:
    words = [len(p.abstract.split()) for p in papers]
    assert min(words) >= 120 and max(words) <= 250
    assert 160 <= sum(words) / len(words) <= 210
    vocabulary = {w for p in papers for w in re.findall(r"[a-z]+", p.abstract.lower())}
    assert len(vocabulary) > 1000
    # Zipf-like: a few words are in most papers, most words in few
    share = {w: sum(w in p.abstract for p in papers) / len(papers) for w in ("hypergraph", "the")}
    assert share["the"] > 0.95 and share["hypergraph"] < 0.05


def test_authors_three_to_twelve_with_accents_particles_and_suffixes(papers: list[digestgen.Paper]) -> None:
    counts = [len(p.authors) for p in papers]
    assert min(counts) == 3 and max(counts) == 12
    names = [a for p in papers for a in p.author_strings]
    assert any(not n.isascii() for n in names)
    assert any(" van der " in n for n in names) and any(" de la " in n for n in names)
    assert any(n.endswith((" Jr.", ", Jr.", " III")) for n in names)


def test_latex_in_about_a_tenth_of_the_titles_and_arxiv_ids(papers: list[digestgen.Paper]) -> None:
    latex = sum("$" in p.title for p in papers) / len(papers)
    assert 0.05 <= latex <= 0.16
    assert all(re.fullmatch(r"\d{4}\.\d{5}", p.arxiv) for p in papers)
    titles = [digestgen.squash(p.title) for p in papers]
    assert len(set(titles)) == len(titles)  # N papers make N entries


def test_reserved_words_hit_exactly_their_share(papers: list[digestgen.Paper]) -> None:
    expected = digestgen.expected_hits(len(papers))
    assert expected == {"quaternion": 15, "learning": 1500, "diffusion": 300}
    for word, count in expected.items():
        texts = [" ".join([p.title, p.abstract, p.comment or "", p.topic, *p.author_strings]).lower() for p in papers]
        assert sum(word in t for t in texts) == count, word
        # never inside a longer word, so that substring and word-start searches agree
        assert {m for t in texts for m in re.findall(rf"\w*{word}\w*", t)} == {word}


def test_the_same_seed_gives_the_same_bytes() -> None:
    first = list(digestgen.generate(70, 3))
    assert first == list(digestgen.generate(70, 3))
    assert first != list(digestgen.generate(70, 4))
    assert [p.title for p in digestgen.papers(70, 3)] == [p.title for p in digestgen.papers(70, 3)]


def test_bibtex_holds_the_same_papers(tmp_path: Path) -> None:
    bib = tmp_path / "p.bib"
    count, size = digestgen.write_bibtex(60, 5, str(bib))
    text = bib.read_text("utf-8")
    assert count == 60 and size == len(text.encode("utf-8"))
    keys = re.findall(r"^@article\{([^,]+),", text, re.MULTILINE)
    assert keys == digestgen.bibtex_keys(60, 5) and len(set(keys)) == 60
    for entry, paper in zip(text.split("\n\n@"), digestgen.papers(60, 5), strict=True):
        assert entry.count("{") == entry.count("}")
        assert f"eprint = {{{paper.arxiv}}}" in entry
        assert " and ".join(a.bibtex() for a in paper.authors) in entry
    assert "van der " in text and ", Jr., " in text


# --- the peers module: the command lines it would run (no install, no network) ----------------


def make_peer_tools(tmp_path: Path) -> dict[str, peers.Tool]:
    env = {"PATH": "/usr/bin", "HOME": "/root"}
    bindir = tmp_path / "venv" / "bin"
    tools: list[peers.Tool] = [
        peers.Readlist(tmp_path / "readlist", env, ["/venv/bin/readlist"]),
        peers.Pubs(tmp_path / "pubs", env, bindir),
        peers.Papis(tmp_path / "papis", env, bindir),
        peers.Cobib(tmp_path / "cobib", env, bindir),
    ]
    return {t.name: t for t in tools}


def test_peers_are_pinned_and_installed_into_their_own_venvs(tmp_path: Path) -> None:
    assert set(peers.PEERS) == {"pubs", "papis", "cobib"}
    for spec in peers.PEERS.values():
        assert spec.pip[0] == f"{spec.name}=={spec.version}"
        venv_cmd, pip_cmd = peers.install_commands(tmp_path, spec, "/usr/bin/python3")
        assert venv_cmd == ["/usr/bin/python3", "-m", "venv", str(tmp_path / f"{spec.name}-{spec.version}")]
        assert pip_cmd[0] == str(tmp_path / f"{spec.name}-{spec.version}" / "bin" / "pip")
        assert pip_cmd[1] == "install" and list(spec.pip) == pip_cmd[-len(spec.pip) :]
    assert "bibtexparser>=1.4,<2" in peers.PEERS["pubs"].pip


def test_every_tool_has_a_command_for_every_operation_in_its_own_home(tmp_path: Path) -> None:
    tools = make_peer_tools(tmp_path)
    for name, tool in tools.items():
        assert tool.env["HOME"] == str(tmp_path / name)
        assert tool.env["XDG_CONFIG_HOME"].startswith(str(tmp_path / name))
        assert tool.env["PATH"] == "/usr/bin"
        for op, _label in peers.OPERATIONS:
            cmd = tool.command(op, "main", bib=Path("/p.bib"), out=Path("/o.bib"), key="smith2023deep", n=500)
            assert cmd, (name, op)
            if cmd[: len(peers.COLD)] == peers.COLD:  # readlist's first export: its index removed first
                assert (name, op) == ("readlist", "export_cold") and cmd[len(peers.COLD)].endswith(".index.sqlite")
                cmd = cmd[len(peers.COLD) + 1 :]
            assert Path(cmd[0]).name == ("readlist" if name == "readlist" else name)
            joined = " ".join(cmd)
            if op == "import":
                assert "/p.bib" in joined
            if op == "tag":
                assert "smith2023deep" in joined and peers.TAG in joined and "-" not in peers.TAG
            if op.startswith("search"):
                assert ("diffusion" in joined) == (op != "search_all")
                assert ("learning" in joined) == (op != "search_some")
    assert tools["readlist"].command("list", "main", bib=Path(), out=Path(), key="", n=500)[-2:] == ["--limit", "500"]
    assert tools["pubs"].command("search_two", "main", bib=Path(), out=Path(), key="", n=5)[-2:] == [
        "title:diffusion",
        "abstract:learning",
    ]


def test_setting_up_a_library_writes_configs_inside_the_tool_home(tmp_path: Path) -> None:
    tools = make_peer_tools(tmp_path)
    pubs_init = tools["pubs"].prepare("lib1")
    rc, repo = tmp_path / "pubs" / "pubsrc-lib1", tmp_path / "pubs" / "repo-lib1"
    assert pubs_init == [[str(tmp_path / "venv" / "bin" / "pubs"), "-c", str(rc), "init", "-p", str(repo)]]
    cobib_init = tools["cobib"].prepare("lib1")
    config = (tmp_path / "cobib" / "cobib-lib1.py").read_text()
    assert str(tmp_path / "cobib" / "literature-lib1.yaml") in config and "config.database.git = False" in config
    assert cobib_init[0][-1] == "init"
    assert tools["papis"].prepare("lib1") == []
    assert (tmp_path / "papis" / "library-lib1").is_dir()
    assert str(tmp_path / "papis") in (tmp_path / "papis" / ".config" / "papis" / "config").read_text()


def test_output_is_counted_per_tool() -> None:
    rich_table = (
        "\n key                   title        authors   year   status \n"
        " ─────────────────────────────────────────────────────────── \n"
        " smith2023deep         Deep …       Smith     2023   unread \n"
        " van2022x              X …          van Der   2022   unread \n"
    )
    assert peers.readlist_rows(rich_table) == 2
    assert peers.readlist_rows("smith2023deep\t2023\tunread\tSmith\tDeep\nvan2022x\t2022\tread\tvan Der\tX\n\n") == 2
    out = Path("/nonexistent")
    pubs_out = '[a2020x] A, B et al. "X" (2020) \n[b2021y] C "Y" (2021) | benchx\n'
    assert peers.Pubs.count(None, "list", pubs_out, out) == 2  # type: ignore[arg-type]
    cobib_search = "Searching... 100%\nsmith2023deep - 1 match\n└── 1:\nvan2022x - 2 matches\n"
    assert peers.Cobib.count(None, "search_some", cobib_search, out) == 2  # type: ignore[arg-type]
    cobib_list = "┃ label ┃ title ┃\n│ smith2023deep │ {Deep} │\n│               │ {more} │\n"
    assert peers.Cobib.count(None, "list", cobib_list, out) == 1  # type: ignore[arg-type]
    assert peers.Cobib.count_tagged(None, "label::title::tags\nsmith::{X}::benchx\n") == 1  # type: ignore[arg-type]


def test_tag_keys_are_not_part_of_other_keys() -> None:
    keys = ["smith2023deep", "smith2023deepa", "lee2022x", "kim2021y", "kim2021yb"]
    assert peers.pick_tag_keys(keys, 0, 3) == ["smith2023deepa", "lee2022x", "kim2021yb"]
