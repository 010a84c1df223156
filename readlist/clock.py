"""The current time, as stored in notes and logs: local, ISO 8601, with its UTC offset."""

from __future__ import annotations

from datetime import datetime


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
