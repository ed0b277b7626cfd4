"""A fake helpdesk/messenger API on loopback (a real HTTP server in a thread), standing in for
Chatwoot, Zendesk and Freshdesk in the integration tests: it records every request (method,
path, headers, JSON body) and answers 200, or the statuses queued in ``fail_next`` first."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "integrations"


def fixture(name: str) -> dict[str, Any]:
    """A recorded webhook payload from tests/data/integrations/."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeHelpdesk:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, bytes]:
        with self.lock:
            self.requests.append(Seen(method, path, headers, json.loads(raw or b"null")))
            status = self.fail_next.pop(0) if self.fail_next else 200
        return status, json.dumps({"id": len(self.requests)}).encode()


@contextmanager
def fake_helpdesk() -> Iterator[FakeHelpdesk]:
    fake = FakeHelpdesk()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = fake.handle(self.command, self.path, headers, raw)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = _serve

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    """A loopback URL nobody listens on (the helpdesk is down: connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
