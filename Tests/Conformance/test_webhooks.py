"""Outgoing webhooks against the real binary: an admin subscribes a receiver on 127.0.0.1, web-chat
visitors write, and parleyd POSTs the events to it.

- The signature is checked with the Python the README documents, taken from the README itself
  and run as written (hmac + hashlib only); a tampered body must fail that same check.
- The body is the agent API's shape: its `message` equals what GET .../messages returns.
- A receiver that fails (503, a dropped connection, 500 with Retry-After) and then recovers gets
  every event, in order, each delivery id accepted once.
- A subscription added by `parleyd webhook add` (another process) reaches the running server.
- `kill -9` of parleyd while a delivery is in flight and more are queued, then a restart: every
  event still arrives, in order; the one that was in flight comes again with the same
  X-Parley-Delivery, which is how a receiver drops the repeat.

This module runs its own parleyd (its own data dir and port), because it kills and restarts it.
Nothing listens or is called anywhere but 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import types
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import parley_support

ADMIN_PASSWORD = "webhooks-conformance-pass"
WAIT_S = 60.0
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# -------------------------------------------------------------------------------------------------
# The documented verification, exactly as the README gives it


def documented_verification():
    """The ```python block of the README's "Integration: outgoing webhooks" section, executed as is.
    docs/openapi.yaml carries the same code; both are checked to agree."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    section = readme.split("## Integration: outgoing webhooks", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    with open(os.path.join(REPO, "docs", "openapi.yaml"), encoding="utf-8") as handle:
        spec = handle.read()
    spec_code = re.search(r"```python\n(.*?)    ```", spec, re.S).group(1)
    assert [line.strip() for line in spec_code.splitlines()] == [line.strip() for line in code.splitlines()], \
        "docs/openapi.yaml and README.md must document the same check"
    assert len(code.strip().splitlines()) == 5, code
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation, on purpose
    return namespace["verified"]


# -------------------------------------------------------------------------------------------------
# A receiver on 127.0.0.1


class Receiver:
    """Records every POST (headers with their original names, raw body, what it answered) and
    answers as `plan(n)` says for the n-th request (0-based): ("answer", status, headers),
    ("drop",) to close the connection without an answer, or ("hang", seconds) then 200."""

    def __init__(self):
        self.requests: list[types.SimpleNamespace] = []
        self.plan = lambda n: ("answer", 200, {})
        self.condition = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.condition:
                    n = len(receiver.requests)
                    action = receiver.plan(n)
                    record = types.SimpleNamespace(path=self.path, headers=dict(self.headers.items()), body=body,
                                                   action=action[0], status=None, at=time.time())
                    receiver.requests.append(record)
                    receiver.condition.notify_all()
                try:
                    if action[0] == "drop":
                        self.close_connection = True
                        return
                    if action[0] == "hang":
                        time.sleep(action[1])
                        status, headers = 200, {}
                    else:
                        _, status, headers = action
                    record.status = status
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # parleyd went away mid-answer (the kill -9 test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/parley-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, condition, what: str, timeout: float = WAIT_S):
        deadline = time.monotonic() + timeout
        with self.condition:
            while not condition(self.requests):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; received: "
                                + "; ".join(f"{r.headers.get('X-Parley-Event')} #{r.headers.get('X-Parley-Delivery')} → {r.action}/{r.status}"
                                            for r in self.requests))
                self.condition.wait(timeout=min(remaining, 0.5))
            return list(self.requests)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def accepted(requests) -> list:
    """What a receiver that dedupes by X-Parley-Delivery keeps: each answered-2xx delivery once, in arrival order."""
    seen, kept = set(), []
    for request in requests:
        delivery = request.headers["X-Parley-Delivery"]
        if request.status is not None and 200 <= request.status < 300 and delivery not in seen:
            seen.add(delivery)
            kept.append(request)
    return kept


def text_of(request) -> str:
    return json.loads(request.body)["message"]["content"]["text"]


# -------------------------------------------------------------------------------------------------
# parleyd, which this module kills and restarts


class WebhookServer(parley_support.ParleyServer):
    suite = "webhooks"
    admin_password = ADMIN_PASSWORD
    ready_path = "/ready"
    runs = 0

    def start(self) -> None:
        if self.runs:  # keep the killed run's logs beside the new run's
            for path in (self.stdout_path, self.stderr_path):
                if os.path.exists(path):
                    os.replace(path, f"{path}.run{self.runs}")
        self.runs += 1
        super().start()

    def log_files(self) -> list[tuple[str, str]]:
        earlier = []
        for run in range(1, self.runs):
            earlier += [(f"stdout, run {run}", f"{self.stdout_path}.run{run}"), (f"stderr, run {run}", f"{self.stderr_path}.run{run}")]
        return earlier + super().log_files()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        for handle in (self._stdout, self._stderr):
            handle.close()


@pytest.fixture(scope="module")
def server(request):
    yield from WebhookServer.session(request, skip_reason="PARLEYD_BIN is not set")


@pytest.fixture
def receiver():
    fake = Receiver()
    yield fake
    fake.stop()


def subscribe(admin, url: str, events: list[str]) -> dict:
    created = admin.expect("POST", "/api/v1/webhooks", {"url": url, "events": events}, ok=(201,))
    assert re.fullmatch(r"[0-9a-f]{64}", created["secret"]), created
    return created


def visitor_writes(server, channel: str, texts: list[str]) -> int:
    """A new web-chat visitor sends `texts` one by one (each accepted with 200: committed). Returns the conversation id."""
    status, session = parley_support.http_json(f"{server.base_url}/widget/{channel}/session", "POST", {})
    assert status == 200, session
    conversation = None
    for text in texts:
        status, answer = parley_support.http_json(
            f"{server.base_url}/hooks/{channel}", "POST", {"clientId": os.urandom(8).hex(), "text": text}, token=session["token"]
        )
        assert status == 200, answer
        conversation = answer["conversationId"]
    return conversation


# -------------------------------------------------------------------------------------------------


def test_every_delivery_is_signed_as_documented_in_the_agent_apis_shape(server, admin, channel, receiver):
    verified = documented_verification()
    created = subscribe(admin, receiver.url, ["*"])
    try:
        before = time.time()
        conversation = visitor_writes(server, channel, ["Bonjour, 你好 — is my order on its way?"])
        requests = receiver.wait_for(lambda r: len(r) >= 2, "conversation.created and message.created")
        assert [r.headers["X-Parley-Event"] for r in requests] == ["conversation.created", "message.created"]
        for request in requests:
            assert request.path == "/parley-events"
            assert request.headers["Content-Type"] == "application/json"
            assert json.loads(request.body)["type"] == request.headers["X-Parley-Event"]
            assert re.fullmatch(r"[0-9]+", request.headers["X-Parley-Delivery"])
            assert before - 5 <= int(request.headers["X-Parley-Timestamp"]) <= time.time() + 5
            assert re.fullmatch(r"sha256=[0-9a-f]{64}", request.headers["X-Parley-Signature"])
            assert verified(created["secret"], request.headers, request.body), request.headers
            # The same check refuses what was not sent as signed, or with another secret.
            assert not verified(created["secret"], request.headers, request.body + b" ")
            assert not verified(created["secret"], {**request.headers, "X-Parley-Timestamp": str(int(request.headers["X-Parley-Timestamp"]) + 1)}, request.body)
            assert not verified("0" * 64, request.headers, request.body)

        payload = json.loads(requests[1].body)
        assert payload["conversation"]["id"] == conversation and payload["conversation"]["status"] == "queued"
        listed = admin.expect("GET", f"/api/v1/conversations/{conversation}/messages")["messages"]
        assert payload["message"] == next(m for m in listed if m["id"] == payload["message"]["id"]), "one shape: the agent API's message"

        for path in ("/api/v1/webhooks", f"/api/v1/webhooks/{created['id']}", f"/api/v1/webhooks/{created['id']}/deliveries"):
            status, answer = admin.request("GET", path)
            assert status == 200 and created["secret"] not in json.dumps(answer), path
        log = admin.expect("GET", f"/api/v1/webhooks/{created['id']}/deliveries")["deliveries"]
        assert [(d["event"], d["state"], d["attempts"], d["lastStatus"]) for d in log] == [
            ("message.created", "delivered", 1, 200), ("conversation.created", "delivered", 1, 200)]
        assert [str(d["id"]) for d in reversed(log)] == [r.headers["X-Parley-Delivery"] for r in requests]
    finally:
        admin.expect("DELETE", f"/api/v1/webhooks/{created['id']}", ok=(204,))


def test_a_failing_receiver_recovers_without_lost_or_reordered_events(server, admin, channel, receiver):
    failures = [("answer", 503, {}), ("drop",), ("answer", 500, {"Retry-After": "1"}), ("answer", 503, {"Retry-After": "1"})]
    receiver.plan = lambda n: failures[n] if n < len(failures) else ("answer", 200, {})
    created = subscribe(admin, receiver.url, ["message.created"])
    try:
        texts = [f"message {i}" for i in range(1, 7)]
        visitor_writes(server, channel, texts)
        receiver.wait_for(lambda r: len(r) >= 3, "three failed attempts")
        failing = admin.expect("GET", f"/api/v1/webhooks/{created['id']}")
        assert failing["consecutiveFailures"] >= 2 and failing["pendingDeliveries"] == len(texts), failing
        assert failing["lastError"], failing

        requests = receiver.wait_for(lambda r: len(accepted(r)) >= len(texts), "every message once the receiver recovered")
        assert [r.action for r in requests[:len(failures)]] == ["answer", "drop", "answer", "answer"]
        head = requests[0].headers["X-Parley-Delivery"]
        assert all(r.headers["X-Parley-Delivery"] == head and r.body == requests[0].body for r in requests[:len(failures) + 1]), \
            "the first event is retried, with its id and body, before anything after it is sent"
        kept = accepted(requests)
        assert [text_of(r) for r in kept] == texts, "every event, in commit order"
        assert len(requests) == len(failures) + len(texts), "nothing sent twice once it was answered 2xx"
        ids = [int(r.headers["X-Parley-Delivery"]) for r in kept]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)

        time.sleep(0.5)
        recovered = admin.expect("GET", f"/api/v1/webhooks/{created['id']}")
        assert (recovered["status"], recovered["consecutiveFailures"], recovered["pendingDeliveries"]) == ("active", 0, 0), recovered
        log = admin.expect("GET", f"/api/v1/webhooks/{created['id']}/deliveries")["deliveries"]
        assert [d["attempts"] for d in reversed(log)] == [len(failures) + 1] + [1] * (len(texts) - 1)
        assert all(d["state"] == "delivered" for d in log)
        with urllib.request.urlopen(server.base_url + "/metrics", timeout=10) as response:
            metrics = response.read().decode()
        assert re.search(r'parley_webhook_deliveries_total\{result="retry"\} [1-9]', metrics), metrics
    finally:
        admin.expect("DELETE", f"/api/v1/webhooks/{created['id']}", ok=(204,))


def parleyd_cli(server, *arguments: str) -> str:
    result = subprocess.run([server.binary, *arguments, "--data-dir", server.data_dir], capture_output=True, env=server.env(),
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    return result.stdout.decode()


def test_a_subscription_added_with_the_cli_reaches_the_running_server(server, admin, channel, receiver):
    """`parleyd webhook add` is another process: the running server notices it by itself."""
    verified = documented_verification()
    created = json.loads(parleyd_cli(server, "webhook", "add", "--url", receiver.url, "--events", "message.created").splitlines()[-1])
    assert created["events"] == ["message.created"] and created["active"] is True, created
    assert re.fullmatch(r"[0-9a-f]{64}", created["secret"]), created
    listing = parleyd_cli(server, "webhook", "list", "--json")
    assert created["secret"] not in listing and '"secret"' not in listing, listing
    assert [w["id"] for w in json.loads(listing)] == [created["id"]]
    try:
        visitor_writes(server, channel, ["hello from a visitor"])
        requests = receiver.wait_for(lambda r: len(accepted(r)) >= 1, "the message, within the relay's 5 s safety pass", timeout=15)
        assert text_of(requests[0]) == "hello from a visitor"
        assert verified(created["secret"], requests[0].headers, requests[0].body)
    finally:
        admin.expect("DELETE", f"/api/v1/webhooks/{created['id']}", ok=(204,))


def test_events_accepted_before_a_kill_9_still_arrive_after_the_restart(server, admin, channel, receiver):
    """The receiver holds the first delivery's request open; parleyd is killed with it in flight and
    the rest queued behind it, right after the last message was accepted."""
    receiver.plan = lambda n: ("hang", 4) if n == 0 else ("answer", 200, {})
    created = subscribe(admin, receiver.url, ["message.created"])
    texts = [f"before the crash {i}" for i in range(1, 6)]
    visitor_writes(server, channel, texts)
    receiver.wait_for(lambda r: len(r) >= 1, "the first delivery to be in flight")
    server.kill9()

    time.sleep(0.5)
    server.start()
    requests = receiver.wait_for(lambda r: len(accepted(r)) >= len(texts), "every message after the restart")
    kept = accepted(requests)
    assert [text_of(r) for r in kept] == texts, "none lost, none reordered"
    first = [r for r in requests if r.headers["X-Parley-Delivery"] == requests[0].headers["X-Parley-Delivery"]]
    assert len(first) == 2 and first[0].body == first[1].body, "the delivery in flight at the crash comes again, same id and body"
    time.sleep(1.0)
    assert len(receiver.requests) == len(texts) + 1, "nothing else repeated"
    admin.expect("DELETE", f"/api/v1/webhooks/{created['id']}", ok=(204,))
