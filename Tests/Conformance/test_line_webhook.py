"""LINE webhooks (CHANNELS.md §5; Connectors/Line): bodies built from line-bot-sdk's v3 models,
signed with `x-line-signature` exactly as the SDK's `SignatureValidator` checks it, and read back
by the SDK's `WebhookParser` before they are sent, so each is a payload LINE could post. Every
event reaches the agent once and normalized; a redelivery (same webhookEventId,
isRedelivery=true) is stored once; the console's empty "Verify" body is answered 200; anything
the SDK's validator refuses, parleyd refuses with 401 and stores nothing.

Each test is a new LINE user (or group): the conversation's externalId.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json

import pytest
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import SignatureValidator

import line_wire as lw
import webhook_client

KINDS = ["text", "image", "image-external", "video", "audio", "file", "sticker", "location", "postback",
         "follow", "follow-unblocked", "unfollow", "unsend", "unknown"]


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def refers_to(media: dict | None, message_id: str) -> bool:
    """`line-content:<message id>` until fetched from the data API, then the stored copy."""
    location = (media or {}).get("location") or ""
    return location == f"line-content:{message_id}" or location.startswith("/api/v1/media/")


def assert_normalized(built: lw.Built, message: dict) -> None:
    content = message.get("content") or {}
    values = built.values
    kind = built.kind
    where = f"{kind} event as the agent sees it: {show(message)}"
    if kind == "text":
        assert content == {"type": "text", "text": values["text"]}, where
    elif kind in ("image", "video", "audio", "file"):
        assert content.get("type") == kind, where
        assert refers_to(content.get("media"), values["message_id"]), where
        if kind == "file":
            assert content["media"].get("fileName") == values["file_name"], where
    elif kind == "image-external":
        assert content.get("type") == "image", where
        assert content["media"].get("location") == values["url"], f"an external image is its originalContentUrl; {where}"
    elif kind == "sticker":
        assert content == {"type": "sticker", "id": f"{values['package_id']}/{values['sticker_id']}"}, where
    elif kind == "location":
        assert content.get("type") == "location", where
        assert content.get("latitude") == pytest.approx(values["latitude"], abs=1e-6), where
        assert content.get("longitude") == pytest.approx(values["longitude"], abs=1e-6), where
        assert content.get("name") == values["title"] and content.get("address") == values["address"], where
    elif kind == "postback":
        assert content == {"type": "event", "name": "postback", "payload": values["data"]}, where
    elif kind == "follow":
        assert content == {"type": "event", "name": "follow"}, where
    elif kind == "follow-unblocked":
        assert content == {"type": "event", "name": "follow", "payload": "unblocked"}, where
    elif kind == "unfollow":
        assert content == {"type": "event", "name": "unfollow"}, where
    elif kind == "unsend":
        assert content == {"type": "event", "name": "unsend", "payload": values["message_id"]}, where
    elif kind == "unknown":
        assert content == {"type": "unsupported", "rawType": values["raw_type"]}, where
    else:
        raise AssertionError(f"no expectation for {kind}")
    assert message.get("platformMessageId") == built.event_id, f"platformMessageId is the webhookEventId; {where}"


def send(base_url, channel, *events: lw.Built, **kwargs):
    """Post the events as one body, after proving with the SDK that it is a valid LINE webhook."""
    payload = lw.body(*events)
    signature = lw.sign(payload, channel.channel_secret)
    parsed = lw.parse(payload, signature, channel.channel_secret)
    assert len(parsed.events) == len(events) and parsed.destination == lw.DESTINATION, parsed
    return lw.post(base_url, channel, payload, **kwargs)


def deliver(base_url, agent, channel, built: lw.Built):
    response = send(base_url, channel, built)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, built.partner)
    assert len(conversations) == 1, f"one conversation for {built.partner}: {show(conversations)}"
    assert conversations[0].get("channelId") == channel.id, show(conversations[0])
    assert len(inbound) == 1, f"the {built.kind} event should be stored once: {show(inbound)}"
    return response, conversations[0], inbound[0]


@pytest.mark.parametrize("kind", KINDS)
def test_event_arrives_once_normalized(base_url, agent, line_channels, kind):
    built = lw.event(kind)
    _, _, message = deliver(base_url, agent, line_channels["main"], built)
    assert_normalized(built, message)


def test_conversation_is_the_user(base_url, agent, line_channels):
    built = lw.event("text")
    response, conversation, _ = deliver(base_url, agent, line_channels["main"], built)
    assert conversation.get("externalId") == built.partner, show(conversation)
    assert response.headers.get("content-type", "").startswith("application/json") and response.json() == {}, response.describe()


def test_group_events_belong_to_the_group(base_url, agent, line_channels):
    """In a group, replies go to the group, so the group is the conversation (not each member)."""
    channel = line_channels["main"]
    group = lw.new_group_id()
    join = lw.event("join", group_id=group)
    text_a = lw.event("text", group_id=group)
    text_b = lw.event("text", group_id=group)  # another member
    response = send(base_url, channel, join, text_a, text_b)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, group, at_least=3)
    assert len(conversations) == 1 and conversations[0].get("externalId") == group, show(conversations)
    assert [m["content"] for m in inbound] == [
        {"type": "event", "name": "join"},
        {"type": "text", "text": text_a.values["text"]},
        {"type": "text", "text": text_b.values["text"]},
    ], show(inbound)


def test_image_content_is_fetched_from_the_data_api(base_url, agent, line_channels, fake_line_api):
    """Content LINE hosts (contentProvider.type=line) is fetched on receipt from dataBaseURL with
    the channel access token (§5.5), and the agent gets those bytes."""
    built = lw.event("image")
    _, conversation, message = deliver(base_url, agent, line_channels["main"], built)
    message_id = built.values["message_id"]
    downloads = fake_line_api.wait_for(lambda r: r.path == f"/v2/bot/message/{message_id}/content")
    assert len(downloads) == 1, [d.describe() for d in downloads]
    assert downloads[0].method == "GET" and downloads[0].headers.get("authorization") == f"Bearer {lw.ACCESS_TOKEN}", downloads[0].describe()
    stored = agent.wait_message(conversation["id"], message["id"], lambda m: m["content"]["media"]["location"].startswith("/api/v1/media/"))
    location = stored["content"]["media"]["location"]
    assert location.startswith("/api/v1/media/"), show(stored)
    status, content_type, data = agent.media(location)
    assert (status, data) == (200, lw.content_bytes(message_id)), (status, content_type, data[:80])
    assert content_type.startswith("image/jpeg"), content_type


def test_several_events_in_one_body_are_stored_in_order(base_url, agent, line_channels):
    channel = line_channels["main"]
    user = lw.new_user_id()
    events = [lw.event("follow", user), lw.event("text", user), lw.event("sticker", user), lw.event("text", user)]
    response = send(base_url, channel, *events)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, user, at_least=4, settle=0.5)
    assert len(conversations) == 1, show(conversations)
    assert [m.get("platformMessageId") for m in inbound] == [e.event_id for e in events], show(inbound)


def test_events_of_two_users_in_one_body(base_url, agent, line_channels):
    channel = line_channels["main"]
    first, second = lw.event("text"), lw.event("text")
    assert send(base_url, channel, first, second).status == 200
    for built in (first, second):
        conversations, inbound = agent.inbound(channel, built.partner)
        assert len(conversations) == 1 and len(inbound) == 1, (show(conversations), show(inbound))


def test_redelivery_is_stored_once(base_url, agent, line_channels):
    """LINE redelivers an event with the same webhookEventId and deliveryContext.isRedelivery=true."""
    channel = line_channels["main"]
    original = lw.event("text")
    again = lw.event("text", original.partner, event_id=original.event_id, redelivery=True, message_id=original.values["message_id"],
                     text=original.values["text"], timestamp=original.event.timestamp)
    for built in (original, again):
        response = send(base_url, channel, built)
        assert response.status == 200, response.describe()
    _, inbound = agent.inbound(channel, original.partner, settle=0.8)
    assert len(inbound) == 1, f"a redelivered event is stored once: {show(inbound)}"
    assert inbound[0]["content"].get("text") == original.values["text"], show(inbound)


def test_redelivery_of_an_event_never_seen_is_stored(base_url, agent, line_channels):
    """If the first delivery never arrived, the redelivered copy is the event."""
    built = lw.event("text", redelivery=True)
    _, _, message = deliver(base_url, agent, line_channels["main"], built)
    assert_normalized(built, message)


def test_redelivered_batch_stores_only_the_new_events(base_url, agent, line_channels):
    channel = line_channels["main"]
    user = lw.new_user_id()
    first = lw.event("text", user)
    assert send(base_url, channel, first).status == 200
    repeat = lw.event("text", user, event_id=first.event_id, redelivery=True, text=first.values["text"])
    later = lw.event("text", user)
    assert send(base_url, channel, repeat, later).status == 200
    _, inbound = agent.inbound(channel, user, at_least=2, settle=0.8)
    assert [m.get("platformMessageId") for m in inbound] == [first.event_id, later.event_id], show(inbound)


def test_identical_body_twice_is_stored_once(base_url, agent, line_channels):
    channel = line_channels["main"]
    built = lw.event("text")
    payload = lw.body(built)
    for _ in range(2):
        assert lw.post(base_url, channel, payload).status == 200
    _, inbound = agent.inbound(channel, built.partner, settle=0.8)
    assert len(inbound) == 1, show(inbound)


def test_empty_events_verify_is_answered_200(base_url, agent, line_channels):
    """The console's "Verify" button posts a signed body with no events."""
    channel = line_channels["main"]
    payload = json.dumps({"destination": lw.DESTINATION, "events": []}, separators=(",", ":")).encode()
    parsed = lw.parse(payload, lw.sign(payload, channel.channel_secret), channel.channel_secret)
    assert parsed.events == []
    before = agent.conversation_ids()
    response = lw.post(base_url, channel, payload)
    assert response.status == 200, response.describe()
    assert agent.conversation_ids() == before


