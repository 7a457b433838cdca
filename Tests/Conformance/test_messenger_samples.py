"""The Messenger samples (samples/webhooks/messenger): replay.py signs them as Meta does and a real
Page channel stores each event kind as the content an agent sees, once (the redelivery, the echo
of the Page's own reply, the delivery and the read store no message); attachments are downloaded
from the (local) media host. Forged bodies, a wrong verify token and another Page store nothing."""

from __future__ import annotations

import base64
import glob
import hashlib
import hmac
import json
import os
import time

import pytest

import webhook_client
from samples_support import answers, kind_of, load_replay, MediaHost, raw, run_replay, samples_dir, show, STORED_MEDIA_PREFIX, wait_downloaded

SAMPLES = samples_dir("messenger")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.json")))
SAMPLE_PSID = "7204618895562310"
SAMPLE_PAGE_ID = "104938271650392"
STICKER_URL_START = "https://scontent.xx.fbcdn.net/v/t39.1997-6/39178562_1505197616293642_5411344281094848512_n.png?"


def text(body: str) -> dict:
    return {"type": "text", "text": body}


def event(name: str, payload: str) -> dict:
    return {"type": "event", "name": name, "payload": payload}


# file name (without the number) -> what the agent sees, in order. Media is matched by kind and
# the file the download fetched: (type, mime type served, the end of the path fetched).
STORED = {
    "message-text": [text("Hi! Is the rain jacket waterproof? ☔")],
    "message-image": [("image", "image/jpeg", "_n.jpg")],
    "message-audio": [("audio", "audio/mp4", "-3046.mp4")],
    "message-video": [("video", "video/mp4", "/video-1764000164.mp4")],
    "message-file": [("file", "application/pdf", "/receipt-4417.pdf")],
    "message-location": [{"type": "location", "latitude": 37.4848, "longitude": -122.1484, "name": "Pinned Location"}],
    "message-link": [text("https://shop.example.com/products/rain-jacket?color=blue"), {"type": "unsupported", "rawType": "fallback"}],
    "message-sticker": [{"type": "sticker", "id": "369239263222822"}],
    "message-quick-reply": [event("quick_reply", "TRACK_ORDER")],
    "postback": [event("postback", "TALK_TO_AGENT")],
    "reaction": [event("reaction", "❤️")],
    "message-echo": [],
    "delivery": [],
    "read": [],
    "multiple-entries": [text("Also, can I change the delivery address?"), text("It should go to my office 🏢"),
                         text("Suite 300, same building")],
    "redelivery-message-text": [],
    "message-edit": [{"type": "unsupported", "rawType": "message_edit"}],
}
ALL_STORED = [content for path in FILES for content in STORED[kind_of(path)]]


def new_psid() -> str:
    return load_replay("messenger").new_psid()


# -------------------------------------------------------------------------------------------------
# Offline


@pytest.mark.offline
def test_every_kind_has_a_sample():
    assert sorted(kind_of(p) for p in FILES) == sorted(STORED)


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_is_a_page_webhook(path):
    body = json.loads(raw(path))
    assert body["object"] == "page" and body["entry"], body
    for entry in body["entry"]:
        assert entry["id"] == SAMPLE_PAGE_ID and isinstance(entry["time"], int) and entry["messaging"], entry
        for item in entry["messaging"]:
            kinds = set(item) - {"sender", "recipient", "timestamp"}
            assert len(kinds) == 1, item
            echo = item.get("message", {}).get("is_echo") is True
            assert (item["sender"]["id"], item["recipient"]["id"]) == ((SAMPLE_PAGE_ID, SAMPLE_PSID) if echo else (SAMPLE_PSID, SAMPLE_PAGE_ID))
            assert isinstance(item["timestamp"], int) and item["timestamp"] > 1.7e12  # milliseconds
    signature = load_replay("messenger").meta.sign(raw(path), "s3cret")
    assert signature == "sha256=" + hmac.new(b"s3cret", raw(path), hashlib.sha256).hexdigest()


