"""Every kind of message and event a follower can send reaches the agent once, normalized.

Each kind is pushed in every mode the channel can be in (plain, compatible, safe), by a new
follower, and is then looked up through the agent API.
"""

from __future__ import annotations

import json

import pytest

import wechat_wire as wire

MODES = ["plain", "compatible", "safe"]
MESSAGE_KINDS = ["text", "image", "voice", "voice-unrecognized", "video", "shortvideo", "location", "link"]
EVENT_KINDS = ["subscribe", "unsubscribe", "scan", "location-event", "click", "view"]
EVENT_NAMES = {
    "subscribe": "subscribe",
    "unsubscribe": "unsubscribe",
    "scan": "scan",
    "location-event": "location",
    "click": "click",
    "view": "view",
}


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def references(media: dict | None, *ids: str) -> bool:
    """The media reference points at the pushed media: it names one of its ids (e.g. the MediaId,
    possibly behind a scheme such as `wechat-media:`) or is a URL the media was fetched to."""
    location = (media or {}).get("location")
    if not isinstance(location, str) or not location:
        return False
    return any(i in location for i in ids) or location.startswith(("http://", "https://", "/"))


def assert_normalized(push: wire.Push, message: dict) -> None:
    """What an agent must see for the pushed kind (extra fields are fine)."""
    content = message.get("content") or {}
    values = push.values
    where = f"{push.kind} message as the agent sees it: {show(message)}"
    kind = push.kind
    if kind == "text":
        assert content.get("type") == "text" and content.get("text") == values["Content"], where
    elif kind == "image":
        assert content.get("type") == "image", where
        assert references(content.get("media"), values["PicUrl"], values["MediaId"]), f"media.location should lead to the picture; {where}"
    elif kind in ("voice", "voice-unrecognized"):
        assert content.get("type") == "audio", where
        assert references(content.get("media"), values["MediaId"]), f"media.location should lead to the MediaId; {where}"
        if kind == "voice":
            assert content.get("transcript") == values["Recognition"], f"transcript should be the Recognition; {where}"
        else:
            assert not content.get("transcript"), f"no Recognition was sent, so no transcript; {where}"
    elif kind in ("video", "shortvideo"):
        assert content.get("type") == "video", where
        assert references(content.get("media"), values["MediaId"]), f"media.location should lead to the MediaId; {where}"
    elif kind == "location":
        assert content.get("type") == "location", where
        assert content.get("latitude") == pytest.approx(float(values["Location_X"]), abs=1e-6), f"latitude is Location_X; {where}"
        assert content.get("longitude") == pytest.approx(float(values["Location_Y"]), abs=1e-6), f"longitude is Location_Y; {where}"
        assert content.get("name") == values["Label"], f"name is the Label; {where}"
    elif kind == "link":
        assert content.get("type") == "text", where
        text = content.get("text") or ""
        assert values["Title"] in text and values["Url"] in text, f"the text should hold the link's Title and Url; {where}"
    elif kind in EVENT_NAMES:
        assert content.get("type") == "event" and content.get("name") == EVENT_NAMES[kind], where
        payload = content.get("payload")
        payload_text = payload if isinstance(payload, str) else json.dumps(payload)
        if kind in ("scan", "click", "view"):
            assert payload is not None and values["EventKey"] in payload_text, f"payload should carry the EventKey; {where}"
        if kind == "location-event":
            assert payload is not None and values["Latitude"] in payload_text and values["Longitude"] in payload_text, (
                f"payload should carry Latitude and Longitude; {where}"
            )
    else:
        raise AssertionError(f"no expectation for {kind}")
    if push.msg_id is not None:
        assert str(message.get("platformMessageId")) == push.msg_id, f"platformMessageId should be the MsgId; {where}"


