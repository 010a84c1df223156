"""The journal across days and time zones, and `next` by the time a paper was queued."""

from __future__ import annotations

import time
from datetime import date

import pytest

from readlist.models import Entry, Event, Note
from readlist.services import library as services


@pytest.fixture
def tz(monkeypatch):
    """Set the viewer's local time zone for one test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def entries() -> list[Entry]:
    return [
        Entry(
            key="a",
            title="A",
            notes=[
                Note("2024-03-01T23:30:00+01:00", "late in Paris"),  # 22:30 UTC
                Note("2024-03-02T08:00:00+09:00", "morning in Tokyo"),  # 23:00 UTC on the 1st
            ],
            tags=["x"],
        ),
        Entry(key="b", title="B", log=[Event("2024-03-01T22:45:00+00:00", "status", "unread -> read")]),
    ]


def test_ordered_by_instant_not_by_written_clock_time(tz) -> None:
    tz("UTC")
    lines = services.journal(entries())
    assert [line.text for line in lines] == ["morning in Tokyo", "unread -> read", "late in Paris"]
    assert {line.at.date() for line in lines} == {date(2024, 3, 1)}


def test_days_are_the_viewers_local_days(tz) -> None:
    tz("Asia/Tokyo")
    lines = services.journal(entries())
    assert [line.at.date().isoformat() for line in lines] == ["2024-03-02"] * 3
    tz("America/New_York")
    lines = services.journal(entries(), since=date(2024, 3, 1), until=date(2024, 3, 1))
    assert len(lines) == 3 and lines[0].at.hour == 18


def test_filters_by_tag_and_key(tz) -> None:
    tz("UTC")
    assert {line.key for line in services.journal(entries(), tags=["X"])} == {"a"}
    assert {line.key for line in services.journal(entries(), keys=["B"])} == {"b"}


def test_next_is_the_longest_queued_across_offsets() -> None:
    early = Entry(
        key="z", title="Z", status="queued", log=[Event("2024-03-02T08:00:00+09:00", "status", "unread -> queued")]
    )
    late = Entry(
        key="a", title="A", status="queued", log=[Event("2024-03-01T23:30:00+00:00", "status", "unread -> queued")]
    )
    read = Entry(key="r", title="R", status="read")
    assert services.next_queued([late, early, read]).key == "z"
    late.priority = 2
    assert services.next_queued([late, early, read]).key == "a"
