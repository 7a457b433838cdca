"""WeChat's retries: with no answer within 5 s it sends the same push again, 3 times in all.
Every copy gets `success`, and the agent sees the message once (MsgId for messages,
FromUserName + CreateTime for events)."""

from __future__ import annotations

import threading

import pytest

import wechat_wire as wire

MODES = ["plain", "safe"]


def send_all(base_url, requests, concurrently: bool):
    if not concurrently:
        return [wire.send(base_url, request) for request in requests]
    responses: list = [None] * len(requests)
    errors: list = []
    barrier = threading.Barrier(len(requests))

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            responses[index] = wire.send(base_url, request)
        except Exception as error:  # reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


def assert_all_success(responses):
    for response in responses:
        assert (response.status, response.body) == (200, b"success"), response.describe()
        assert response.elapsed < wire.REPLY_DEADLINE_S, response.describe()


@pytest.mark.parametrize("concurrently", [False, True], ids=["sequential", "concurrent"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["text", "image", "click", "location-event"])
def test_identical_retries_store_once(base_url, agent, channels, mode, kind, concurrently):
    """The very same request (same bytes, same signature) three times."""
    channel = channels[mode]
    push = wire.message(kind, wire.new_openid("retry"))
    request = wire.push_request(channel, push.xml)
    assert_all_success(send_all(base_url, [request] * 3, concurrently))
    conversations, inbound = agent.inbound(channel, push.openid, settle=0.8)
    assert len(conversations) == 1, conversations
    assert len(inbound) == 1, f"3 copies of one {kind} should be stored once: {inbound}"


@pytest.mark.parametrize("concurrently", [False, True], ids=["sequential", "concurrent"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["text", "click"])
def test_resigned_retries_store_once(base_url, agent, channels, mode, kind, concurrently):
    """The same push signed (and in safe mode encrypted) afresh each time: the key is the MsgId
    (messages) or FromUserName + CreateTime (events), not the request bytes."""
    channel = channels[mode]
    push = wire.message(kind, wire.new_openid("resign"))
    requests = [wire.push_request(channel, push.xml) for _ in range(3)]
    assert len({r.target for r in requests}) == 3  # new timestamp, nonce and signatures each time
    assert_all_success(send_all(base_url, requests, concurrently))
    _, inbound = agent.inbound(channel, push.openid, settle=0.8)
    assert len(inbound) == 1, f"3 copies of one {kind} should be stored once: {inbound}"


def test_events_at_different_times_are_both_kept(base_url, agent, channels):
    channel = channels["plain"]
    openid = wire.new_openid("evt2")
    first = wire.message("click", openid)
    second = wire.message("click", openid, create_time=str(int(first.create_time) + 1), EventKey=first.values["EventKey"])
    for push in (first, second):
        response = wire.send(base_url, wire.push_request(channel, push.xml))
        assert (response.status, response.body) == (200, b"success"), response.describe()
    _, inbound = agent.inbound(channel, openid, at_least=2)
    assert len(inbound) == 2, f"two clicks one second apart are two events: {inbound}"


def test_same_create_time_from_two_followers_is_kept_twice(base_url, agent, channels):
    channel = channels["plain"]
    create_time = wire.now()
    pushes = [wire.message("click", wire.new_openid("evtu"), create_time=create_time) for _ in range(2)]
    for push in pushes:
        response = wire.send(base_url, wire.push_request(channel, push.xml))
        assert (response.status, response.body) == (200, b"success"), response.describe()
    for push in pushes:
        _, inbound = agent.inbound(channel, push.openid)
        assert len(inbound) == 1, inbound


def test_messages_with_new_msg_ids_are_all_kept(base_url, agent, channels):
    channel = channels["safe"]
    openid = wire.new_openid("msgs")
    create_time = wire.now()
    pushes = [wire.message("text", openid, create_time=create_time) for _ in range(3)]
    for push in pushes:
        response = wire.send(base_url, wire.push_request(channel, push.xml))
        assert (response.status, response.body) == (200, b"success"), response.describe()
    _, inbound = agent.inbound(channel, openid, at_least=3)
    assert sorted(str(m.get("platformMessageId")) for m in inbound) == sorted(p.msg_id for p in pushes), inbound
