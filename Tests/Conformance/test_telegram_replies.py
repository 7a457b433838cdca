"""Telegram replies (CHANNELS.md §2.3; Connectors/Telegram/TelegramConnector+Send.swift): an
agent's reply through the REST API reaches the fake Bot API (the channel's apiBaseURL) as
`sendMessage` calls python-telegram-bot itself would make; text over 4,096 characters arrives
split, in order; flood limits and outages are retried without sending a piece twice; a blocked
bot gives up.
"""

from __future__ import annotations

import json

import telegram

import telegram_wire as tw


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def conversation_with_a_customer(base_url, agent, channel) -> tuple[int, dict]:
    """A new customer writes first; returns (chat id, conversation)."""
    built = tw.build("text")
    response = tw.deliver(base_url, channel, built)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, str(built.chat_id))
    assert len(conversations) == 1 and len(inbound) == 1, (show(conversations), show(inbound))
    return built.chat_id, conversations[0]


def assert_ptb_send_message(call, chat_id) -> dict:
    """The call is a sendMessage PTB would make with the same arguments: POST JSON to
    /bot<TOKEN>/sendMessage, and `Bot.send_message(**body)` sends exactly these parameters."""
    assert call.method == "POST", call.describe()
    assert call.content_type.split(";")[0].strip() == "application/json", call.describe()
    body = call.json()
    assert isinstance(body, dict), call.describe()
    path, ptb_parameters = tw.ptb_call("sendMessage", body)
    assert call.path == path, f"PTB posts sendMessage to {path}, parleyd to {call.path}"
    assert ptb_parameters == body, f"PTB would send {ptb_parameters!r} for these arguments; parleyd sent {body!r}"
    assert body.get("chat_id") in (chat_id, str(chat_id)), f"chat_id should be the customer's chat {chat_id}: {body!r}"
    assert isinstance(body.get("text"), str) and body["text"], body
    assert len(body["text"].encode("utf-16-le")) // 2 <= tw.MAX_TEXT_LENGTH, f"{len(body['text'])}-character text"
    return body


def test_reply_is_a_send_message(base_url, agent, telegram_channels, fake_bot_api):
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    text = "Hi Ann, your parcel left our warehouse today. 📦 Track it at https://example.com/t/123?x=1&y=2"
    queued = agent.reply(conversation["id"], text)
    calls = fake_bot_api.wait_for_calls("sendMessage", chat_id, settle=0.5)
    assert len(calls) == 1, [c.describe() for c in calls]
    body = assert_ptb_send_message(calls[0], chat_id)
    assert body["text"] == text, body
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)
    answer = json.loads(calls[0].answer)
    assert sent.get("platformMessageId") == f"{chat_id}:{answer['result']['message_id']}", (
        f"the outbound platform id is <chat_id>:<message_id>: {show(sent)}"
    )


def test_text_over_4096_characters_arrives_split_in_order(base_url, agent, telegram_channels, fake_bot_api):
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    words = [f"w{index:05d}" for index in range(1700)]
    text = " ".join(words)[:10_000]  # the most an agent may send
    assert len(text) == 10_000
    agent.reply(conversation["id"], text)
    calls = fake_bot_api.wait_for_calls("sendMessage", chat_id, count=3, settle=1.0)
    assert len(calls) == 3, f"10,000 characters are 3 messages of at most 4,096: {[c.describe() for c in calls]}"
    pieces = [assert_ptb_send_message(call, chat_id)["text"] for call in calls]
    assert "".join(pieces) == text, "the pieces, in the order they arrived, should be the reply"
    assert [len(p) for p in pieces] == [4096, 4096, 10_000 - 8192], [len(p) for p in pieces]


