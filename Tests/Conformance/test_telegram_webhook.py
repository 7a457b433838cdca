"""Telegram webhooks (CHANNELS.md §2; Connectors/Telegram): every kind of update a customer's
chat produces, built with python-telegram-bot and serialized with its `to_json()`, reaches the
agent once and normalized; what Telegram would never send (no or a wrong secret token, broken
JSON, another content type, 2 MiB) is refused and stores nothing.

Each test is a new customer: a fresh private chat id, which is the conversation's externalId.
"""

from __future__ import annotations

import contextlib
import json
import threading

import pytest
import telegram

import telegram_wire as tw
import webhook_client

MESSAGE_KINDS = ["text", "photo", "location", "venue", "contact", "voice", "document", "sticker", "dice"]
OTHER_KINDS = ["callback_query", "blocked", "unblocked", "message_reaction"]


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def refers_to(media: dict | None, file_id: str) -> bool:
    """The media points at the file: `telegram-file:<file_id>` until fetched, then the stored copy."""
    location = (media or {}).get("location") or ""
    return file_id in location or location.startswith("/api/v1/media/")


def assert_normalized(built: tw.Built, message: dict) -> None:
    content = message.get("content") or {}
    values = built.values
    kind = built.kind
    where = f"{kind} update as the agent sees it: {show(message)}"
    if kind == "text":
        assert content == {"type": "text", "text": values["text"]}, where
    elif kind == "photo":
        assert content.get("type") == "image", where
        assert refers_to(content.get("media"), values["largest"]), f"the photo is the largest size ({values['largest']}); {where}"
        assert (content.get("media") or {}).get("caption") == values["caption"], f"the caption stays with the photo; {where}"
    elif kind in ("location", "venue"):
        assert content.get("type") == "location", where
        assert content.get("latitude") == pytest.approx(values["latitude"], abs=1e-6), where
        assert content.get("longitude") == pytest.approx(values["longitude"], abs=1e-6), where
        if kind == "venue":
            assert content.get("name") == values["title"] and content.get("address") == values["address"], where
        else:
            assert not content.get("name") and not content.get("address"), where
    elif kind == "contact":
        assert content.get("type") == "contactCard", where
        assert content.get("name") == f"{values['first_name']} {values['last_name']}", where
        assert content.get("phones") == [values["phone"]], where
    elif kind == "voice":
        assert content.get("type") == "audio", where
        assert refers_to(content.get("media"), values["file_id"]), where
        assert not content.get("transcript"), where
    elif kind == "document":
        assert content.get("type") == "file", where
        assert refers_to(content.get("media"), values["file_id"]), where
        assert (content.get("media") or {}).get("fileName") == values["file_name"], where
    elif kind == "sticker":
        assert content.get("type") == "sticker" and content.get("id") == values["file_id"], where
    elif kind in ("dice", "message_reaction"):
        assert content == {"type": "unsupported", "rawType": values["raw_type"]}, (
            f"content Parley does not read is unsupported, named by its field ({values['raw_type']}); {where}"
        )
    elif kind == "callback_query":
        assert content == {"type": "event", "name": "callback", "payload": values["data"]}, where
    elif kind in ("blocked", "unblocked"):
        assert content.get("type") == "event" and content.get("name") == values["event"], where
    else:
        raise AssertionError(f"no expectation for {kind}")
    assert message.get("platformMessageId") == str(built.update_id), f"platformMessageId is the update_id; {where}"


def deliver(base_url, agent, channel, built: tw.Built):
    response = tw.deliver(base_url, channel, built)
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, str(built.chat_id))
    assert len(conversations) == 1, f"one conversation for chat {built.chat_id}: {show(conversations)}"
    assert conversations[0].get("channelId") == channel.id, show(conversations[0])
    assert len(inbound) == 1, f"the {built.kind} update should be stored once: {show(inbound)}"
    return response, conversations[0], inbound[0]


@pytest.mark.parametrize("kind", MESSAGE_KINDS + OTHER_KINDS)
def test_update_arrives_once_normalized(base_url, agent, telegram_channels, kind):
    built = tw.build(kind)
    _, _, message = deliver(base_url, agent, telegram_channels["main"], built)
    assert_normalized(built, message)


