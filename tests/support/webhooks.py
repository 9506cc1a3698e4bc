"""A webhook receiver for subscription tests: Python's http.server on a free port, in a thread."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

ValidationMode = Literal["echo", "wrong", "error", "json", "hang"]


@dataclass
class Received:
    """One notification POST the receiver accepted or refused."""

    path: str
    content_type: str
    body: dict[str, Any]
    status: int


@dataclass
class ReceiverState:
    """What the receiver answers and what it has seen; guarded by ``lock``."""

    validation_mode: ValidationMode = "echo"
    statuses: dict[str, deque[int]] = field(default_factory=dict)
    default_status: int = 202
    validations: list[tuple[str, str]] = field(default_factory=list)
    posts: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(state: ReceiverState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            token = parse_qs(url.query).get("validationToken")
            if token is not None:
                self._validate(url.path, token[0])
                return
            with state.lock:
                queued = state.statuses.get(url.path)
                status = queued.popleft() if queued else state.default_status
                state.posts.append(
                    Received(
                        url.path, self.headers.get("Content-Type", ""), json.loads(raw), status
                    )
                )
            self._answer(status)

        def _validate(self, path: str, token: str) -> None:
            with state.lock:
                state.validations.append((path, token))
                mode = state.validation_mode
            if mode == "hang":
                state.release.wait(5)
                self._answer(200, token.encode())
            elif mode == "wrong":
                self._answer(200, b"not the token")
            elif mode == "error":
                self._answer(500, b"")
            elif mode == "json":
                self._answer(200, json.dumps(token).encode(), "application/json")
            else:
                self._answer(200, token.encode(), "text/plain; charset=utf-8")

    return Handler


class Receiver:
    """Answers Graph's validation requests and records notifications, per URL path."""

    def __init__(self) -> None:
        self.state = ReceiverState()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The receiver's base URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.state.release.set()
        self._server.shutdown()
        self._server.server_close()

    def answer_next(self, *statuses: int, path: str = "/notify") -> None:
        """Answer the next notification POSTs on a path with these statuses, then the default."""
        with self.state.lock:
            self.state.statuses.setdefault(path, deque()).extend(statuses)

    def posts(self, path: str | None = None, *, accepted_only: bool = True) -> list[Received]:
        """Return the notification POSTs received on a path."""
        with self.state.lock:
            return [
                post
                for post in self.state.posts
                if (path is None or post.path == path)
                and (not accepted_only or 200 <= post.status < 300)
            ]

    def values(self, path: str) -> list[dict[str, Any]]:
        """Return every accepted notification (``value`` entries) received on a path."""
        return [item for post in self.posts(path) for item in post.body["value"]]

    def validations(self) -> list[tuple[str, str]]:
        """Return ``(path, token)`` of every validation request."""
        with self.state.lock:
            return list(self.state.validations)