@pytest.mark.offline
def test_redelivery_and_references_are_consistent():
    by_kind = {kind_of(p): json.loads(raw(p)) for p in FILES}
    assert raw(os.path.join(SAMPLES, "16-redelivery-message-text.json")) == raw(os.path.join(SAMPLES, "01-message-text.json"))
    echo_mid = by_kind["message-echo"]["entry"][0]["messaging"][0]["message"]["mid"]
    assert by_kind["delivery"]["entry"][0]["messaging"][0]["delivery"]["mids"] == [echo_mid]
    text_mid = by_kind["message-text"]["entry"][0]["messaging"][0]["message"]["mid"]
    assert by_kind["message-edit"]["entry"][0]["messaging"][0]["message_edit"]["mid"] == text_mid
    mids = [item["message"]["mid"] for kind, body in by_kind.items() if kind != "redelivery-message-text"
            for entry in body["entry"] for item in entry["messaging"] if "message" in item]
    assert len(set(mids)) == len(mids) and all(m.startswith("m_") for m in mids)


@pytest.mark.offline
def test_fresh_keeps_the_links_between_samples():
    replay = load_replay("messenger")
    samples = [(os.path.basename(p), json.loads(raw(p))) for p in FILES]
    fresh = dict(replay.refresh(samples, "1234567890123456"))
    first = lambda name: fresh[name]["entry"][0]["messaging"][0]  # noqa: E731
    assert first("16-redelivery-message-text.json") == first("01-message-text.json")
    assert first("17-message-edit.json")["message_edit"]["mid"] == first("01-message-text.json")["message"]["mid"]
    assert first("13-delivery.json")["delivery"]["mids"] == [first("12-message-echo.json")["message"]["mid"]]
    assert first("01-message-text.json")["message"]["mid"] != samples[0][1]["entry"][0]["messaging"][0]["message"]["mid"]
    assert first("12-message-echo.json")["recipient"]["id"] == "1234567890123456"
    assert SAMPLE_PSID not in json.dumps(list(fresh.values()))
    assert abs(max(replay.times(list(fresh.values()))) - time.time() * 1000) < 3_600_000
    moved = replay.with_media_base(fresh["02-message-image.json"], "http://127.0.0.1:1/cdn")
    url = moved["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["url"]
    assert url.startswith("http://127.0.0.1:1/cdn/v/t1.15752-9/") and "&oe=" in url, url
    sticker = replay.with_media_base(fresh["08-message-sticker.json"], "http://127.0.0.1:1")
    assert sticker["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["url"].startswith(STICKER_URL_START)


# -------------------------------------------------------------------------------------------------
# Against parleyd


@pytest.fixture(scope="module")
def media_host():
    host = MediaHost().start()
    yield host
    host.stop()


@pytest.fixture
def page(base_url, messenger_channel):
    messenger_channel.base_url = base_url
    return messenger_channel


def replay(channel, *extra):
    return run_replay("messenger", "--url", channel.base_url, "--channel", channel.id, "--app-secret", channel.appSecret, *extra)


def test_replay_stores_every_kind_as_the_agent_sees_it(agent, page, media_host):
    psid = new_psid()
    result, output = replay(page, "--fresh", "--psid", psid, "--verify-token", page.verifyToken, "--media-base", media_host.base_url)
    assert result.returncode == 0, output
    lines = answers(result.stdout)
    assert lines["GET verification"][0] == 200 and "challenge returned" in lines["GET verification"][1], output
    assert {name: lines.get(name) for name in map(os.path.basename, FILES)} == {
        os.path.basename(p): (200, "EVENT_RECEIVED") for p in FILES}, output
    conversations, inbound = agent.inbound(page, psid, at_least=len(ALL_STORED), settle=0.5)
    assert len(conversations) == 1 and conversations[0]["externalId"] == psid, show(conversations)
    assert len(inbound) == len(ALL_STORED), f"{show([m['content'] for m in inbound])}\n{output}"
    media_ids = {m["id"] for m, expected in zip(inbound, ALL_STORED) if isinstance(expected, tuple)}
    downloaded = wait_downloaded(agent, conversations[0]["id"], media_ids)
    for message, expected in zip(inbound, ALL_STORED):
        content = downloaded.get(message["id"], message)["content"]
        if isinstance(expected, tuple):
            kind, mime_type, path_end = expected
            assert content["type"] == kind and content["media"]["location"] == STORED_MEDIA_PREFIX + str(message["id"]), show(content)
            assert content["media"].get("mimeType") == mime_type, show(content)
            status, served_type, body = agent.media(content["media"]["location"])
            assert status == 200 and served_type.startswith(mime_type), (status, served_type)
            assert body.startswith(b"media:/v/") and body.endswith(path_end.encode()), body
        elif expected["type"] == "sticker":
            assert content["id"] == expected["id"] and content["url"].startswith(STICKER_URL_START), show(content)
        else:
            assert content == expected, show(content)
    ids = [m["platformMessageId"] for m in inbound]
    assert len(set(ids)) == len(ids), ids
    fetched = media_host.matching(lambda r: r.method == "GET")
    assert fetched and all("authorization" not in r.headers for r in fetched), "the Page token went to a media URL"
    assert conversations[0].get("replyWindow", {}).get("open") is True, show(conversations[0])


def test_replaying_the_files_as_they_are_twice_stores_once(agent, page):
    """Without options the bytes on disk are signed and sent; the second run is all redeliveries.
    (The CDN URLs are not fetched: the channel's mediaDomains admit no Meta host.)"""
    for _ in range(2):
        result, output = replay(page)
        assert result.returncode == 0, output
    conversations, inbound = agent.inbound(page, SAMPLE_PSID, at_least=len(ALL_STORED), settle=0.5)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"]["type"] for m in inbound] == [e[0] if isinstance(e, tuple) else e["type"] for e in ALL_STORED], show(inbound)
    image = inbound[1]["content"]["media"]["location"]
    assert image.startswith("https://scontent.xx.fbcdn.net/v/t1.15752-9/"), image


def test_a_byte_changed_after_signing_is_refused_and_stores_nothing(agent, page):
    module = load_replay("messenger")
    psid = new_psid()
    [(_, body)] = module.refresh([("01-message-text.json", json.loads(raw(FILES[0])))], psid)
    signed = module.meta.meta_json(body)
    signature = module.meta.sign(signed, page.appSecret)
    tampered = signed.replace(b"waterproof", b"waterpro0f")
    assert tampered != signed and len(tampered) == len(signed)
    headers = {"Content-Type": "application/json", module.meta.SIGNATURE_HEADER: signature,
               module.meta.LEGACY_SIGNATURE_HEADER: module.meta.sign_legacy(tampered, page.appSecret)}
    response = webhook_client.send(page.base_url, "POST", page.webhook_path, tampered, headers)
    assert response.status == 401, f"a matching legacy sha1 signature must not stand in for sha256: {response.describe()}"
    time.sleep(0.3)
    assert agent.follower(page, psid) == ([], []), "the refused body was stored"
    headers[module.meta.LEGACY_SIGNATURE_HEADER] = module.meta.sign_legacy(signed, page.appSecret)
    response = webhook_client.send(page.base_url, "POST", page.webhook_path, signed, headers)
    assert response.status == 200, response.describe()
    _, inbound = agent.inbound(page, psid)
    assert [m["content"] for m in inbound] == [text("Hi! Is the rain jacket waterproof? ☔")]


def test_replay_with_the_wrong_app_secret_is_refused(agent, page):
    psid = new_psid()
    result, output = replay(page, "--app-secret", base64.b16encode(os.urandom(16)).decode().lower(), "--fresh", "--psid", psid,
                            FILES[0], FILES[8])
    assert result.returncode == 1, output
    assert [status for status, _ in answers(result.stdout).values()] == [401, 401], output
    time.sleep(0.3)
    assert agent.follower(page, psid) == ([], [])


def test_replay_with_the_wrong_verify_token_fails(page):
    result, output = replay(page, "--verify-token", "not-the-token", FILES[13])
    assert result.returncode == 1, output
    lines = answers(result.stdout)
    assert lines["GET verification"][0] == 403 and lines[os.path.basename(FILES[13])][0] == 200, output


def test_entries_for_another_page_are_skipped(agent, page):
    psid = new_psid()
    result, output = replay(page, "--fresh", "--psid", psid, "--page-id", "109999999999999", FILES[0], FILES[8])
    assert result.returncode == 0, output
    time.sleep(0.5)
    assert agent.follower(page, psid) == ([], [])
