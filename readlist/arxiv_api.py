"""Metadata on demand from the arXiv API: the one module that talks to the network.

Nothing offline ever needs it. A lookup asks export.arxiv.org for up to 100 ids a call, at most
one call every 3 seconds as arXiv asks, with timeouts, retries with backoff on busy answers, and
a User-Agent that names readlist. Answers are kept in the user's cache directory for a day, so a
second run needs no network. The answer is an Atom feed that the `arxiv-feed` reader reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from readlist import __version__
from readlist.errors import ArxivUnavailable
from readlist.models import DigestItem

if TYPE_CHECKING:
    import urllib3

API_URL = "https://export.arxiv.org/api/query"
BATCH_SIZE = 100  # ids per call: arXiv's API takes long id lists, its guidance is to keep them modest
MIN_INTERVAL = 3.0  # seconds between calls, as arXiv's terms of use ask
CACHE_SECONDS = 24 * 3600
USER_AGENT = f"readlist/{__version__} (reading-list manager; https://pypi.org/project/readlist/)"

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class Lookup:
    """What the API said about the ids asked for."""

    found: dict[str, DigestItem] = field(default_factory=dict)  # by arXiv id, without version
    missing: list[str] = field(default_factory=list)  # ids arXiv does not know
    from_cache: int = 0  # calls answered from the cache


@dataclass
class ArxivClient:
    """Looks papers up by arXiv id. `base_url` and the pacing can be changed for tests."""

    base_url: str = field(default_factory=lambda: os.environ.get("READLIST_ARXIV_API", API_URL))
    cache_dir: Path | None = None
    min_interval: float = MIN_INTERVAL
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    use_cache: bool = True
    _last_call: float = field(default=0.0, init=False, repr=False)
    _pool: urllib3.PoolManager | None = field(default=None, init=False, repr=False)

    def lookup(self, ids: Iterable[str], progress: ProgressCallback | None = None) -> Lookup:
        """Every id's latest version; one call per `BATCH_SIZE` ids."""
        wanted = list(dict.fromkeys(ids))
        result = Lookup()
        batches = [wanted[i : i + BATCH_SIZE] for i in range(0, len(wanted), BATCH_SIZE)]
        for done, batch in enumerate(batches, 1):
            text, cached = self._query({"id_list": ",".join(batch), "max_results": str(len(batch))})
            result.from_cache += cached
            for item in _papers(text):
                if item.arxiv in batch:
                    result.found[item.arxiv] = item
            if progress:
                progress(done, len(batches))
        result.missing = [arxiv_id for arxiv_id in wanted if arxiv_id not in result.found]
        return result

    def _query(self, params: dict[str, str]) -> tuple[str, bool]:
        """The answer to one query, from the cache when a fresh copy is there."""
        url = f"{self.base_url}?{urlencode(params)}"
        cached = self._cache_path(url)
        fresh = cached is not None and cached.exists() and time.time() - cached.stat().st_mtime < CACHE_SECONDS
        if self.use_cache and fresh and cached is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):  # an unreadable copy is a miss
                return cached.read_text(encoding="utf-8"), True
        text = self._get(url)
        if cached is not None:
            _remember(cached, text)
        return text, False

    def _get(self, url: str) -> str:
        import urllib3

        wait = self.min_interval - (time.monotonic() - self._last_call)
        if self._last_call and wait > 0:
            time.sleep(wait)
        if self._pool is None:
            retry = urllib3.Retry(
                total=self.retries,
                connect=min(self.retries, 1),  # a refused connection is not going to change in seconds
                backoff_factor=self.backoff,
                status_forcelist=(429, 500, 502, 503, 504),
                respect_retry_after_header=True,
                allowed_methods=("GET",),
            )
            self._pool = urllib3.PoolManager(retries=retry, timeout=urllib3.Timeout(connect=10.0, read=self.timeout))
        try:
            response = self._pool.request("GET", url, headers={"User-Agent": USER_AGENT})
        except urllib3.exceptions.HTTPError as exc:
            raise ArxivUnavailable(f"cannot reach the arXiv API at {self.base_url} ({_reason(exc)})") from exc
        finally:
            self._last_call = time.monotonic()
        if response.status != 200:
            raise ArxivUnavailable(f"the arXiv API answered HTTP {response.status}; try again later")
        return response.data.decode("utf-8", errors="replace")

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.xml"


def _remember(cached: Path, text: str) -> None:
    """Keep an answer for a day; a cache directory that is read-only or full only costs speed."""
    from readlist.fsutil import write_atomically

    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, text.encode("utf-8"))


def default_cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("readlist") / "arxiv"


def _papers(text: str) -> list[DigestItem]:
    """The papers of an API answer; an answer that is no feed means arXiv is not answering properly."""
    from readlist.readers import arxiv_feed

    result = arxiv_feed.read(text, "the arXiv API's answer")
    if not result.items and result.problems and "totalResults" not in text:
        raise ArxivUnavailable(f"the arXiv API sent an answer readlist cannot read ({result.problems[0].message})")
    return result.items


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return " ".join(str(reason).split())[:200]
