"""A stand-in for Google's GCM check-in and registration servers, on 127.0.0.1.

Chromium's `PushManager.subscribe()` gets its push endpoint from GCM (components/gcm_driver,
google_apis/gcm): it checks the profile in with GCM once, then registers an Instance ID token for
the site's applicationServerKey, and builds the endpoint from that token. Those servers are on
the internet; these tests never leave 127.0.0.1. Chromium takes three switches (read in
google_apis/gcm/engine/gservices_settings.cc; each wins over the built-in URL and over anything a
check-in answer says):

    --gcm-checkin-url=http://127.0.0.1:PORT/checkin
    --gcm-registration-url=http://127.0.0.1:PORT/c2dm/register3
    --gcm-mcs-endpoint=https://127.0.0.1:CLOSED_PORT

What this server answers (google_apis/gcm/engine/checkin_request.cc, registration_request.cc):

  POST /checkin          body: an AndroidCheckinRequest (protobuf). Answer 200 with an
                         AndroidCheckinResponse (checkin.proto), hand-encoded: stats_ok = true
                         (field 1, varint), time_msec (3, varint), settings_diff = false (9,
                         varint: "the settings table is this empty one"), android_id (7, fixed64)
                         and security_token (8, fixed64), both non-zero (Chromium retries a
                         check-in that returns zero for either).
  POST /c2dm/register3   form body (app, X-subtype, device, sender = the applicationServerKey in
                         base64url, scope=GCM, ...), header `Authorization: AidLogin <id>:<token>`.
                         Answer 200 `token=<registration token>`; the browser's endpoint is
                         `https://fcm.googleapis.com/.../<registration token>` (see push_browser in
                         conftest.py for which path).

The MCS endpoint (the long-lived connection that delivers pushes) is a port nobody listens on:
Chromium's connection attempts are refused on 127.0.0.1 and retried with back-off, and nothing
here needs a push to arrive through GCM (the service worker's push handler is exercised through
DevTools' ServiceWorker.deliverPushMessage instead).
"""

from __future__ import annotations

import http.server
import secrets
import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def checkin_response(android_id: int, security_token: int) -> bytes:
    """An AndroidCheckinResponse with the fields Chromium needs, in field-number order."""
    return b"".join(
        [
            b"\x08\x01",  # 1: stats_ok = true
            b"\x18" + _varint(int(time.time() * 1000)),  # 3: time_msec
            b"\x39" + struct.pack("<Q", android_id),  # 7: android_id (fixed64)
            b"\x41" + struct.pack("<Q", security_token),  # 8: security_token (fixed64)
            b"\x48\x00",  # 9: settings_diff = false
        ]
    )


@dataclass
class Registration:
    """One registration request Chromium made, and the token it was given."""

    form: dict[str, str]
    authorization: str
    token: str


@dataclass
class FakeGCM:
    port: int
    checkins: int = 0
    registrations: list[Registration] = field(default_factory=list)
    android_id: int = 0x2C0FFEE5EED
    security_token: int = 0x5EC0DE5EC0DE
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def switches(self) -> list[str]:
        """The Chromium command-line switches that point GCM here."""
        return [
            f"--gcm-checkin-url={self.base_url}/checkin",
            f"--gcm-registration-url={self.base_url}/c2dm/register3",
            f"--gcm-mcs-endpoint=https://127.0.0.1:{_closed_port()}",
        ]

    def web_push_registrations(self) -> list[Registration]:
        """Registrations made for a site's push subscription (Chromium's own features register too)."""
        with self._lock:
            return [r for r in self.registrations if r.form.get("X-subtype", "").startswith("wp:")]


def _closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> tuple[FakeGCM, http.server.ThreadingHTTPServer]:
    state = FakeGCM(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/checkin":
                with state._lock:
                    state.checkins += 1
                self._answer(200, "application/x-protobuf", checkin_response(state.android_id, state.security_token))
            elif self.path == "/c2dm/register3":
                form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
                token = "fake-" + secrets.token_urlsafe(9) + ":APA91b" + secrets.token_urlsafe(60)
                with state._lock:
                    state.registrations.append(Registration(form, self.headers.get("Authorization", ""), token))
                self._answer(200, "text/plain", f"token={token}".encode())
            else:
                self._answer(404, "text/plain", b"Error=INVALID_PARAMETERS")

        def _answer(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet: the tests report what matters
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, name="fake-gcm", daemon=True).start()
    return state, server