def test_unread_content_is_named_by_its_field_as_telegram_sends_it(base_url, agent, telegram_channels):
    """The same dice message without the `false` service flags PTB's to_json() writes
    (delete_chat_photo, group_chat_created…): Telegram itself leaves false flags out."""
    built = tw.build("dice")
    data = built.update.to_dict()
    data["message"] = {k: v for k, v in data["message"].items() if v is not False}
    response = tw.post(base_url, telegram_channels["main"], json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert response.status == 200, response.describe()
    _, inbound = agent.inbound(telegram_channels["main"], str(built.chat_id))
    assert [m["content"] for m in inbound] == [{"type": "unsupported", "rawType": "dice"}], show(inbound)


def test_group_message_belongs_to_the_group(base_url, agent, telegram_channels):
    """In a group the customer is the group chat (negative id): replies go there."""
    channel = telegram_channels["main"]
    group = telegram.Chat(id=-1000000000000 - tw.new_chat_id(), type=telegram.Chat.SUPERGROUP, title="Parley beta testers")
    member = tw.customer(tw.new_chat_id())
    update = telegram.Update(tw.new_update_id(), message=telegram.Message(
        message_id=77, date=tw.now(), chat=group, from_user=member, text="Is the outage over?"))
    response = tw.post(base_url, channel, update.to_json().encode("utf-8"))
    assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, str(group.id))
    assert len(conversations) == 1 and conversations[0].get("externalId") == str(group.id), show(conversations)
    assert [m["content"] for m in inbound] == [{"type": "text", "text": "Is the outage over?"}], show(inbound)
    assert not agent.follower(channel, str(member.id))[0], "the member is not a conversation of their own"


def test_conversation_is_the_chat(base_url, agent, telegram_channels):
    """Replies go to chat.id, so the customer (the conversation's externalId) is the chat."""
    built = tw.build("text")
    _, conversation, _ = deliver(base_url, agent, telegram_channels["main"], built)
    assert conversation.get("externalId") == str(built.chat_id), show(conversation)


def test_photo_is_fetched_with_get_file(base_url, agent, telegram_channels, fake_bot_api):
    """Inbound media is downloaded on receipt (getFile, then the file server), the largest size."""
    built = tw.build("photo")
    _, conversation, message = deliver(base_url, agent, telegram_channels["main"], built)
    largest = built.values["largest"]
    calls = fake_bot_api.wait_for(lambda r: r.path.endswith("/getFile") and r.notes.get("parameters", {}).get("file_id") in built.values["all"])
    assert [c.notes["parameters"]["file_id"] for c in calls] == [largest], [c.describe() for c in calls]
    stored = agent.wait_message(conversation["id"], message["id"], lambda m: m["content"]["media"]["location"].startswith("/api/v1/media/"))
    location = stored["content"]["media"]["location"]
    assert location.startswith("/api/v1/media/"), f"the photo should be stored after download: {show(stored)}"
    status, content_type, data = agent.media(location)
    assert status == 200 and data == tw.file_bytes(largest), (status, content_type, data[:80])
    assert content_type.startswith("image/"), content_type


def test_callback_query_is_answered_in_the_webhook_response(base_url, agent, telegram_channels):
    """The 2xx answer to a button press carries answerCallbackQuery (Telegram runs it, §2.2): the
    method and its parameters are exactly what python-telegram-bot sends for that call."""
    built = tw.build("callback_query")
    response, _, _ = deliver(base_url, agent, telegram_channels["main"], built)
    assert response.headers.get("content-type", "").startswith("application/json"), response.describe()
    answer = response.json()
    method = answer.pop("method", None)
    assert method == "answerCallbackQuery", response.describe()
    assert answer.get("callback_query_id") == built.values["query_id"], response.describe()
    path, ptb_parameters = tw.ptb_call(method, answer)
    assert path.endswith("/answerCallbackQuery") and ptb_parameters == answer, (path, ptb_parameters, answer)


def test_plain_message_is_answered_without_a_method(base_url, agent, telegram_channels):
    """A 2xx body with a "method" would make Telegram run it; a message needs none."""
    response, _, _ = deliver(base_url, agent, telegram_channels["main"], tw.build("text"))
    if response.body.strip():
        try:
            answer = json.loads(response.body)
        except ValueError:
            return
        assert not (isinstance(answer, dict) and "method" in answer), response.describe()


