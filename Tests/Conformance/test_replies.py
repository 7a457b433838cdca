"""Passive replies: a new follower on a channel with a greeting gets it in the answer to the
subscribe push itself, in a form WeChat accepts (plain XML, or encrypted XML in safe mode)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

import wechat_wire as wire


def subscribe(base_url, channel, tag):
    push = wire.message("subscribe", wire.new_openid(tag))
    response = wire.send(base_url, wire.push_request(channel, push.xml))
    assert response.status == 200, response.describe()
    assert response.elapsed < wire.REPLY_DEADLINE_S, response.describe()
    return push, response


def assert_greeting(channel, push, response):
    try:
        reply = wire.read_passive_reply(channel, response)
    except Exception as error:  # what WeChat would fail to read
        raise AssertionError(f"WeChat cannot read the passive reply ({error!r}): {response.describe(2000)}") from error
    assert reply.type == "text", f"{reply!r} from {response.describe(2000)}"
    assert reply.content == channel.greeting, f"{reply!r} from {response.describe(2000)}"
    assert reply.target == push.openid, f"ToUserName must be the follower's OpenID: {reply!r}"
    assert reply.source == wire.ACCOUNT_ID, f"FromUserName must be the account (the push's ToUserName): {reply!r}"
    assert int(reply.time) > 0, f"CreateTime: {reply!r}"


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_subscribe_is_answered_with_the_greeting(base_url, agent, channels, mode):
    channel = channels[mode]
    push, response = subscribe(base_url, channel, "greet")
    if mode == "safe":
        root = ElementTree.fromstring(response.body)
        assert root.find("Content") is None and root.find("MsgType") is None, (
            f"a safe-mode reply carries only the encrypted envelope: {response.describe(2000)}"
        )
    assert_greeting(channel, push, response)
    _, inbound = agent.inbound(channel, push.openid)
    assert [m["content"].get("name") for m in inbound] == ["subscribe"], inbound


def test_compatible_mode_greeting_is_readable(base_url, channels):
    """Compatible mode: WeChat takes a plaintext or an encrypted reply; either must hold the greeting."""
    channel = channels["compatible"]
    push, response = subscribe(base_url, channel, "greetc")
    root = ElementTree.fromstring(response.body)
    if root.find("Encrypt") is not None:
        assert_greeting(channel, push, response)
    else:
        plain = wire.Channel(**{**channel.__dict__, "mode": "plain"})
        assert_greeting(plain, push, response)


def test_subscribe_without_a_greeting_is_answered_success(base_url, agent, channels):
    channel = channels["plain-no-greeting"]
    push, response = subscribe(base_url, channel, "quiet")
    assert response.body == b"success", response.describe()
    _, inbound = agent.inbound(channel, push.openid)
    assert [m["content"].get("name") for m in inbound] == ["subscribe"], inbound