def test_same_user_on_two_channels_is_two_conversations(base_url, agent, line_channels):
    user = lw.new_user_id()
    for key in ("main", "other"):
        assert send(base_url, line_channels[key], lw.event("text", user)).status == 200
    for key in ("main", "other"):
        conversations, inbound = agent.inbound(line_channels[key], user)
        assert len(conversations) == 1 and len(inbound) == 1, (key, show(conversations), show(inbound))


# -------------------------------------------------------------------------------------------------
# Signatures: parleyd and the SDK's validator agree


@pytest.fixture
def nothing_stored(agent):
    @contextlib.contextmanager
    def check(channel, partner):
        before = agent.conversation_ids()
        yield
        new = [c for c in agent.conversations() if c["id"] not in before]
        assert not new, f"a refused webhook created conversations: {show(new)}"
        conversations, messages = agent.follower(channel, partner)
        assert not conversations and not messages, f"stored for {partner}: {show(conversations)} {show(messages)}"
    return check


def forged(case: str, channel, other) -> tuple[bytes, str | None, str]:
    """(body, signature, partner) for a webhook LINE did not sign for this channel."""
    built = lw.event("text")
    payload = lw.body(built)
    good = lw.sign(payload, channel.channel_secret)
    if case == "missing":
        return payload, None, built.partner
    if case == "empty":
        return payload, "", built.partner
    if case == "tampered-text":
        tampered = payload.replace(built.values["text"].encode("utf-8")[:12], b"Refund me 99")
        assert tampered != payload
        return tampered, good, built.partner
    if case == "tampered-user":
        other_user = lw.new_user_id()
        return payload.replace(built.partner.encode(), other_user.encode()), good, other_user
    if case == "reformatted":  # same JSON, other bytes: LINE signs bytes, not meaning
        return json.dumps(json.loads(payload), ensure_ascii=True, indent=1).encode(), good, built.partner
    if case == "other-channel-secret":
        return payload, lw.sign(payload, other.channel_secret), built.partner
    if case == "hex-digest":  # the right HMAC, hex instead of Base64
        return payload, hmac.new(channel.channel_secret.encode(), payload, hashlib.sha256).hexdigest(), built.partner
    if case == "sha1":
        return payload, base64.b64encode(hmac.new(channel.channel_secret.encode(), payload, hashlib.sha1).digest()).decode(), built.partner
    if case == "hex-decoded-secret":  # the key is the secret's text, not the bytes its hex spells
        key = bytes.fromhex(channel.channel_secret)
        return payload, base64.b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode(), built.partner
    raise ValueError(case)