def test_edited_message_is_stored_as_a_new_message(base_url, agent, telegram_channels):
    """edited_message: the first text stays, the edit follows it as its own message
    (platform id edit:<update_id>); Telegram resending the edit stores nothing new."""
    channel = telegram_channels["main"]
    original = tw.build("text")
    message_id = original.update.message.message_id
    edit = tw.build("edited_message", original.chat_id, message_id=message_id, date=original.update.message.date)
    for built in (original, edit, edit):
        response = tw.deliver(base_url, channel, built)
        assert response.status == 200, response.describe()
    conversations, inbound = agent.inbound(channel, str(original.chat_id), at_least=2, settle=0.5)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"] for m in inbound] == [
        {"type": "text", "text": original.values["text"]},
        {"type": "text", "text": edit.values["text"]},
    ], show(inbound)
    assert [m.get("platformMessageId") for m in inbound] == [str(original.update_id), f"edit:{edit.update_id}"], show(inbound)


def test_update_about_no_chat_is_ignored(base_url, agent, telegram_channels):
    """A poll update names no chat or user: it concerns no customer; 200 and nothing stored."""
    channel = telegram_channels["main"]
    before = agent.conversation_ids()
    response = tw.deliver(base_url, channel, tw.build("poll"))
    assert response.status == 200, response.describe()
    new = [c for c in agent.conversations() if c["id"] not in before and c.get("channelId") == channel.id]
    assert not new, f"a poll update created conversations: {show(new)}"


@pytest.mark.parametrize("concurrently", [False, True], ids=["sequential", "concurrent"])
def test_redelivered_update_is_stored_once(base_url, agent, telegram_channels, concurrently):
    """Telegram retries an update it got no 2xx for: dedupe on update_id."""
    channel = telegram_channels["main"]
    built = tw.build("text")
    responses: list = []
    if concurrently:
        barrier = threading.Barrier(3)

        def run():
            barrier.wait(timeout=10)
            responses.append(tw.deliver(base_url, channel, built))

        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        responses = [tw.deliver(base_url, channel, built) for _ in range(3)]
    assert len(responses) == 3 and all(r.status == 200 for r in responses), [r.describe() for r in responses]
    _, inbound = agent.inbound(channel, str(built.chat_id), settle=0.8)
    assert len(inbound) == 1, f"3 copies of update {built.update_id} should be stored once: {show(inbound)}"


