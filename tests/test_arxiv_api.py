"""The arXiv API client against a local stand-in: batching, pacing, retries, errors, the cache."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_server import FakeArxiv, serve

from readlist.arxiv_api import BATCH_SIZE, ArxivClient
from readlist.errors import ArxivUnavailable, ExitCode


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    yield from serve()


def client(fake: FakeArxiv, tmp_path: Path, **kw: object) -> ArxivClient:
    settings: dict[str, object] = {"min_interval": 0.0, "backoff": 0.0, "timeout": 2.0, "cache_dir": tmp_path / "cache"}
    settings.update(kw)
    return ArxivClient(base_url=fake.url, **settings)  # type: ignore[arg-type]


def test_a_read_only_cache_directory_costs_only_the_cache(fake: FakeArxiv, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)  # root could write it anyway; readlist must not
    try:
        first = client(fake, tmp_path).lookup(["2405.04321"])
        again = client(fake, tmp_path).lookup(["2405.04321"])
    finally:
        cache.chmod(0o755)
    assert list(first.found) == list(again.found) == ["2405.04321"]
    assert again.from_cache == 0 and len(fake.requests) == 2
    assert list(cache.iterdir()) == []


def test_an_unreadable_cached_answer_is_asked_again(fake: FakeArxiv, tmp_path: Path) -> None:
    client(fake, tmp_path).lookup(["2405.04321"])
    for cached in (tmp_path / "cache").iterdir():
        cached.write_bytes(b"\xff\xfe not text")

    again = client(fake, tmp_path).lookup(["2405.04321"])

    assert list(again.found) == ["2405.04321"] and again.from_cache == 0 and len(fake.requests) == 2


def test_lookup_gives_every_field_the_api_has(fake: FakeArxiv, tmp_path: Path) -> None:
    result = client(fake, tmp_path).lookup(["2405.01234", "2405.04321", "2405.99999"])

    paper = result.found["2405.01234"]
    assert paper.title == "Pruning Sparse Voxel Grids Online for Real-Time Rendering"
    assert paper.authors == ["Marta Ólafsdóttir", "Jean-Luc Moreau"]
    assert paper.abstract == "Sparse voxel grids store radiance only where surfaces are. We prune them online."
    assert (paper.comment, paper.doi, paper.categories, paper.date) == (
        "Accepted by CVPR 2024. 14 pages",
        "10.1109/CVPR.2024.01234",
        ("cs.CV",),
        "2024-05-02",
    )
    assert paper.journal_ref is not None and paper.journal_ref.endswith("(CVPR), 2024")
    assert result.missing == ["2405.99999"]
    [request] = fake.requests
    assert request["query"] == {"id_list": ["2405.01234,2405.04321,2405.99999"], "max_results": ["3"]}
    assert str(request["agent"]).startswith("readlist/")


def test_ids_are_asked_for_in_batches_at_arxiv_s_pace(fake: FakeArxiv, tmp_path: Path) -> None:
    ids = [f"2405.{n:05d}" for n in range(BATCH_SIZE + 20)]

    result = client(fake, tmp_path, min_interval=0.3).lookup(ids)

    first, second = fake.requests
    assert len(str(first["query"]["id_list"][0]).split(",")) == BATCH_SIZE  # type: ignore[index]
    assert float(second["at"]) - float(first["at"]) >= 0.28  # type: ignore[arg-type]
    assert len(result.missing) == BATCH_SIZE + 20


def test_a_busy_api_is_retried(fake: FakeArxiv, tmp_path: Path) -> None:
    fake.statuses = [503, 503]

    result = client(fake, tmp_path).lookup(["2405.04321"])

    assert list(result.found) == ["2405.04321"]
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param({"statuses": [503] * 9}, "cannot reach the arXiv API", id="busy_after_every_retry"),
        pytest.param({"statuses": [400]}, "the arXiv API answered HTTP 400", id="bad_request"),
        pytest.param(
            {"body": "<html><body>Service notice</body></html>"}, "answer readlist cannot read", id="not_a_feed"
        ),
        pytest.param({"body": "<feed><entry>"}, "answer readlist cannot read", id="malformed_feed"),
        pytest.param({"delay": 1.5}, "cannot reach the arXiv API", id="timeout"),
    ],
)
def test_api_failures_are_one_clear_error(
    fake: FakeArxiv, tmp_path: Path, setup: dict[str, object], message: str
) -> None:
    for name, value in setup.items():
        setattr(fake, name, value)

    with pytest.raises(ArxivUnavailable, match=message) as raised:
        client(fake, tmp_path, timeout=0.5, retries=1).lookup(["2405.04321"])

    assert raised.value.exit_code == ExitCode.UNAVAILABLE


def test_no_network_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    offline = ArxivClient(base_url=f"http://127.0.0.1:{port}/api/query", retries=0, min_interval=0, cache_dir=tmp_path)

    with pytest.raises(ArxivUnavailable, match=r"^cannot reach the arXiv API at http://127\.0\.0\.1:\d+/api/query \("):
        offline.lookup(["2405.04321"])


def test_a_second_lookup_is_answered_from_the_cache(fake: FakeArxiv, tmp_path: Path) -> None:
    client(fake, tmp_path).lookup(["2405.04321"])
    fake.statuses = [500] * 9  # were the API asked again, it would fail

    again = client(fake, tmp_path, retries=0).lookup(["2405.04321"])

    assert list(again.found) == ["2405.04321"] and again.from_cache == 1
    assert len(fake.requests) == 1
    with pytest.raises(ArxivUnavailable):
        client(fake, tmp_path, retries=0, use_cache=False).lookup(["2405.04321"])
