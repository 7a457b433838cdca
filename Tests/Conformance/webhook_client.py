"""Posting a webhook to parleyd the way a JSON platform (Telegram, LINE) does: one request per
connection, exact bytes, big bodies sent in pieces. Standard library only, 127.0.0.1 only."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: dict  # lower-cased names
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text)

    def describe(self, limit: int = 600) -> str:
        text = self.text
        if len(text) > limit:
            text = text[:limit] + f"... ({len(self.body)} bytes)"
        return f"HTTP {self.status} in {self.elapsed:.2f}s, Content-Type {self.headers.get('content-type')!r}, body {text!r}"


def send(base_url: str, method: str, path: str, body: bytes = b"", headers: dict | None = None, timeout: float = 15.0) -> Response:
    parsed = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        all_headers = dict(headers or {})
        if method != "GET" or body:
            all_headers["Content-Length"] = str(len(body))
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            view = memoryview(body)
            for offset in range(0, len(view), 64 * 1024):
                connection.send(view[offset : offset + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass  # a server refusing early (413) may close mid-body; its answer still counts
        response = connection.getresponse()
        payload = response.read()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, payload, time.monotonic() - started)
    finally:
        connection.close()
