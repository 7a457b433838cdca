"""Offline push-back end to end, against the real binary: a web visitor writes and leaves, an agent
answers, and after the channel's `offlineFallbackAfter` the answer is pushed back to them.

- Web Push: a fake push service on 127.0.0.1 (the one host PARLEY_PUSH_SERVICE_HOSTS allows)
  receives parleyd's request; the test decrypts the body with `http_ece` (the RFC 8188/8291
  implementation pywebpush is built on) using the browser-side P-256 key and auth secret it
  generated, and verifies the VAPID JWT (RFC 8292, ES256) against the key parleyd publishes.
- A subscription the push service answers 410 for is deleted, and the reply goes by email to the
  address the visitor left: aiosmtpd receives it, with the reply, the recent conversation and a
  link whose `#parley-token=` is the visitor's own token.
- The agent sees the route on the message (`webPush` / `email`) and where it went (`routeNote`).
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import re
import threading
import time
import types
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import parley_support

http_ece = pytest.importorskip("http_ece")
aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402

ADMIN_PASSWORD = "push-back-pass"
SENDER = "Acme Support <help@acme.example>"
WAIT_S = 15.0


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakePushService:
    """RFC 8030 push service: records each POST; answers 201, or the status scripted for its path."""

    def __init__(self):
        self.requests: list[types.SimpleNamespace] = []
        self.statuses: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.requests.append(types.SimpleNamespace(path=self.path, headers=dict(self.headers), body=body))
                status = service.statuses.get(self.path, 201)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self, path: str) -> list[types.SimpleNamespace]:
        return [request for request in self.requests if request.path == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class RecordingMailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class PushBackServer(parley_support.ParleyServer):
    suite = "push-back"
    admin_password = ADMIN_PASSWORD
    ready_path = "/ready"
    use_own_public_url = True
    push_host = ""
    smtp_port = 0

    def env(self) -> dict:
        env = super().env()
        env["PARLEY_PUSH_SERVICE_HOSTS"] = self.push_host
        env["PARLEY_SMTP_URL"] = f"smtp://127.0.0.1:{self.smtp_port}"
        env["PARLEY_SMTP_FROM"] = SENDER
        env["PARLEY_VAPID_SUBJECT"] = "mailto:ops@acme.example"
        return env


@pytest.fixture(scope="module")
def push_service():
    service = FakePushService()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def mailbox():
    box = RecordingMailbox()
    controller = aiosmtpd_controller.Controller(box, hostname="127.0.0.1", port=parley_support._free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def server(request, push_service, mailbox):
    PushBackServer.push_host = push_service.host
    PushBackServer.smtp_port = mailbox.port
    yield from PushBackServer.session(request, skip_reason="PARLEYD_BIN is not set")


@pytest.fixture(scope="module")
def admin(server):
    api = parley_support.AgentAPI(server.base_url, ADMIN_PASSWORD)
    api.login()
    return api


@pytest.fixture(scope="module")
def channel(server, admin) -> str:
    with urllib.request.urlopen(server.base_url + "/demo", timeout=10) as response:
        page = response.read().decode()
    channel_id = re.search(r'data-channel="([^"]+)"', page).group(1)
    admin.expect("PATCH", f"/api/v1/channels/{channel_id}", {"settings": {"offlineFallbackAfter": "1s"}})
    return channel_id


def visitor_call(server, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(
        server.base_url + path, data=None if body is None else json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def new_visitor(server, channel: str) -> tuple[str, str]:
    status, text = visitor_call(server, "POST", f"/widget/{channel}/session", {})
    assert status == 200, text
    answer = json.loads(text)
    return answer["token"], answer["visitorId"]


def browser_keys() -> tuple[ec.EllipticCurvePrivateKey, bytes, dict]:
    """A browser's side of a subscription: its P-256 key pair and auth secret, as toJSON() gives them."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    return private, auth, {"p256dh": b64url(public), "auth": b64url(auth)}


def write_and_get_answered(server, admin, channel: str, token: str, text: str, answer: str) -> dict:
    """The visitor writes (HTTP, no socket: they are away), the admin takes the conversation and answers."""
    status, body = visitor_call(server, "POST", f"/hooks/{channel}", {"clientId": os.urandom(6).hex(), "text": text}, token)
    assert status == 200, body
    conversation_id = json.loads(body)["conversationId"]
    admin.expect("POST", f"/api/v1/conversations/{conversation_id}/assign", {"agentId": "me"})
    return admin.expect("POST", f"/api/v1/conversations/{conversation_id}/messages", {"text": answer}, ok=(202,))


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {WAIT_S:.0f} s waiting for {what}")


def message_of(admin, reply: dict) -> dict:
    messages = admin.expect("GET", f"/api/v1/conversations/{reply['conversationId']}/messages")["messages"]
    return next(message for message in messages if message["id"] == reply["id"])


