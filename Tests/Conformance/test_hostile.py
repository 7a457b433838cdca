"""Hostile or broken pushes: refused with the right status, and none of them reaches an agent
(no conversation is created, nothing is stored for the follower)."""

from __future__ import annotations

import contextlib

import pytest

import wechat_wire as wire

XXE_DOCTYPE = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE xml [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
INTERNAL_DOCTYPE = '<!DOCTYPE xml [<!ENTITY greeting "injected">]>'


@pytest.fixture
def nothing_reaches_agents(agent):
    """Asserts, after the test body, that no new conversation appeared."""
    @contextlib.contextmanager
    def check(channel, openid):
        before = agent.conversation_ids()
        yield
        after_conversations = agent.conversations()
        new = [c for c in after_conversations if c["id"] not in before]
        assert not new, f"a refused push created conversations: {new}"
        conversations, messages = agent.follower(channel, openid)
        assert not conversations and not messages, f"stored for the follower: {conversations} {messages}"
    return check


def assert_refused(response, statuses, what):
    assert response.status in statuses, f"{what}: expected {statuses}, got {response.describe()}"
    assert response.body != b"success", f"{what}: a refusal must not read as success: {response.describe()}"


def xxe_message(openid: str, doctype: str, entity: str) -> str:
    push = wire.message("text", openid, Content="PLACEHOLDER")
    xml = push.xml.replace("<![CDATA[PLACEHOLDER]]>", entity)
    return '<?xml version="1.0" encoding="utf-8"?>' + doctype + xml


HOSTILE_XML = {
    "xxe-file": (XXE_DOCTYPE, "&xxe;"),
    "billion-laughs": (LAUGHS_DOCTYPE, "&lol9;"),
    "internal-entity": (INTERNAL_DOCTYPE, "&greeting;"),
}


# ---- signatures and AppID


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_payload_encrypted_for_another_app_id_is_refused(base_url, channels, nothing_reaches_agents, mode):
    """Correct token and key, correct msg_signature, but the plaintext ends with another AppID."""
    channel = channels[mode]
    push = wire.message("text", wire.new_openid("appid"))
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml, app_id="wx0000000000000bad"))
        assert_refused(response, range(400, 500), "wrong AppID")


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_bad_msg_signature_is_refused(base_url, channels, nothing_reaches_agents, mode):
    channel = channels[mode]
    push = wire.message("text", wire.new_openid("msgsig"))
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml, msg_signature="0" * 40))
        assert_refused(response, (401,), "bad msg_signature")


def test_msg_signature_made_with_another_token_is_refused(base_url, channels, nothing_reaches_agents):
    """Encrypted with the channel's key but signed with a different token."""
    channel = channels["safe"]
    forger = wire.Channel(**{**channel.__dict__, "token": "NotTheChannelToken"})
    push = wire.message("text", wire.new_openid("forge"))
    request = wire.push_request(forger, push.xml)
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, request)
        assert_refused(response, (401,), "msg_signature with another token")


def test_plain_post_with_a_bad_signature_is_refused(base_url, channels, nothing_reaches_agents):
    channel = channels["plain"]
    push = wire.message("text", wire.new_openid("sig"))
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml, signature="0" * 40))
        assert_refused(response, (401,), "bad signature")


def test_safe_channel_refuses_an_unencrypted_push(base_url, channels, nothing_reaches_agents):
    """A safe-mode channel gets only encrypted pushes from WeChat; a plaintext one (validly signed
    with the plain signature, which does not cover the body) must not be taken as a message."""
    channel = channels["safe"]
    push = wire.message("text", wire.new_openid("downgrade"))
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml, mode="plain"))
        assert_refused(response, range(400, 500), "plaintext push to a safe-mode channel")


# ---- hostile XML


@pytest.mark.parametrize("attack", sorted(HOSTILE_XML))
def test_doctype_in_plain_body_is_refused(base_url, channels, nothing_reaches_agents, attack):
    channel = channels["plain"]
    openid = wire.new_openid("dtd")
    body = xxe_message(openid, *HOSTILE_XML[attack])
    with nothing_reaches_agents(channel, openid):
        response = wire.send(base_url, wire.push_request(channel, body, openid))
        assert_refused(response, (400,), attack)
        assert b"root:" not in response.body, response.describe()


@pytest.mark.parametrize("attack", sorted(HOSTILE_XML))
def test_doctype_inside_the_encrypted_payload_is_refused(base_url, channels, nothing_reaches_agents, attack):
    channel = channels["safe"]
    openid = wire.new_openid("dtdenc")
    body = xxe_message(openid, *HOSTILE_XML[attack])
    with nothing_reaches_agents(channel, openid):
        response = wire.send(base_url, wire.push_request(channel, body, openid))
        assert_refused(response, (400,), attack + " (encrypted)")
        assert b"root:" not in response.body, response.describe()


@pytest.mark.parametrize("attack", ["xxe-file", "billion-laughs"])
def test_doctype_in_the_safe_envelope_is_refused(base_url, channels, nothing_reaches_agents, attack):
    channel = channels["safe"]
    push = wire.message("text", wire.new_openid("dtdenv"))
    doctype, entity = HOSTILE_XML[attack]
    envelope = (
        doctype + "<xml><ToUserName>" + entity + "</ToUserName>"
        "<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml, envelope=envelope))
        assert_refused(response, (400,), attack + " (envelope)")


@pytest.mark.parametrize("mode", ["plain", "safe"])
@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_xml_is_refused(base_url, channels, nothing_reaches_agents, mode, cut):
    channel = channels[mode]
    push = wire.message("text", wire.new_openid("trunc"))
    request = wire.push_request(channel, push.xml)
    request.body = request.body[: int(len(request.body) * cut)]
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, request)
        assert_refused(response, (400,), f"body cut at {cut:.0%}")


def test_truncated_xml_inside_the_encrypted_payload_is_refused(base_url, channels, nothing_reaches_agents):
    channel = channels["safe"]
    push = wire.message("text", wire.new_openid("truncenc"))
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, wire.push_request(channel, push.xml[: len(push.xml) // 2], push.openid))
        assert_refused(response, (400,), "truncated XML inside Encrypt")


@pytest.mark.parametrize("body", [b"", b"{\"MsgType\": \"text\"}", b"not xml at all"], ids=["empty", "json", "text"])
def test_non_xml_body_is_refused(base_url, channels, nothing_reaches_agents, body):
    channel = channels["plain"]
    openid = wire.new_openid("junk")
    request = wire.push_request(channel, "<xml/>", openid)
    request.body = body
    with nothing_reaches_agents(channel, openid):
        response = wire.send(base_url, request)
        assert_refused(response, (400,), f"body {body!r}")


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_two_mib_body_is_refused(base_url, channels, nothing_reaches_agents, mode):
    channel = channels[mode]
    push = wire.message("text", wire.new_openid("big"), Content="A" * (2 * 1024 * 1024))
    request = wire.push_request(channel, push.xml)
    assert len(request.body) >= 2 * 1024 * 1024
    with nothing_reaches_agents(channel, push.openid):
        response = wire.send(base_url, request)
        assert_refused(response, (413,), f"{len(request.body)}-byte body")
