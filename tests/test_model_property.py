"""Any sequence of tag/untag/status/note commands leaves the store equal to a simple model."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from readlist.cli import app
from readlist.models import STATUSES

pytestmark = pytest.mark.slow  # drives the whole CLI through random command sequences

KEYS = ["alpha2024one", "beta2024two", "gamma2024three"]
TAGS = st.sampled_from(["ml", "Deep Learning", "to-read", "x"])
NOTE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda t: t.strip() and not t.startswith("-"))


def normal(tag: str) -> str:
    return "-".join(tag.lower().split())


class ReadingListMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.dir = tempfile.mkdtemp()
        self.db = str(Path(self.dir) / "store.json")
        self.runner = CliRunner()
        for title, author in (("One Paper", "Ann Alpha"), ("Two Paper", "Bo Beta"), ("Three Paper", "Cy Gamma")):
            self.run("add", "--title", title, "--author", author, "--year", "2024")
        self.model = {key: {"tags": [], "status": "unread", "notes": []} for key in KEYS}
        listed = self.runner.invoke(app, ["--db", self.db, "list", "--keys"]).stdout.split()
        assert sorted(listed) == sorted(KEYS)

    def run(self, *args: str) -> None:
        result = self.runner.invoke(app, ["--db", self.db, *args])
        assert result.exit_code == 0, (args, result.stderr)

    @rule(keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True), tag=TAGS)
    def tag(self, keys: list[str], tag: str) -> None:
        self.run("tag", *keys, "-t", tag)
        for key in keys:
            if normal(tag) not in self.model[key]["tags"]:
                self.model[key]["tags"].append(normal(tag))

    @rule(keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True), tag=TAGS)
    def untag(self, keys: list[str], tag: str) -> None:
        self.run("untag", *keys, "-t", tag)
        for key in keys:
            self.model[key]["tags"] = [t for t in self.model[key]["tags"] if t != normal(tag)]

    @rule(key=st.sampled_from(KEYS), state=st.sampled_from(STATUSES))
    def status(self, key: str, state: str) -> None:
        self.run("status", key, state)
        self.model[key]["status"] = state

    @rule(key=st.sampled_from(KEYS), text=NOTE_TEXT)
    def note(self, key: str, text: str) -> None:
        self.run("note", key, text)
        self.model[key]["notes"].append(text.strip())

    @rule(key=st.sampled_from(KEYS), data=st.data())
    def delete_note(self, key: str, data: st.DataObject) -> None:
        if not self.model[key]["notes"]:
            return
        number = data.draw(st.integers(1, len(self.model[key]["notes"])))
        self.run("note", key, "--delete", str(number), "--yes")
        del self.model[key]["notes"][number - 1]

    @invariant()
    def store_matches_model(self) -> None:
        if not hasattr(self, "model"):
            return
        stored = json.loads(self.runner.invoke(app, ["--db", self.db, "list", "--json"]).stdout)
        actual = {
            e["key"]: {"tags": e["tags"], "status": e["status"], "notes": [n["text"] for n in e["notes"]]}
            for e in stored
        }
        assert actual == self.model

    def teardown(self) -> None:
        if hasattr(self, "db") and os.path.exists(self.db):
            os.unlink(self.db)


ReadingListMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

TestReadingList = ReadingListMachine.TestCase
