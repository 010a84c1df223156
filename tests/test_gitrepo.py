"""How git's failures are told apart (in the C locale): a remote that cannot be reached is
exit 8 for `sync`, anything else exit 9."""

from __future__ import annotations

import pytest

from readlist.gitrepo import clean_environment, last_line, unreachable

UNREACHABLE = [
    pytest.param(
        "fatal: '/tmp/x.git' does not appear to be a git repository\n"
        "fatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\n",
        id="missing_path",
    ),
    pytest.param(
        "fatal: unable to access 'https://example.org/r.git/': Could not resolve host: example.org\n", id="dns"
    ),
    pytest.param("ssh: connect to host example.org port 22: Connection refused\n", id="refused"),
    pytest.param("ssh: connect to host example.org port 22: Network is unreachable\n", id="no_network"),
]

OTHER = [
    pytest.param(
        " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to 'file:///r.git'\n",
        id="push_rejected",
    ),
    pytest.param("fatal: not a git repository (or any of the parent directories): .git\n", id="no_repository"),
    pytest.param("error: Your local changes to the following files would be overwritten by merge:\n", id="dirty"),
    pytest.param(
        "git@example.org: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\n"
        "Please make sure you have the correct access rights\nand the repository exists.\n",
        id="ssh_key_refused",
    ),
    pytest.param(
        "ERROR: Repository not found.\nfatal: Could not read from remote repository.\n", id="no_access_to_repository"
    ),
    pytest.param(
        "fatal: could not read Username for 'https://example.org': terminal prompts disabled\n", id="no_credentials"
    ),
]


@pytest.mark.parametrize("message", UNREACHABLE)
def test_a_remote_out_of_reach_is_recognised(message: str) -> None:
    assert unreachable(message)


@pytest.mark.parametrize("message", OTHER)
def test_other_failures_are_not_taken_for_being_offline(message: str) -> None:
    assert not unreachable(message)


def test_the_message_shown_is_gits_fatal_line_else_its_last() -> None:
    assert last_line("warning: x\nfatal: the real reason\n\n") == "the real reason"
    advice = "fatal: '/x.git' does not appear to be a git repository\nfatal: Could not read\n\nPlease make sure\nand the repository exists."
    assert last_line(advice) == "'/x.git' does not appear to be a git repository"
    assert last_line("warning: only this\n") == "warning: only this"
    assert last_line("") == "no message"


def test_git_runs_in_the_c_locale_and_never_in_a_surrounding_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_DIR", "/elsewhere/.git")
    monkeypatch.setenv("GIT_INDEX_FILE", "/elsewhere/index")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    env = clean_environment({"GIT_INDEX_FILE": "/tmp/own-index"})
    assert "GIT_DIR" not in env
    assert env["GIT_INDEX_FILE"] == "/tmp/own-index"
    assert env["LC_ALL"] == "C" and env["GIT_TERMINAL_PROMPT"] == "0"


def test_a_refusal_is_named_by_the_line_that_says_why() -> None:
    message = "git@example.org: Permission denied (publickey).\nfatal: Could not read from remote repository.\n"
    assert last_line(message) == "git@example.org: Permission denied (publickey)."