FORGERIES = ["missing", "empty", "tampered-text", "tampered-user", "reformatted", "other-channel-secret", "hex-digest", "sha1",
             "hex-decoded-secret"]


@pytest.mark.parametrize("case", FORGERIES)
def test_what_the_sdk_refuses_is_refused(base_url, line_channels, nothing_stored, case):
    channel = line_channels["main"]
    payload, signature, partner = forged(case, channel, line_channels["other"])
    validator = SignatureValidator(channel.channel_secret)
    assert not validator.validate(payload.decode("utf-8"), signature or ""), f"the SDK itself accepts the {case} signature"
    with pytest.raises(InvalidSignatureError):
        lw.parse(payload, signature or "", channel.channel_secret)
    with nothing_stored(channel, partner):
        response = lw.post(base_url, channel, payload, signature=signature)
        assert response.status == 401, f"{case}: expected 401, got {response.describe()}"


def test_what_the_sdk_accepts_is_accepted_as_sent(base_url, agent, line_channels):
    """Pretty-printed, non-ASCII, with a trailing newline: the SDK's validator accepts the
    signature over these exact bytes, and so does parleyd."""
    channel = line_channels["main"]
    built = lw.event("text", text="Grüße aus 東京 🍣 — \"quoted\" \\ back\\slash")
    payload = (json.dumps(json.loads(lw.body(built)), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    signature = lw.sign(payload, channel.channel_secret)
    assert SignatureValidator(channel.channel_secret).validate(payload.decode("utf-8"), signature)
    response = lw.post(base_url, channel, payload, signature=signature)
    assert response.status == 200, response.describe()
    _, inbound = agent.inbound(channel, built.partner)
    assert [m["content"] for m in inbound] == [{"type": "text", "text": built.values["text"]}], show(inbound)


def test_signature_is_checked_before_the_body(base_url, line_channels):
    """An unsigned broken body is 401, not 400: nothing is parsed before the signature matches."""
    channel = line_channels["main"]
    response = lw.post(base_url, channel, b'{"destination":"U0","events":[{', signature="AAAA")
    assert response.status == 401, response.describe()


# -------------------------------------------------------------------------------------------------
# Signed, but not a LINE webhook


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_json_is_refused(base_url, line_channels, nothing_stored, cut):
    channel = line_channels["main"]
    built = lw.event("text")
    payload = lw.body(built)
    payload = payload[: int(len(payload) * cut)]
    with nothing_stored(channel, built.partner):
        response = lw.post(base_url, channel, payload)
        assert response.status == 400, f"signed body cut at {cut:.0%}: {response.describe()}"


@pytest.mark.parametrize("payload", [b"", b"[]", b"{}", b'{"destination":"U0"}', b'{"events":{}}', b"events=[]"],
                         ids=["empty", "array", "empty-object", "no-events", "events-not-array", "form"])
def test_signed_body_that_is_not_a_webhook_is_refused(base_url, agent, line_channels, payload):
    channel = line_channels["main"]
    before = agent.conversation_ids()
    response = lw.post(base_url, channel, payload)
    assert response.status == 400, response.describe()
    assert agent.conversation_ids() == before


def test_two_mib_body_is_refused(base_url, line_channels, nothing_stored):
    channel = line_channels["main"]
    built = lw.event("text", text="A" * (2 * 1024 * 1024))
    payload = lw.body(built)
    with nothing_stored(channel, built.partner):
        response = lw.post(base_url, channel, payload)
        assert response.status == 413, response.describe()


def test_get_is_not_a_handshake(base_url, line_channels):
    channel = line_channels["main"]
    response = webhook_client.send(base_url, "GET", channel.webhook_path)
    assert 400 <= response.status < 500, response.describe()
