"""Web Push subscriptions as the widget hands them over: parleyd publishes its VAPID key, keeps a
visitor's subscription only when its endpoint is a known push service (or the one loopback host the
test server is configured with), and refuses the rest naming the field — SSRF must be impossible.

The keys are RFC 8291 Appendix A's receiver keys: a real P-256 point and auth secret."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request

import pytest

P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"


def call(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def visitor(base_url) -> tuple[str, str]:
    """(web-chat channel id, visitor token) of a fresh visitor on the demo channel."""
    status, page = call("GET", f"{base_url}/demo")
    assert status == 200, page
    channel = re.search(r'data-channel="([^"]+)"', page).group(1)
    status, text = call("POST", f"{base_url}/widget/{channel}/session", {})
    assert status == 200, text
    return channel, json.loads(text)["token"]


def subscription(endpoint: str, p256dh: str = P256DH, auth: str = AUTH) -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": p256dh, "auth": auth}}


def test_the_vapid_public_key_is_an_uncompressed_p256_point(base_url):
    status, text = call("GET", f"{base_url}/widget/push-key")
    assert status == 200, text
    key = json.loads(text)["publicKey"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 0x04, key
    assert call("GET", f"{base_url}/widget/push-key")[1] == text, "one key per server, not one per request"


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dGVzdC1zdWJzY3JpcHRpb24",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABtest",
    "https://web.push.apple.com/QGuQyavXutnMH8t6K9Vx0Q",
])
def test_a_known_push_service_is_kept(base_url, visitor, endpoint):
    channel, token = visitor
    status, text = call("POST", f"{base_url}/widget/{channel}/push-subscriptions", subscription(endpoint), token)
    assert status == 201, text


def test_the_configured_loopback_push_service_is_kept(base_url, visitor, parley_server):
    channel, token = visitor
    endpoint = f"http://{parley_server.push_service_host}/push/abc"
    status, text = call("POST", f"{base_url}/widget/{channel}/push-subscriptions", subscription(endpoint), token)
    assert status == 201, text


@pytest.mark.parametrize("endpoint", [
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/push",
    "http://127.0.0.1:9/push",
    "https://127.0.0.1/push",
    "https://[::1]/push",
    "https://10.0.0.7/push",
    "https://2130706433/push",
    "https://fcm.googleapis.com.evil.example/fcm/send/x",
    "https://evil.example/fcm.googleapis.com/x",
    "https://user@fcm.googleapis.com/fcm/send/x",
    "http://fcm.googleapis.com/fcm/send/x",
])
def test_any_other_endpoint_is_refused_naming_it(base_url, visitor, endpoint):
    channel, token = visitor
    status, text = call("POST", f"{base_url}/widget/{channel}/push-subscriptions", subscription(endpoint), token)
    assert status == 400, text
    assert "endpoint" in text, text


@pytest.mark.parametrize(("body", "field"), [
    (subscription("https://fcm.googleapis.com/fcm/send/x", p256dh="AAAA"), "keys.p256dh"),
    (subscription("https://fcm.googleapis.com/fcm/send/x", auth="short"), "keys.auth"),
    ({"endpoint": "https://fcm.googleapis.com/fcm/send/x"}, "keys"),
])
def test_malformed_keys_are_refused_naming_the_field(base_url, visitor, body, field):
    channel, token = visitor
    status, text = call("POST", f"{base_url}/widget/{channel}/push-subscriptions", body, token)
    assert status == 400, text
    assert field in text, text


def test_a_subscription_needs_the_visitors_token(base_url, visitor):
    channel, _ = visitor
    status, text = call("POST", f"{base_url}/widget/{channel}/push-subscriptions",
                        subscription("https://fcm.googleapis.com/fcm/send/x"), "v1.forged.token")
    assert status == 401, text
