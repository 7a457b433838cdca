"""LINE replies (CHANNELS.md §5.3; Connectors/Line/LineConnector+Send.swift): an agent's reply
reaches the fake Messaging API (the channel's apiBaseURL) as `POST /v2/bot/message/push` with
`Authorization: Bearer <channel access token>`, an `X-Line-Retry-Key` UUID and a body the SDK's
`PushMessageRequest` reads; it is the request line-bot-sdk's own `MessagingApi.push_message`
makes. A 5xx is retried with the same retry key, so LINE delivers once (409 for a repeat).
The first reply to a customer's event whose reply token is still fresh (CHANNELS.md §5.4) goes
through `POST /v2/bot/message/reply` instead, once; tokens the fake did not issue are refused as
LINE refuses an expired one, and parleyd falls back to the push.
"""

from __future__ import annotations

import json
import uuid

from linebot.v3.messaging import (
    ApiClient, Configuration, MessagingApi, PushMessageRequest, ReplyMessageRequest, TextMessage,
)

import line_wire as lw


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def conversation_with(base_url, agent, channel, built: lw.Built | None = None) -> tuple[str, dict]:
    """A new LINE user writes first; returns (partner id, conversation)."""
    built = built or lw.event("text")
    payload = lw.body(built)
    response = lw.post(base_url, channel, payload)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, built.partner)
    assert len(conversations) == 1 and len(inbound) >= 1, (show(conversations), show(inbound))
    return built.partner, conversations[0]


def assert_push(call, to: str) -> PushMessageRequest:
    """A push LINE accepts: Bearer token, a UUID retry key, a JSON body the SDK's model reads."""
    assert call.method == "POST" and call.path == "/v2/bot/message/push", call.describe()
    assert call.headers.get("authorization") == f"Bearer {lw.ACCESS_TOKEN}", call.describe()
    key = call.headers.get("x-line-retry-key")
    assert key is not None and lw.UUID_RE.match(key.lower()), f"X-Line-Retry-Key must be a UUID: {call.describe()}"
    uuid.UUID(key)
    assert call.content_type.split(";")[0].strip() == "application/json", call.describe()
    request = PushMessageRequest.from_json(call.body.decode("utf-8"))
    assert request.to == to, f"the push goes to {to}: {call.describe()}"
    assert 1 <= len(request.messages) <= 5, call.describe()
    return request


def test_reply_is_a_push_the_sdk_reads(base_url, agent, line_channels, fake_line_api):
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    text = "こんにちは! Your order ships tomorrow. 🚚 https://example.com/o/42?a=1&b=2"
    queued = agent.reply(conversation["id"], text)
    calls = fake_line_api.wait_for_pushes(user, settle=0.5)
    assert len(calls) == 1, [c.describe() for c in calls]
    request = assert_push(calls[0], user)
    assert [type(m) for m in request.messages] == [TextMessage], request
    assert request.messages[0].text == text, request
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)
    answer = json.loads(calls[0].answer)
    assert sent.get("platformMessageId") == answer["sentMessages"][0]["id"], show(sent)


def test_a_fresh_reply_token_answers_the_first_reply_once(base_url, agent, line_channels, fake_line_api):
    """The token of the customer's event, unused and seconds old: the first reply goes through
    /reply with exactly the body the SDK's `ReplyMessageRequest` reads, without a retry key
    (LINE answers 400 to one there); the second reply, the token spent, is pushed."""
    channel = line_channels["main"]
    built = lw.event("text")
    fake_line_api.issue_reply_token(built.event.reply_token, built.partner)
    user, conversation = conversation_with(base_url, agent, channel, built)
    agent.reply(conversation["id"], "Yes, we ship to Osaka.")
    replies = fake_line_api.wait_for(lambda r: r.path == "/v2/bot/message/reply" and r.notes.get("to") == user)
    call = replies[0]
    assert call.status == 200 and "x-line-retry-key" not in call.headers, call.describe()
    assert call.headers.get("authorization") == f"Bearer {lw.ACCESS_TOKEN}", call.describe()
    request = ReplyMessageRequest.from_json(call.body.decode("utf-8"))
    assert request.reply_token == built.event.reply_token, request
    assert [m.text for m in request.messages] == ["Yes, we ship to Osaka."], request

    queued = agent.reply(conversation["id"], "Anything else?")
    push = assert_push(fake_line_api.wait_for_pushes(user)[0], user)
    assert [m.text for m in push.messages] == ["Anything else?"], push
    assert [d["route"] for d in fake_line_api.deliveries(user)] == ["reply", "push"]
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)


