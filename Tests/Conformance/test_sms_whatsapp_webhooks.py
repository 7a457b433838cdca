"""SMS (Twilio) and WhatsApp (Cloud API) webhooks, signed the way the platforms sign them.

Twilio's side is played by the `twilio` SDK's RequestValidator (the signature covers
PARLEY_PUBLIC_URL + path, which conftest sets to the server's own base URL). WhatsApp's is Meta's
published algorithm, `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`,
cross-checked with pywa's validator when pywa is installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import random
import time
import urllib.parse

import pytest
from twilio.request_validator import RequestValidator

import webhook_client

try:
    from pywa.utils import webhook_updates_validator
except ImportError:  # optional cross-check
    webhook_updates_validator = None


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)[:2000]


@pytest.fixture
def nothing_stored(agent):
    @contextlib.contextmanager
    def check(channel, partner):
        before = agent.conversation_ids()
        yield
        time.sleep(0.3)
        new = [c for c in agent.conversations() if c["id"] not in before]
        assert not new, f"a refused webhook created conversations: {show(new)}"
        conversations, messages = agent.follower(channel, partner)
        assert not conversations and not messages, f"stored for {partner}: {show(conversations)} {show(messages)}"
    return check


# -------------------------------------------------------------------------------------------------
# SMS (Twilio)


def new_number() -> str:
    return "+1415" + "".join(random.choice("0123456789") for _ in range(7))


def twilio_params(channel, sender: str, body: str) -> dict:
    sid = "SM" + "".join(random.choice("0123456789abcdef") for _ in range(32))
    return {
        "ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
        "Body": body, "To": channel.fromNumber, "NumSegments": "1", "MessageSid": sid, "AccountSid": channel.accountSid,
        "From": sender, "ApiVersion": "2010-04-01",
        "ParleyUnknownFutureParam": "added by Twilio without notice",  # unknown: still signed, still accepted
    }


def post_form(base_url, channel, params: dict, signature: str | None) -> webhook_client.Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": urllib.parse.urlsplit(base_url).netloc}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return webhook_client.send(base_url, "POST", channel.webhook_path, urllib.parse.urlencode(params).encode(), headers)


def twilio_sign(channel, url: str, params: dict) -> str:
    return RequestValidator(channel.authToken).compute_signature(url, params)


def test_sms_signed_by_the_twilio_sdk_is_stored_once(base_url, agent, sms_channel):
    sender = new_number()
    params = twilio_params(sms_channel, sender, "Hi, where is my order #4512? ü 🚚")
    url = base_url + sms_channel.webhook_path
    signature = twilio_sign(sms_channel, url, params)
    assert RequestValidator(sms_channel.authToken).validate(url, params, signature)
    response = post_form(base_url, sms_channel, params, signature)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(sms_channel, sender, settle=0.5)
    assert len(conversations) == 1 and conversations[0].get("channelId") == sms_channel.id, show(conversations)
    assert len(inbound) == 1, show(inbound)
    assert inbound[0]["content"] == {"type": "text", "text": params["Body"]}, show(inbound)
    # Twilio retries with the same MessageSid: still stored once.
    assert post_form(base_url, sms_channel, params, signature).status == 200
    _, inbound = agent.inbound(sms_channel, sender, settle=0.5)
    assert len(inbound) == 1, show(inbound)


@pytest.mark.parametrize("case", ["tampered-param", "other-host", "missing-header"])
def test_sms_forgery_is_refused(base_url, sms_channel, nothing_stored, case):
    sender = new_number()
    params = twilio_params(sms_channel, sender, "Refund me")
    url = base_url + sms_channel.webhook_path
    signature = twilio_sign(sms_channel, url, params)
    if case == "tampered-param":
        params = dict(params, Body="Refund me 999")
    elif case == "other-host":
        signature = twilio_sign(sms_channel, "https://attacker.example" + sms_channel.webhook_path, params)
    elif case == "missing-header":
        signature = None
    if signature is not None:
        assert not RequestValidator(sms_channel.authToken).validate(url, params, signature)
    with nothing_stored(sms_channel, sender):
        response = post_form(base_url, sms_channel, params, signature)
        assert response.status == 401, f"{case}: {response.describe()}"


def test_sms_stop_makes_later_replies_fail(base_url, agent, sms_channel):
    sender = new_number()
    url = base_url + sms_channel.webhook_path
    for text in ("Hello, question about my bill", "STOP"):
        params = twilio_params(sms_channel, sender, text)
        response = post_form(base_url, sms_channel, params, twilio_sign(sms_channel, url, params))
        assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(sms_channel, sender, at_least=2)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"].get("text") for m in inbound] == ["Hello, question about my bill", "STOP"], show(inbound)
    queued = agent.reply(conversations[0]["id"], "Sorry to see you go")
    failed = agent.wait_message(conversations[0]["id"], queued["id"], lambda m: m["status"]["state"] not in ("queued", "sending"))
    assert failed["status"]["state"] == "failed", show(failed)
    reason = (failed["status"].get("reason") or "").lower()
    assert "stop" in reason or "opt" in reason, show(failed)
    assert sms_channel.authToken not in json.dumps(failed)


# -------------------------------------------------------------------------------------------------
# WhatsApp (Cloud API)


def meta_sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_body(channel, wa_id: str, text: str) -> bytes:
    wamid = "wamid.HBgL" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(40))
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550783881", "phone_number_id": channel.phoneNumberId},
                    "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": wa_id}],
                    "messages": [{"from": wa_id, "id": wamid, "timestamp": str(int(time.time())), "type": "text",
                                  "text": {"body": text}}],
                },
            }],
        }],
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def post_json(base_url, channel, body: bytes, signature: str | None) -> webhook_client.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return webhook_client.send(base_url, "POST", channel.webhook_path, body, headers)


def new_wa_id() -> str:
    return "1650" + "".join(random.choice("0123456789") for _ in range(7))


def test_whatsapp_signed_webhook_is_stored(base_url, agent, whatsapp_channel):
    wa_id = new_wa_id()
    body = whatsapp_body(whatsapp_channel, wa_id, "Hola! ¿Dónde está mi pedido? 📦")
    signature = meta_sign(whatsapp_channel.appSecret, body)
    if webhook_updates_validator is not None:
        assert webhook_updates_validator(whatsapp_channel.appSecret, body, signature)
    response = post_json(base_url, whatsapp_channel, body, signature)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(whatsapp_channel, wa_id)
    assert len(conversations) == 1 and conversations[0].get("channelId") == whatsapp_channel.id, show(conversations)
    assert len(inbound) == 1 and inbound[0]["content"] == {"type": "text", "text": "Hola! ¿Dónde está mi pedido? 📦"}, show(inbound)


@pytest.mark.parametrize("case", ["wrong-secret", "tampered-body", "missing"])
def test_whatsapp_bad_signature_is_refused(base_url, whatsapp_channel, nothing_stored, case):
    wa_id = new_wa_id()
    body = whatsapp_body(whatsapp_channel, wa_id, "Refund me")
    signature = meta_sign(whatsapp_channel.appSecret, body)
    if case == "wrong-secret":
        signature = meta_sign("0" * 32, body)
    elif case == "tampered-body":
        body = body.replace(b"Refund me", b"Refund 99")
    elif case == "missing":
        signature = None
    if signature is not None and webhook_updates_validator is not None:
        assert not webhook_updates_validator(whatsapp_channel.appSecret, body, signature)
    with nothing_stored(whatsapp_channel, wa_id):
        response = post_json(base_url, whatsapp_channel, body, signature)
        assert response.status == 401, f"{case}: {response.describe()}"


@pytest.mark.parametrize("token,status", [("right", 200), ("wrong", 403)])
def test_whatsapp_verify_handshake(base_url, whatsapp_channel, token, status):
    verify = whatsapp_channel.verifyToken if token == "right" else "not-the-token"
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": verify, "hub.challenge": "123"})
    response = webhook_client.send(base_url, "GET", f"{whatsapp_channel.webhook_path}?{query}")
    assert response.status == status, response.describe()
    if status == 200:
        assert response.text == "123", response.describe()
    else:
        assert "123" not in response.text, response.describe()
