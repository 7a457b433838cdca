"""Self-checks of Telegram's side (no parleyd): the updates this suite posts are Updates
python-telegram-bot reads back as the intended kind, `ptb_call` judges calls the way PTB makes
them, and the fake Bot API answers what PTB's own Bot (pointed at it on 127.0.0.1) accepts."""

from __future__ import annotations

import asyncio
import datetime
import json
import warnings

import pytest
import telegram
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

import telegram_wire as tw

pytestmark = pytest.mark.offline

UPDATE_FIELD = {
    "callback_query": "callback_query", "edited_message": "edited_message", "blocked": "my_chat_member",
    "unblocked": "my_chat_member", "message_reaction": "message_reaction", "poll": "poll",
}
KINDS = ["text", "photo", "location", "venue", "contact", "voice", "document", "sticker", "dice", *UPDATE_FIELD]


@pytest.mark.parametrize("kind", KINDS)
def test_update_round_trips_through_ptb(kind):
    built = tw.build(kind)
    update = telegram.Update.de_json(json.loads(built.body), None)
    assert update.update_id == built.update_id
    field = UPDATE_FIELD.get(kind, "message")
    assert getattr(update, field) is not None, update
    assert json.loads(update.to_json()) == json.loads(built.body), "PTB reads and writes the same update"
    if field in ("message", "edited_message", "callback_query", "my_chat_member", "message_reaction"):
        assert update.effective_chat.id == built.chat_id


def test_photo_sizes_hold_the_largest():
    built = tw.build("photo")
    sizes = telegram.Update.de_json(json.loads(built.body), None).message.photo
    largest = max(sizes, key=lambda s: s.width * s.height)
    assert largest.file_id == built.values["largest"] and sizes[-1].file_id != largest.file_id


def test_ptb_call_is_strict():
    path, parameters = tw.ptb_call("sendMessage", {"chat_id": 42, "text": "hi"})
    assert path == f"/bot{tw.BOT_TOKEN}/sendMessage" and parameters == {"chat_id": 42, "text": "hi"}
    with pytest.raises(TypeError):
        tw.ptb_call("sendMessage", {"chat_id": 42, "text": "hi", "txet": "typo"})
    with pytest.raises(TypeError):
        tw.ptb_call("sendMessage", {"text": "no chat"})
    with pytest.raises(AttributeError):
        tw.ptb_call("sendTelepathy", {"chat_id": 42})


def test_fake_bot_api_speaks_to_ptb():
    """PTB's own Bot, with its real HTTP backend, against the fake on 127.0.0.1."""
    fake = tw.FakeBotAPI().start()
    try:
        async def run():
            request = HTTPXRequest(httpx_kwargs={"trust_env": False})
            bot = telegram.Bot(tw.BOT_TOKEN, base_url=fake.base_url + "/bot", base_file_url=fake.base_url + "/file/bot",
                               request=request, get_updates_request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
            sent = await bot.send_message(chat_id=1234567, text="hello")
            assert isinstance(sent, telegram.Message) and sent.chat.id == 1234567 and sent.text == "hello"
            fake.script(1234567, (429, "Too Many Requests: retry after 3", 3))
            with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                with pytest.raises(telegram.error.RetryAfter) as caught:
                    await bot.send_message(chat_id=1234567, text="again")
                assert caught.value.retry_after in (3, datetime.timedelta(seconds=3))
            file = await bot.get_file("AgACAgIAAxkBAAIxyz")
            data = await file.download_as_bytearray()
            assert bytes(data) == tw.file_bytes("AgACAgIAAxkBAAIxyz")
            other = telegram.Bot("1:wrong", base_url=fake.base_url + "/bot", request=HTTPXRequest(httpx_kwargs={"trust_env": False}),
                                 get_updates_request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
            with pytest.raises(telegram.error.InvalidToken):
                await other.send_message(chat_id=1, text="x")

        asyncio.run(run())
    finally:
        fake.stop()