def test_push_matches_the_sdks_own_push(base_url, agent, line_channels, fake_line_api):
    """line-bot-sdk's `MessagingApi.push_message` (pointed at the same fake) sends the same method,
    path, auth and body; only the retry key (one per message) differs."""
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    text = "Thanks for waiting."
    agent.reply(conversation["id"], text)
    ours = assert_push(fake_line_api.wait_for_pushes(user)[0], user)
    sdk_user = lw.new_user_id()
    configuration = Configuration(host=fake_line_api.base_url, access_token=lw.ACCESS_TOKEN)
    with ApiClient(configuration) as client:
        MessagingApi(client).push_message(PushMessageRequest(to=sdk_user, messages=[TextMessage(text=text)]),
                                          x_line_retry_key=str(uuid.uuid4()))
    sdk_call = fake_line_api.wait_for_pushes(sdk_user)[0]
    sdk = assert_push(sdk_call, sdk_user)
    parleyd_call = fake_line_api.pushes(user)[0]
    assert (parleyd_call.method, parleyd_call.path) == (sdk_call.method, sdk_call.path)
    assert parleyd_call.headers["authorization"] == sdk_call.headers["authorization"]
    assert {**ours.to_dict(), "to": None} == {**sdk.to_dict(), "to": None}, (ours.to_dict(), sdk.to_dict())


def test_long_text_is_split_into_text_objects_in_order(base_url, agent, line_channels, fake_line_api):
    """A text object holds at most 5,000 characters: 10,000 are two objects in one push."""
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    text = " ".join(f"w{index:05d}" for index in range(1700))[:10_000]
    agent.reply(conversation["id"], text)
    calls = fake_line_api.wait_for_pushes(user, settle=1.0)
    assert len(calls) == 1, [c.describe() for c in calls]
    request = assert_push(calls[0], user)
    texts = [m.text for m in request.messages]
    assert all(len(t) <= 5000 for t in texts) and "".join(texts) == text, [len(t) for t in texts]
    assert calls[0].status == 200, calls[0].describe()


def test_server_error_is_retried_with_the_same_retry_key(base_url, agent, line_channels, fake_line_api):
    """500 once, then accepted: the retry carries the same X-Line-Retry-Key (§5.3) and the body
    is the same; LINE delivered it once."""
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    fake_line_api.script(user, ("fail", 500))
    queued = agent.reply(conversation["id"], "Sorry for the delay!")
    calls = fake_line_api.wait_for_pushes(user, count=2, timeout=30, settle=1.0)
    assert [c.status for c in calls] == [500, 200], [c.describe() for c in calls]
    keys = [c.headers.get("x-line-retry-key") for c in calls]
    assert keys[0] and keys[0] == keys[1], f"the retry must carry the first attempt's key: {keys}"
    assert calls[0].body == calls[1].body, "the retry is the same request"
    assert len(fake_line_api.deliveries(user)) == 1
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)


def test_retry_after_a_delivered_500_is_409_and_counts_as_sent(base_url, agent, line_channels, fake_line_api):
    """LINE delivered but answered 500: the retry with the same key gets 409, which means
    "already accepted": sent, and the customer has the message once."""
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    fake_line_api.script(user, ("deliver-then-fail", 500))
    queued = agent.reply(conversation["id"], "Your refund is on its way.")
    calls = fake_line_api.wait_for_pushes(user, count=2, timeout=30, settle=2.0)
    assert [c.status for c in calls] == [500, 409], [c.describe() for c in calls]
    assert calls[0].headers.get("x-line-retry-key") == calls[1].headers.get("x-line-retry-key")
    assert len(fake_line_api.deliveries(user)) == 1
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)


def test_each_reply_has_its_own_retry_key(base_url, agent, line_channels, fake_line_api):
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    agent.reply(conversation["id"], "first")
    fake_line_api.wait_for_pushes(user, count=1)
    agent.reply(conversation["id"], "second")
    calls = fake_line_api.wait_for_pushes(user, count=2, settle=0.5)
    assert [assert_push(c, user).messages[0].text for c in calls] == ["first", "second"], [c.describe() for c in calls]
    assert calls[0].headers["x-line-retry-key"] != calls[1].headers["x-line-retry-key"]
    assert [c.status for c in calls] == [200, 200], [c.describe() for c in calls]


def test_group_reply_is_pushed_to_the_group(base_url, agent, line_channels, fake_line_api):
    channel = line_channels["main"]
    group = lw.new_group_id()
    partner, conversation = conversation_with(base_url, agent, channel, lw.event("text", group_id=group))
    assert partner == group
    agent.reply(conversation["id"], "Hello everyone")
    calls = fake_line_api.wait_for_pushes(group)
    assert len(calls) == 1 and assert_push(calls[0], group).messages[0].text == "Hello everyone", [c.describe() for c in calls]


def test_refused_push_fails_without_retry(base_url, agent, line_channels, fake_line_api):
    """A 4xx other than 409/429 is permanent: the reply fails with LINE's reason, the token unseen."""
    channel = line_channels["main"]
    user, conversation = conversation_with(base_url, agent, channel)
    fake_line_api.script(user, ("fail", 400))
    queued = agent.reply(conversation["id"], "hello?")
    failed = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert failed["status"]["state"] == "failed", show(failed)
    assert lw.ACCESS_TOKEN not in json.dumps(failed), "the access token must never reach an agent"
    calls = fake_line_api.wait_for_pushes(user, count=2, timeout=3)
    assert len(calls) == 1, [c.describe() for c in calls]
