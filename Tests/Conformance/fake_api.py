"""A platform API played on 127.0.0.1 with the standard library (http.server in a thread).

The Telegram and LINE suites point a channel's apiBaseURL (and LINE's dataBaseURL) at a
subclass of `FakeAPI`, so everything parleyd sends out lands here, is recorded, and is answered
the way the platform answers. Nothing here listens anywhere but 127.0.0.1.

    fake = FakeBotAPI(); fake.start()      # fake.base_url == "http://127.0.0.1:<port>"
    call = fake.wait_for(lambda r: r.path.endswith("/sendMessage"))
    fake.stop()

A subclass implements `answer(request) -> (status, headers, body)`; the request is recorded
before it is answered, with the status it got once answered.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str  # percent-decoded
    query: dict
    headers: dict  # lower-cased names
    body: bytes
    at: float
    status: int | None = None
    answer: bytes = b""
    raw_path: str = ""
    notes: dict = field(default_factory=dict)

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def describe(self) -> str:
        body = self.body.decode("utf-8", "replace")
        if len(body) > 400:
            body = body[:400] + f"... ({len(self.body)} bytes)"
        return f"{self.method} {self.path} -> {self.status}; headers {self.headers!r}; body {body!r}"


class FakeAPI:
    name = "fake API"

    def __init__(self):
        self.requests: list[Recorded] = []
        self._condition = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    def start(self) -> "FakeAPI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the recording is the log
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                recorded = Recorded(
                    method=self.command,
                    path=unquote(split.path),  # as a web server routes it (%3A is ':')
                    raw_path=split.path,
                    query={k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.monotonic(),
                )
                try:
                    status, headers, answer = fake.answer(recorded)
                except Exception as error:  # a bug in the fake must show, not hang parleyd
                    status, headers, answer = 599, {"Content-Type": "text/plain"}, repr(error).encode()
                recorded.status, recorded.answer = status, answer
                fake._record(recorded)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- what subclasses implement

    def answer(self, request: Recorded) -> tuple[int, dict, bytes]:
        raise NotImplementedError

    # ---- looking at what arrived

    def _record(self, recorded: Recorded) -> None:
        with self._condition:
            self.requests.append(recorded)
            self._condition.notify_all()

    def matching(self, predicate) -> list[Recorded]:
        with self._condition:
            return [r for r in self.requests if predicate(r)]

    def wait_for(self, predicate, *, count: int = 1, timeout: float = 15.0, settle: float = 0.0) -> list[Recorded]:
        """The requests that satisfy `predicate`, once there are at least `count` of them (or the
        timeout passed; the caller asserts on what came). `settle` waits a little longer so that
        late extra requests (a duplicate send) would show."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                found = [r for r in self.requests if predicate(r)]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    break
                self._condition.wait(timeout=min(remaining, 0.5))
        if settle:
            time.sleep(settle)
            found = self.matching(predicate)
        return found


def json_answer(status: int, payload, extra_headers: dict | None = None) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/json"}
    headers.update(extra_headers or {})
    return status, headers, json.dumps(payload, ensure_ascii=False).encode("utf-8")
