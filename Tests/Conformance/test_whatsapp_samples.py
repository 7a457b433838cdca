"""The WhatsApp Cloud API samples (samples/webhooks/whatsapp): pywa reads each as the update its
name says, replay.py signs them as Meta does (checked with pywa's validator), and a real channel
stores each kind as the content an agent sees, once (the redelivered body and the statuses store
no message). Forged bodies, a wrong verify token and another business number store nothing."""

from __future__ import annotations

import glob
import json
import os
import time

import pytest

try:
    from pywa import WhatsApp
    from pywa.types.base_update import RawUpdate
    from pywa.utils import webhook_updates_validator
except ImportError:  # optional (requirements.txt): the checks against pywa are skipped without it
    WhatsApp = None

import webhook_client
from samples_support import answers, kind_of, load_replay, raw, run_replay, samples_dir, show

SAMPLES = samples_dir("whatsapp")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.json")))
SAMPLE_WA_ID = "16505551234"
SAMPLE_PHONE_NUMBER_ID = "106540352242922"
SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def media(location: str, mime_type: str, caption: str | None = None, file_name: str | None = None) -> dict:
    reference = {"location": "whatsapp-media:" + location, "mimeType": mime_type}
    if file_name:
        reference["fileName"] = file_name
    if caption:
        reference["caption"] = caption
    return reference


def text(body: str) -> dict:
    return {"type": "text", "text": body}


def event(name: str, payload: str) -> dict:
    return {"type": "event", "name": name, "payload": payload}


# file name (without the number) -> (pywa update class, what pywa reads: message type, callback data or status)
PYWA = {
    "text": ("Message", "text"), "image": ("Message", "image"), "audio-voice": ("Message", "audio"),
    "video": ("Message", "video"), "document": ("Message", "document"), "sticker": ("Message", "sticker"),
    "location": ("Message", "location"), "contacts": ("Message", "contacts"),
    "interactive-button-reply": ("CallbackButton", "RETURN_START"), "interactive-list-reply": ("CallbackSelection", "PICKUP_TUE_AM"),
    "button": ("CallbackButton", "CONFIRM_DELIVERY"), "reaction": ("Message", "reaction"), "unsupported": ("Message", "unsupported"),
    "multiple-entries": ("Message", "text"), "redelivery-text": ("Message", "text"), "statuses": ("MessageStatus", "delivered"),
}
# file name (without the number) -> what the agent sees, in order. The redelivery repeats 01 and
# stores nothing; the statuses name a message Parley did not send and store nothing either.
STORED = {
    "text": [text("Hi! Does the blue rain jacket come in size M? 🧥")],
    "image": [{"type": "image", "media": media("1479537139650973", "image/jpeg", caption="The zipper arrived broken")}],
    "audio-voice": [{"type": "audio", "media": media("1003383421387256", "audio/ogg; codecs=opus")}],
    "video": [{"type": "video", "media": media("1195487326093178", "video/mp4", caption="Unboxing: the sleeve is torn")}],
    "document": [{"type": "file", "media": media("2736451908364512", "application/pdf", caption="My receipt", file_name="receipt-4417.pdf")}],
    # The media id names the sticker; as its URL it is downloaded like an image (the API here is unreachable).
    "sticker": [{"type": "sticker", "id": "1830271924452390", "url": "whatsapp-media:1830271924452390"}],
    "location": [{"type": "location", "latitude": 37.4848, "longitude": -122.1484, "name": "Parley Returns Desk",
                  "address": "1 Hacker Way, Menlo Park, CA 94025"}],
    "contacts": [{"type": "contactCard", "name": "Luis García", "phones": ["+1 (650) 555-0199"]}],
    "interactive-button-reply": [event("button_reply", "RETURN_START")],
    "interactive-list-reply": [event("list_reply", "PICKUP_TUE_AM")],
    "button": [event("button", "CONFIRM_DELIVERY")],
    "reaction": [event("reaction", "👍")],
    "unsupported": [{"type": "unsupported", "rawType": "unsupported"}],
    "multiple-entries": [text("Also, can I change the delivery address?"), text("It should go to my office 🏢"),
                         text("Suite 300, same building")],
    "redelivery-text": [],
    "statuses": [],
}
ALL_STORED = [content for path in FILES for content in STORED[kind_of(path)]]


