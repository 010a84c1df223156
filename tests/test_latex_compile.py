"""Compile an export of the tricky library (tests/latex_library.py) with real LaTeX tools.

Three toolchains read the `bibtex` profile: pdflatex + bibtex with natbib/plainnat, pdflatex +
bibtex with IEEEtran.bst, pdflatex + biber --validate-datamodel with biblatex. A fourth run
checks the `biblatex` (UTF-8) profile with biber. Any warning fails the test.

CJK: the `bibtex` profile is pure ASCII, so CJK is transliterated (王 -> Wang) and every entry
compiles. The `biblatex` profile keeps CJK as UTF-8 on purpose (it targets XeLaTeX/LuaLaTeX
with CJK fonts, which are not among CI's Debian packages); pdflatex cannot typeset it, so
only that run leaves out the entries holding CJK.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from latex_library import library, needs_unicode_engine

from readlist.bib.write import export_bibtex
from readlist.models import PROFILES, Entry

pytestmark = [pytest.mark.latex, pytest.mark.slow]

DEBIAN_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-bibtex-extra texlive-publishers biber lmodern"
PREAMBLE = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage{lmodern}\n"
DOCUMENTS = {
    "plainnat": PREAMBLE + "\\usepackage{url}\n\\usepackage{natbib}\n\\begin{document}\n{cites}\n"
    "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n",
    "ieeetran": PREAMBLE + "\\usepackage{url}\n\\begin{document}\n{cites}\n"
    "\\bibliographystyle{IEEEtran}\n\\bibliography{refs}\n\\end{document}\n",
    # A bare article (OT1 fonts, no fontenc): what many conference templates still use.
    "plainnat_ot1": "\\documentclass{article}\n\\usepackage{url}\n\\usepackage{natbib}\n\\begin{document}\n"
    "{cites}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n",
    "ieeetran_ot1": "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n{cites}\n"
    "\\bibliographystyle{IEEEtran}\n\\bibliography{refs}\n\\end{document}\n",
    "plainnat_no_url": PREAMBLE + "\\usepackage{natbib}\n\\begin{document}\n{cites}\n"
    "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n",
    "biblatex": PREAMBLE + "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
    "\\begin{document}\n{cites}\n\\printbibliography\n\\end{document}\n",
}
BIBTEX_PROBLEMS = re.compile(r"Warning--|I was expecting|Repeated entry|error message|\(There was")
BIBER_PROBLEMS = re.compile(r"\b(?:WARN|ERROR)\b")
LATEX_PROBLEMS = re.compile(r"^!|LaTeX Warning|Package \w+ Warning|Missing character|undefined|runsystem", re.MULTILINE)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed; install the Debian packages: apt-get install -y {DEBIAN_PACKAGES}"
        if os.environ.get("CI"):  # CI has TeX Live: a missing tool there is a failure, never a skip
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _run(command: list[str], cwd: Path) -> str:
    # shell_escape=f: even if something slipped through, \write18 could not run a command.
    env = {**os.environ, "shell_escape": "f", "openout_any": "p", "openin_any": "p"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, errors="replace", timeout=60)
    log = done.stdout + done.stderr
    assert done.returncode == 0 or command[0].endswith("bibtex"), f"{' '.join(command)} failed:\n{log[-3000:]}"
    return log


def _lint(bib: str, entries: list[Entry]) -> None:
    """What compiles can still be wrong: case-insensitive duplicate keys, a bare `%`."""
    keys = [entry.key.casefold() for entry in entries]
    assert len(keys) == len(set(keys))
    for line in bib.splitlines():
        name = line.strip().split(" ", 1)[0]
        if name not in ("url", "doi"):
            assert not re.search(r"(?<!\\)%", line), f"bare % in: {line}"


def _compile(tmp_path: Path, style: str, profile: str, entries: list[Entry]) -> tuple[str, str, str]:
    bib = export_bibtex(entries, profile=PROFILES[profile], keep_comments=True)
    _lint(bib, entries)
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    cites = "\\nocite{*}\n" + "".join(f"\\cite{{{entry.key}}}\n" for entry in entries)
    (tmp_path / "main.tex").write_text(DOCUMENTS[style].replace("{cites}", cites), encoding="utf-8")
    pdflatex = [_tool("pdflatex"), "-interaction=nonstopmode", "-halt-on-error", "main.tex"]
    _run(pdflatex, tmp_path)
    if style == "biblatex":
        tool_log = _run([_tool("biber"), "--validate-datamodel", "main"], tmp_path)
    else:
        tool_log = _run([_tool("bibtex"), "main"], tmp_path)
        tool_log += (tmp_path / "main.blg").read_text(encoding="utf-8", errors="replace")
    _run(pdflatex, tmp_path)
    _run(pdflatex, tmp_path)
    latex_log = (tmp_path / "main.log").read_text(encoding="utf-8", errors="replace")
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8", errors="replace")
    return tool_log, latex_log, bbl


@pytest.mark.parametrize(
    ("style", "profile"),
    [
        pytest.param("plainnat", "bibtex", id="natbib_plainnat"),
        pytest.param("ieeetran", "bibtex", id="ieeetran"),
        pytest.param("plainnat_ot1", "bibtex", id="natbib_plainnat_ot1_fonts"),
        pytest.param("ieeetran_ot1", "bibtex", id="ieeetran_ot1_fonts"),
        pytest.param("biblatex", "bibtex", id="biblatex_biber_ascii_profile"),
        pytest.param("biblatex", "biblatex", id="biblatex_biber_utf8_profile"),
    ],
)
def test_export_compiles_without_any_warning(tmp_path: Path, style: str, profile: str) -> None:
    entries = library()
    if profile == "biblatex":
        entries = [entry for entry in entries if not needs_unicode_engine(entry)]
    assert len(entries) >= 39
    tool_log, latex_log, bbl = _compile(tmp_path, style, profile, entries)
    problems = (BIBER_PROBLEMS if style == "biblatex" else BIBTEX_PROBLEMS).findall(tool_log)
    assert not problems, tool_log
    assert not LATEX_PROBLEMS.findall(latex_log), "\n".join(
        line for line in latex_log.splitlines() if LATEX_PROBLEMS.search(line)
    )
    items = bbl.count("\\entry{") if style == "biblatex" else bbl.count("\\bibitem")
    assert items == len(entries)
    assert "\\textbackslash{}input" in bbl or "\\textbackslash {}input" in bbl


def test_a_missing_tex_tool_skips_here_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="pdflatex is not installed"):
        _tool("pdflatex")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="pdflatex is not installed"):
        _tool("pdflatex")


@pytest.mark.parametrize(
    ("style", "profile"),
    [
        pytest.param("plainnat_no_url", "bibtex", id="natbib_plainnat_without_url_package"),
        pytest.param("plainnat", "bibtex", id="natbib_plainnat"),
        pytest.param("biblatex", "biblatex", id="biblatex_biber_utf8_profile"),
    ],
)
def test_controls_and_percent_signs_from_a_bib_file_compile(tmp_path: Path, style: str, profile: str) -> None:
    """Stored text with ESC (pdflatex: `Unicode character ^^[`) and a `%` in url and doi."""
    from readlist.models import Entry

    entries = [
        Entry(
            key="esc2024title",
            title="Escapes \x1b[2J in \u202e a Title\x07",
            authors=["Ann\x1b]0;x\x07 Lee"],
            abstract="An\x9b abstract.",
            year=2024,
            url="https://example.org/a%20b?q=5%25",
            extra={"doi": "10.1000/x%2Fy", "ENTRYTYPE": "misc"},
        )
    ]
    tool_log, latex_log, bbl = _compile(tmp_path, style, profile, entries)
    assert not (BIBER_PROBLEMS if style == "biblatex" else BIBTEX_PROBLEMS).findall(tool_log), tool_log
    assert not LATEX_PROBLEMS.findall(latex_log), latex_log[-2000:]
    assert "\x1b" not in bbl and "a%20b" in bbl.replace("\\%", "%")
