"""A local stand-in for the arXiv API: answers of our own making, errors and slowness on demand."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PAPERS = {
    "2405.01234": (
        "Pruning Sparse Voxel Grids\n  Online for Real-Time Rendering",
        ["Marta Ólafsdóttir", "Jean-Luc Moreau"],
        "Sparse voxel grids store radiance only where surfaces are.\n  We prune them online.",
        "Accepted by CVPR 2024. 14 pages",
        "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR), 2024",
        "10.1109/CVPR.2024.01234",
        "2024-05-02T17:59:59Z",
    ),
    "2405.04321": (
        "Tiny Talking Heads",
        ["Ana Souza", "Bo Chen"],
        "We distil a large talking-head model into a small one.",
        None,
        None,
        None,
        "2024-05-07T09:00:00Z",
    ),
}


def answer(ids: list[str]) -> str:
    """An API answer in arXiv's shape for the ids it knows."""
    entries = []
    for arxiv_id in ids:
        if arxiv_id not in PAPERS:
            continue
        title, authors, summary, comment, journal, doi, published = PAPERS[arxiv_id]
        extra = "".join(
            [
                f"<arxiv:comment>{comment}</arxiv:comment>" if comment else "",
                f"<arxiv:journal_ref>{journal}</arxiv:journal_ref>" if journal else "",
                f"<arxiv:doi>{doi}</arxiv:doi>" if doi else "",
            ]
        )
        names = "".join(f"<author><name>{name}</name></author>" for name in authors)
        entries.append(
            f"<entry><id>http://arxiv.org/abs/{arxiv_id}v2</id><updated>{published}</updated>"
            f"<published>{published}</published><title>{title}</title><summary>{summary}</summary>{names}{extra}"
            f'<link href="http://arxiv.org/abs/{arxiv_id}v2" rel="alternate" type="text/html"/>'
            f'<arxiv:primary_category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>'
            f'<category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/></entry>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f'<link href="http://arxiv.org/api/query?id_list={",".join(ids)}" rel="self" type="application/atom+xml"/>'
        f"<title>ArXiv Query: id_list={','.join(ids)}</title><id>http://arxiv.org/api/x</id>"
        f"<opensearch:totalResults>{len(entries)}</opensearch:totalResults>" + "".join(entries) + "</feed>\n"
    )


@dataclass
class FakeArxiv:
    """What the server should do next, and what it was asked."""

    url: str = ""
    requests: list[dict[str, object]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered first, one per request, then 200
    delay: float = 0.0
    body: str | None = None  # answer this instead of a feed


class _Handler(BaseHTTPRequestHandler):
    fake: FakeArxiv

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        self.fake.requests.append({"query": query, "agent": self.headers.get("User-Agent", ""), "at": time.monotonic()})
        if self.fake.delay:
            time.sleep(self.fake.delay)
        status = self.fake.statuses.pop(0) if self.fake.statuses else 200
        ids = query.get("id_list", [""])[0].split(",")
        body = (self.fake.body if self.fake.body is not None else answer(ids)).encode()
        self.send_response(status)
        if status == 503:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (a timeout test) is expected, not an error


def serve() -> Iterator[FakeArxiv]:
    """Run the stand-in on a free port of 127.0.0.1 until the test ends."""
    fake = FakeArxiv()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = _QuietServer(("127.0.0.1", 0), handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