def test_redelivery_with_other_bytes_is_stored_once(base_url, agent, telegram_channels):
    """The key is update_id, not the bytes: the same update serialized differently is a repeat."""
    channel = telegram_channels["main"]
    built = tw.build("text")
    compact = json.dumps(built.update.to_dict(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    for body in (built.body, compact):
        response = tw.post(base_url, channel, body)
        assert response.status == 200, response.describe()
    _, inbound = agent.inbound(channel, str(built.chat_id), settle=0.5)
    assert len(inbound) == 1, show(inbound)


def test_two_updates_from_one_chat_share_a_conversation(base_url, agent, telegram_channels):
    channel = telegram_channels["main"]
    first = tw.build("text")
    second = tw.build("text", first.chat_id)
    for built in (first, second):
        assert tw.deliver(base_url, channel, built).status == 200
    conversations, inbound = agent.inbound(channel, str(first.chat_id), at_least=2)
    assert len(conversations) == 1, show(conversations)
    assert [m["content"].get("text") for m in inbound] == [first.values["text"], second.values["text"]], show(inbound)


def test_same_chat_on_two_bots_is_two_conversations(base_url, agent, telegram_channels):
    chat_id = tw.new_chat_id()
    for key in ("main", "other"):
        assert tw.deliver(base_url, telegram_channels[key], tw.build("text", chat_id)).status == 200
    for key in ("main", "other"):
        conversations, inbound = agent.inbound(telegram_channels[key], str(chat_id))
        assert len(conversations) == 1 and len(inbound) == 1, (key, show(conversations), show(inbound))


# -------------------------------------------------------------------------------------------------
# What Telegram never sends: refused, nothing stored


@pytest.fixture
def nothing_stored(agent):
    @contextlib.contextmanager
    def check(channel, chat_id):
        before = agent.conversation_ids()
        yield
        new = [c for c in agent.conversations() if c["id"] not in before]
        assert not new, f"a refused update created conversations: {show(new)}"
        conversations, messages = agent.follower(channel, str(chat_id))
        assert not conversations and not messages, f"stored for chat {chat_id}: {show(conversations)} {show(messages)}"
    return check


def assert_refused(response, statuses, what):
    assert response.status in statuses, f"{what}: expected {list(statuses)}, got {response.describe()}"


WRONG_SECRETS = {
    "missing": None,
    "empty": "",
    "wrong": "NotTheSecret_0123456789",
    "other-channel": "<other>",
    "case-changed": "<swapcase>",
    "prefix": "<prefix>",
}


@pytest.mark.parametrize("case", sorted(WRONG_SECRETS))
def test_wrong_secret_token_is_refused(base_url, telegram_channels, nothing_stored, case):
    channel = telegram_channels["main"]
    secret = WRONG_SECRETS[case]
    if secret == "<other>":
        secret = telegram_channels["other"].secret_token
    elif secret == "<swapcase>":
        secret = channel.secret_token.swapcase()
    elif secret == "<prefix>":
        secret = channel.secret_token[:-1]
    built = tw.build("text")
    with nothing_stored(channel, built.chat_id):
        response = tw.post(base_url, channel, built.body, secret=secret)
        assert_refused(response, (401,), f"secret token {case}")


def test_secret_is_checked_before_the_body(base_url, telegram_channels, nothing_stored):
    """An unauthenticated caller gets 401 whatever the body: it learns nothing about parsing."""
    channel = telegram_channels["main"]
    built = tw.build("text")
    with nothing_stored(channel, built.chat_id):
        response = tw.post(base_url, channel, built.body[: len(built.body) // 2], secret="wrong_secret")
        assert_refused(response, (401,), "bad secret with a truncated body")


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_json_is_refused(base_url, telegram_channels, nothing_stored, cut):
    channel = telegram_channels["main"]
    built = tw.build("text")
    with nothing_stored(channel, built.chat_id):
        response = tw.post(base_url, channel, built.body[: int(len(built.body) * cut)])
        assert_refused(response, (400,), f"body cut at {cut:.0%}")


NOT_UPDATES = {
    "empty": b"",
    "not-json": b"update_id=1&message=hi",
    "array": b"[]",
    "empty-object": b"{}",
    "only-update-id": b'{"update_id": 424242}',
    "update-id-string": b'{"update_id": "abc", "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "x"}}',
    "message-without-chat": b'{"update_id": 424243, "message": {"message_id": 1, "date": 1, "text": "x"}}',
}


@pytest.mark.parametrize("case", sorted(NOT_UPDATES))
def test_body_that_is_not_an_update_is_refused(base_url, agent, telegram_channels, case):
    channel = telegram_channels["main"]
    before = agent.conversation_ids()
    response = tw.post(base_url, channel, NOT_UPDATES[case])
    assert_refused(response, (400,), case)
    assert not (agent.conversation_ids() - before), "a refused body created a conversation"


def test_two_mib_update_is_refused(base_url, telegram_channels, nothing_stored):
    channel = telegram_channels["main"]
    built = tw.build("text", text="A" * (2 * 1024 * 1024))
    assert len(built.body) >= 2 * 1024 * 1024
    with nothing_stored(channel, built.chat_id):
        response = tw.deliver(base_url, channel, built)
        assert_refused(response, (413,), f"{len(built.body)}-byte body")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
                         ids=["text-plain", "form", "multipart", "missing"])
def test_other_content_type_is_refused(base_url, telegram_channels, nothing_stored, content_type):
    """Telegram always posts application/json (tdlib WebhookActor)."""
    channel = telegram_channels["main"]
    built = tw.build("text")
    with nothing_stored(channel, built.chat_id):
        response = tw.post(base_url, channel, built.body, content_type=content_type)
        assert_refused(response, range(400, 500), f"Content-Type {content_type!r}")


def test_json_with_charset_is_accepted(base_url, agent, telegram_channels):
    channel = telegram_channels["main"]
    built = tw.build("text")
    response = tw.post(base_url, channel, built.body, content_type="application/json; charset=utf-8")
    assert response.status == 200, response.describe()
    _, inbound = agent.inbound(channel, str(built.chat_id))
    assert len(inbound) == 1, show(inbound)


def test_get_is_not_a_handshake(base_url, telegram_channels):
    """Telegram has no GET verification (§2.1): a GET is refused, not answered 200."""
    channel = telegram_channels["main"]
    response = webhook_client.send(base_url, "GET", channel.webhook_path, headers={tw.SECRET_HEADER: channel.secret_token})
    assert_refused(response, range(400, 500), "GET")