def test_split_counts_utf16_units(base_url, agent, telegram_channels, fake_bot_api):
    """Telegram measures text in UTF-16 code units; an emoji is two. Every piece must fit."""
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    text = "🍵" * 5000
    agent.reply(conversation["id"], text)
    calls = fake_bot_api.wait_for_calls("sendMessage", chat_id, count=3, settle=1.0)
    pieces = [assert_ptb_send_message(call, chat_id)["text"] for call in calls]
    assert "".join(pieces) == text, [len(p) for p in pieces]
    assert all(c.status == 200 for c in calls), [c.describe() for c in calls]


def test_flood_limit_mid_split_resumes_without_repeating(base_url, agent, telegram_channels, fake_bot_api):
    """Piece 2 of 3 meets 429 retry_after=1: the retry sends pieces 2 and 3, not piece 1 again."""
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    fake_bot_api.script(chat_id, None, (429, "Too Many Requests: retry after 1", 1))
    text = ("0123456789" * 1000)[:9000]
    queued = agent.reply(conversation["id"], text)
    accepted = fake_bot_api.wait_for_calls("sendMessage", chat_id, count=3, accepted_only=True, timeout=30, settle=1.0)
    every = fake_bot_api.method_calls("sendMessage", chat_id)
    assert [c.status for c in every] == [200, 429, 200, 200], [c.describe() for c in every]
    assert "".join(c.json()["text"] for c in accepted) == text, "each piece once, in order"
    retried = every[2].at - every[1].at
    assert retried >= 0.9, f"retry_after=1 should be honoured; the retry came after {retried:.2f}s"
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)


def test_server_error_is_retried_and_delivered_once(base_url, agent, telegram_channels, fake_bot_api):
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    fake_bot_api.script(chat_id, (502, "Bad Gateway", None))
    queued = agent.reply(conversation["id"], "We are looking into it.")
    fake_bot_api.wait_for_calls("sendMessage", chat_id, count=1, accepted_only=True, timeout=30, settle=1.0)
    every = fake_bot_api.method_calls("sendMessage", chat_id)
    assert [c.status for c in every] == [502, 200], [c.describe() for c in every]
    assert every[0].json() == every[1].json(), "the retry is the same call"
    sent = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert sent["status"]["state"] == "sent", show(sent)


def test_blocked_bot_gives_up(base_url, agent, telegram_channels, fake_bot_api):
    """403 "bot was blocked by the user": permanent (§2.3), the reply fails with a readable reason."""
    channel = telegram_channels["main"]
    chat_id, conversation = conversation_with_a_customer(base_url, agent, channel)
    fake_bot_api.script(chat_id, (403, "Forbidden: bot was blocked by the user", None))
    queued = agent.reply(conversation["id"], "Are you still there?")
    failed = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] != "queued")
    assert failed["status"]["state"] == "failed", show(failed)
    assert "block" in (failed["status"].get("reason") or "").lower(), show(failed)
    assert tw.BOT_TOKEN not in json.dumps(failed), "the bot token must never reach an agent"
    calls = fake_bot_api.wait_for_calls("sendMessage", chat_id, count=2, timeout=3)
    assert len(calls) == 1, f"a blocked bot is not retried: {[c.describe() for c in calls]}"


def test_group_reply_goes_to_the_group_chat(base_url, agent, telegram_channels, fake_bot_api):
    channel = telegram_channels["main"]
    group = telegram.Chat(id=-1000000000000 - tw.new_chat_id(), type=telegram.Chat.SUPERGROUP, title="Parley beta testers")
    update = telegram.Update(tw.new_update_id(), message=telegram.Message(
        message_id=78, date=tw.now(), chat=group, from_user=tw.customer(tw.new_chat_id()), text="hello?"))
    assert tw.post(base_url, channel, update.to_json().encode("utf-8")).status == 200
    conversations, _ = agent.inbound(channel, str(group.id))
    assert len(conversations) == 1, show(conversations)
    agent.reply(conversations[0]["id"], "Hi all, yes it is.")
    calls = fake_bot_api.wait_for_calls("sendMessage", group.id)
    assert len(calls) == 1, [c.describe() for c in calls]
    assert assert_ptb_send_message(calls[0], group.id)["text"] == "Hi all, yes it is."