def new_wa_id() -> str:
    return load_replay("whatsapp").new_wa_id()


# -------------------------------------------------------------------------------------------------
# Offline: the samples as the platform's SDK reads them


@pytest.mark.offline
def test_every_kind_has_a_sample():
    assert sorted(kind_of(p) for p in FILES) == sorted(PYWA) == sorted(STORED)


@pytest.fixture(scope="module")
def pywa_client():
    if WhatsApp is None:
        pytest.skip("pywa is not installed")
    return WhatsApp(phone_id=SAMPLE_PHONE_NUMBER_ID, token="not-used", server=None, verify_token="not-used")


def pywa_update(client, body: bytes):
    update = RawUpdate(body, hmac_header=None, update_hash="sample")
    handler = client._get_handler_type(update)
    assert handler is not None, "pywa found no handler: the change is not for this phone number or not a known field"
    return client._handlers_to_updates[handler].from_update(client=client, update=update)


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_parses_with_pywa(pywa_client, path):
    body = raw(path)
    update = pywa_update(pywa_client, body)
    cls, what = PYWA[kind_of(path)]
    assert type(update).__name__ == cls, update
    seen = {"Message": lambda u: u.type, "CallbackButton": lambda u: u.data, "CallbackSelection": lambda u: u.data,
            "MessageStatus": lambda u: u.status}[cls](update)
    assert str(seen) == what, update
    assert update.from_user.wa_id == SAMPLE_WA_ID and update.metadata.phone_number_id == SAMPLE_PHONE_NUMBER_ID
    signature = load_replay("whatsapp").meta.sign(body, SECRET)
    assert webhook_updates_validator(SECRET, body, signature), "pywa accepts replay.py's X-Hub-Signature-256"
    assert not webhook_updates_validator(SECRET, body + b" ", signature)


@pytest.mark.offline
def test_samples_carry_what_the_gateway_reads():
    by_kind = {kind_of(p): json.loads(raw(p)) for p in FILES}
    assert raw(os.path.join(SAMPLES, "15-redelivery-text.json")) == raw(os.path.join(SAMPLES, "01-text.json"))
    values = [change["value"] for body in by_kind.values() for entry in body["entry"] for change in entry["changes"]]
    assert all(body["object"] == "whatsapp_business_account" for body in by_kind.values())
    assert len(by_kind["multiple-entries"]["entry"]) == 2
    messages = [m for value in values for m in value.get("messages", [])]
    assert all(m["id"].startswith("wamid.") and m["from"] == SAMPLE_WA_ID for m in messages)
    assert len({m["id"] for m in messages}) == len(messages) - 1, "only the redelivery repeats a wamid"
    assert by_kind["audio-voice"]["entry"][0]["changes"][0]["value"]["messages"][0]["audio"]["voice"] is True
    assert [s["status"] for s in by_kind["statuses"]["entry"][0]["changes"][0]["value"]["statuses"]] == ["delivered", "read"]