def deliver(base_url, agent, channel, push: wire.Push):
    response = wire.send(base_url, wire.push_request(channel, push.xml))
    assert response.status == 200, response.describe()
    assert response.elapsed < wire.REPLY_DEADLINE_S, f"WeChat gives up after 5 s: {response.describe()}"
    if push.kind != "subscribe":  # a subscribe may be answered with the greeting (test_replies.py)
        assert response.body == b"success", response.describe()
    conversations, inbound = agent.inbound(channel, push.openid)
    assert len(conversations) == 1, (
        f"one conversation for the follower on {channel.id}, got {len(conversations)}: {show(conversations)}"
    )
    conversation = conversations[0]
    assert conversation.get("channelId") == channel.id, show(conversation)
    assert len(inbound) == 1, f"the {push.kind} should be stored once; inbound messages: {show(inbound)}"
    message = inbound[0]
    assert message.get("channelId") == channel.id and message.get("conversationId") == conversation["id"], show(message)
    return response, message


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", MESSAGE_KINDS + EVENT_KINDS)
def test_kind_arrives_once_normalized(base_url, agent, channels, mode, kind):
    channel = channels[mode]
    push = wire.message(kind, wire.new_openid(kind))
    _, message = deliver(base_url, agent, channel, push)
    assert_normalized(push, message)


def test_compatible_mode_uses_the_encrypted_part(base_url, agent, channels):
    """In compatible mode with encrypt_type=aes, the ciphertext is authoritative: a plaintext part
    that says something else is not what the agent sees."""
    channel = channels["compatible"]
    openid = wire.new_openid("compat")
    push = wire.message("text", openid)
    decoy = wire.message("text", openid, create_time=push.create_time, msg_id=push.msg_id, Content="DECOY plaintext part")
    response = wire.send(base_url, wire.push_request(channel, push.xml, plaintext_xml=decoy.xml))
    assert (response.status, response.body) == (200, b"success"), response.describe()
    _, inbound = agent.inbound(channel, openid)
    assert len(inbound) == 1, show(inbound)
    assert inbound[0]["content"].get("text") == push.values["Content"], show(inbound[0])


def test_two_messages_from_one_follower_share_a_conversation(base_url, agent, channels):
    channel = channels["plain"]
    openid = wire.new_openid("two")
    first = wire.message("text", openid)
    second = wire.message("text", openid, create_time=first.create_time)  # same second, new MsgId
    for push in (first, second):
        response = wire.send(base_url, wire.push_request(channel, push.xml))
        assert (response.status, response.body) == (200, b"success"), response.describe()
    conversations, inbound = agent.inbound(channel, openid, at_least=2)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"].get("text") for m in inbound] == [first.values["Content"], second.values["Content"]], show(inbound)


def test_same_openid_on_two_channels_is_two_conversations(base_url, agent, channels):
    """OpenIDs are per account: the same one on two channels is two followers."""
    openid = wire.new_openid("both")
    for key in ("plain", "safe"):
        push = wire.message("text", openid)
        response = wire.send(base_url, wire.push_request(channels[key], push.xml))
        assert (response.status, response.body) == (200, b"success"), response.describe()
    for key in ("plain", "safe"):
        conversations, inbound = agent.inbound(channels[key], openid)
        assert len(conversations) == 1 and len(inbound) == 1, (key, show(conversations), show(inbound))


def test_conversation_shows_the_followers_openid(base_url, agent, channels):
    """Agents (and the suite) tell followers apart by the conversation's externalId: the OpenID."""
    channel = channels["plain"]
    push = wire.message("text", wire.new_openid("extid"))
    response = wire.send(base_url, wire.push_request(channel, push.xml))
    assert (response.status, response.body) == (200, b"success"), response.describe()
    conversations, _ = agent.inbound(channel, push.openid)
    assert len(conversations) == 1, conversations
    assert conversations[0].get("externalId") == push.openid, (
        f"the conversation should carry externalId = the follower's OpenID {push.openid!r}: {show(conversations[0])}"
    )