def verify_vapid(authorization: str, push_host: str, server_key: str) -> dict:
    match = re.fullmatch(r"vapid t=([^,\s]+),\s*k=(\S+)", authorization)
    assert match, authorization
    jwt, key = match.groups()
    assert key == server_key, "the k= key is the one the widget subscribed with"
    header_b64, claims_b64, signature_b64 = jwt.split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64, "ES256 in a JWS is r || s, 32 bytes each"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    try:
        public.verify(
            encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")),
            f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        pytest.fail("the VAPID JWT's signature does not verify with the server's public key")
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == f"http://{push_host}"
    assert claims["sub"] == "mailto:ops@acme.example"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "RFC 8292: expires within 24 hours"
    return claims


def test_an_away_visitor_gets_the_reply_by_web_push_that_the_reference_stack_decrypts(server, admin, channel, push_service):
    token, _ = new_visitor(server, channel)
    private, auth, keys = browser_keys()
    endpoint = f"http://{push_service.host}/push/browser-1"
    status, text = visitor_call(server, "POST", f"/widget/{channel}/push-subscriptions", {"endpoint": endpoint, "keys": keys}, token)
    assert status == 201, text

    reply = write_and_get_answered(server, admin, channel, token, "Where is my parcel?", "它今天早上已经发货了 — it shipped this morning.")
    request = wait_for(lambda: next(iter(push_service.to("/push/browser-1")), None), "the push service to receive the notice")

    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert int(request.headers["TTL"]) > 0
    assert request.headers.get("Urgency", "normal") == "normal"
    status, text = visitor_call(server, "GET", "/widget/push-key")
    verify_vapid(request.headers["Authorization"], push_service.host, json.loads(text)["publicKey"])

    notice = json.loads(http_ece.decrypt(request.body, private_key=private, auth_secret=auth, version="aes128gcm"))
    assert notice["title"] == "New reply from Website"
    assert notice["body"] == "它今天早上已经发货了 — it shipped this morning."
    assert notice["url"] == f"{server.base_url}/chat/{channel}#parley-token={token}"
    assert notice["messageIds"] == [reply["id"]]

    seen = wait_for(lambda: (m := message_of(admin, reply))["route"] == "webPush" and m, "the message to show the Web Push route")
    assert seen["routeNote"] == "Web Push to 1 browser"
    assert seen["status"] == {"state": "sent"}, "the push service took it; the browser has not shown it yet"
    time.sleep(1.5)
    assert len(push_service.to("/push/browser-1")) == 1, "pushed back once"


def test_a_gone_subscription_is_deleted_and_the_reply_is_mailed_with_a_link_back(server, admin, channel, push_service, mailbox):
    token, visitor_id = new_visitor(server, channel)
    _, _, keys = browser_keys()
    endpoint = f"http://{push_service.host}/push/gone"
    push_service.statuses["/push/gone"] = 410
    assert visitor_call(server, "POST", f"/widget/{channel}/push-subscriptions", {"endpoint": endpoint, "keys": keys}, token)[0] == 201
    status, text = visitor_call(server, "POST", f"/widget/{channel}/contact", {"email": "ana@example.com", "name": "Ana"}, token)
    assert status == 204, text

    reply = write_and_get_answered(server, admin, channel, token, "Can I get a refund?", "Yes — your refund was approved.")
    wait_for(lambda: mailbox.messages, "the offline reply email")
    assert len(push_service.to("/push/gone")) == 1
    mail = mailbox.messages[-1]
    assert mailbox.recipients[-1] == ["ana@example.com"]
    assert mail["Subject"] == "New reply from Website"
    assert mail["From"].addresses[0].addr_spec == "help@acme.example"
    body = mail.get_content()
    assert "Yes — your refund was approved." in body
    assert "You: Can I get a refund?" in body
    link = re.search(r"Continue the conversation: (\S+)", body).group(1)
    assert link == f"{server.base_url}/chat/{channel}#parley-token={token}"
    # The token in the link is the visitor's own: the widget presenting it resumes their session.
    status, text = visitor_call(server, "POST", f"/widget/{channel}/session", {"token": link.split("#parley-token=")[1]})
    assert status == 200 and json.loads(text)["visitorId"] == visitor_id

    seen = wait_for(lambda: (m := message_of(admin, reply))["route"] == "email" and m, "the message to show the email route")
    assert seen["routeNote"] == "email to ana@example.com"
    assert seen["status"] == {"state": "delivered"}, "the mail server took responsibility for it"
    plan = admin.expect("GET", f"/api/v1/conversations/{reply['conversationId']}/delivery-plan")
    assert "webPush" in [route["route"] for route in plan["unavailable"]], "the 410 subscription was deleted"


@pytest.mark.parametrize("body, error", [
    ({"email": "ana@"}, "email: 'ana@' is not an email address such as ana@example.com"),
    ({"email": "ana@example.com", "name": "line\nbreak"}, "name: must be one line of at most 200 characters"),
    ({"name": "Ana"}, "body: email is missing"),
])
def test_a_bad_contact_is_refused_naming_the_field(server, channel, body, error):
    token, _ = new_visitor(server, channel)
    status, text = visitor_call(server, "POST", f"/widget/{channel}/contact", body, token)
    assert status == 400, text
    assert json.loads(text) == {"error": error}


def test_a_contact_without_the_visitors_token_is_refused(server, channel):
    status, text = visitor_call(server, "POST", f"/widget/{channel}/contact", {"email": "ana@example.com"})
    assert status == 401, text