@pytest.mark.offline
def test_fresh_bodies_are_new_and_still_read_by_pywa(pywa_client):
    replay = load_replay("whatsapp")
    samples = [(os.path.basename(p), json.loads(raw(p))) for p in FILES]
    fresh = dict(replay.refresh(samples, "16505550000"))
    text_id = fresh["01-text.json"]["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert fresh["15-redelivery-text.json"]["entry"][0]["changes"][0]["value"]["messages"][0]["id"] == text_id
    assert text_id != samples[0][1]["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    encoded = replay.meta.meta_json(fresh["02-image.json"])
    assert encoded.isascii() and b'"image\\/jpeg"' in encoded, encoded  # serialized as Meta does
    update = pywa_update(pywa_client, encoded)
    assert update.from_user.wa_id == "16505550000" and update.image.caption == "The zipper arrived broken"
    stamp = int(json.loads(encoded)["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"])
    assert abs(stamp - time.time()) < 3600
    assert "16505551234" not in json.dumps(list(fresh.values()))


# -------------------------------------------------------------------------------------------------
# Against parleyd


def replay(channel, *extra):
    return run_replay("whatsapp", "--url", channel.base_url, "--channel", channel.id, "--app-secret", channel.appSecret, *extra)


@pytest.fixture
def wa(base_url, whatsapp_channel):
    whatsapp_channel.base_url = base_url
    return whatsapp_channel


def test_replay_stores_every_kind_as_the_agent_sees_it(agent, wa):
    wa_id = new_wa_id()
    result, output = replay(wa, "--fresh", "--wa-id", wa_id, "--verify-token", wa.verifyToken)
    assert result.returncode == 0, output
    lines = answers(result.stdout)
    assert lines["GET verification"][0] == 200 and "challenge returned" in lines["GET verification"][1], output
    assert {name: lines.get(name) for name in map(os.path.basename, FILES)} == {
        os.path.basename(p): (200, "EVENT_RECEIVED") for p in FILES}, output
    conversations, inbound = agent.inbound(wa, wa_id, at_least=len(ALL_STORED), settle=0.5)
    assert len(conversations) == 1 and conversations[0]["externalId"] == wa_id, show(conversations)
    assert [m["content"] for m in inbound] == ALL_STORED, f"{show(inbound)}\n{output}"
    ids = [m["platformMessageId"] for m in inbound]
    assert all(i.startswith("wamid.") for i in ids) and len(set(ids)) == len(ids), ids
    assert all(m["direction"] == "inbound" and m["sender"]["type"] == "contact" for m in inbound)
    window = conversations[0].get("replyWindow")
    assert window and window["open"] is True, show(conversations[0])


def test_replaying_the_files_as_they_are_twice_stores_once(agent, wa):
    """Without options the bytes on disk are signed and sent; the second run is all redeliveries."""
    for _ in range(2):
        result, output = replay(wa)
        assert result.returncode == 0, output
    conversations, inbound = agent.inbound(wa, SAMPLE_WA_ID, at_least=len(ALL_STORED), settle=0.5)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"] for m in inbound] == ALL_STORED, show(inbound)


def test_a_byte_changed_after_signing_is_refused_and_stores_nothing(agent, wa):
    module = load_replay("whatsapp")
    wa_id = new_wa_id()
    [(_, body)] = module.refresh([("01-text.json", json.loads(raw(FILES[0])))], wa_id)
    signed = module.meta.meta_json(body)
    signature = module.meta.sign(signed, wa.appSecret)
    tampered = signed.replace(b"size M", b"size L")
    assert tampered != signed and len(tampered) == len(signed)
    headers = {"Content-Type": "application/json", module.meta.SIGNATURE_HEADER: signature}
    response = webhook_client.send(wa.base_url, "POST", wa.webhook_path, tampered, headers)
    assert response.status == 401, response.describe()
    time.sleep(0.3)
    assert agent.follower(wa, wa_id) == ([], []), "the refused body was stored"
    # The same bytes as signed are accepted: only the changed byte made the difference.
    response = webhook_client.send(wa.base_url, "POST", wa.webhook_path, signed, headers)
    assert response.status == 200, response.describe()
    _, inbound = agent.inbound(wa, wa_id)
    assert [m["content"] for m in inbound] == [text("Hi! Does the blue rain jacket come in size M? 🧥")]


def test_replay_with_the_wrong_app_secret_is_refused(agent, wa):
    wa_id = new_wa_id()
    result, output = replay(wa, "--app-secret", "0" * 32, "--fresh", "--wa-id", wa_id, FILES[0], FILES[1])
    assert result.returncode == 1, output
    assert [status for status, _ in answers(result.stdout).values()] == [401, 401], output
    time.sleep(0.3)
    assert agent.follower(wa, wa_id) == ([], [])


def test_replay_with_the_wrong_verify_token_fails(wa):
    result, output = replay(wa, "--verify-token", "not-the-token", FILES[-1])
    assert result.returncode == 1, output
    lines = answers(result.stdout)
    assert lines["GET verification"][0] == 403 and lines[os.path.basename(FILES[-1])][0] == 200, output


def test_changes_for_another_business_number_are_skipped(agent, wa):
    wa_id = new_wa_id()
    result, output = replay(wa, "--fresh", "--wa-id", wa_id, "--phone-number-id", "109999999999999", FILES[0], FILES[1])
    assert result.returncode == 0, output  # acknowledged, so Meta does not retry, but not stored
    time.sleep(0.5)
    assert agent.follower(wa, wa_id) == ([], [])
