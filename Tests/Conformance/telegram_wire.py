"""Telegram's side of the wire, built with the official-ecosystem SDK python-telegram-bot (PTB).

- Updates are PTB objects (`telegram.Update`, `Message`, `CallbackQuery`…) serialized with
  `to_json()`, posted with the `X-Telegram-Bot-Api-Secret-Token` header (CHANNELS.md §2.1).
- `FakeBotAPI` plays api.telegram.org on 127.0.0.1 for the channel's apiBaseURL: `sendMessage`
  and the other send methods answer with a PTB `Message`, `getFile` with a PTB `File`, and the
  file server with bytes. Failures can be scripted per chat.
- `ptb_call` runs a PTB `Bot` method with the arguments parleyd sent, through a request object
  that only records, so a test can compare parleyd's call with the one PTB itself makes.

Only the standard library talks HTTP, and only to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import telegram
from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Contact,
    Dice,
    Document,
    File,
    Location,
    Message,
    MessageReactionUpdated,
    PhotoSize,
    Poll,
    PollOption,
    ReactionTypeEmoji,
    Sticker,
    Update,
    User,
    Venue,
    Voice,
)
from telegram.request import BaseRequest

import webhook_client
from fake_api import FakeAPI, Recorded, json_answer

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# BotFather's format: the bot's id, a colon, 35 URL-safe characters.
BOT_TOKEN = "7351984206:AAF3kQx9ZlV2mHc8RtY4pWn1sDe6uJb0oKi"
BOT_USER = User(id=7351984206, is_bot=True, first_name="Parley Support", username="parley_support_bot")
MAX_TEXT_LENGTH = telegram.constants.MessageLimit.MAX_TEXT_LENGTH  # 4096

_update_ids = itertools.count(secrets.randbelow(10**8) + 10**8)
_message_ids = itertools.count(secrets.randbelow(10**5) + 1000)


@dataclass
class TelegramChannel:
    id: str
    webhook_path: str
    secret_token: str
    bot_token: str = BOT_TOKEN


def new_chat_id() -> int:
    """A fresh private chat (= user) id, so every test is a new customer."""
    return secrets.randbelow(8 * 10**9) + 10**9


def new_update_id() -> int:
    return next(_update_ids)


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def customer(chat_id: int, first_name: str = "Ann", last_name: str | None = "Lee") -> User:
    return User(id=chat_id, is_bot=False, first_name=first_name, last_name=last_name, username=f"ann{chat_id}", language_code="en")


def private_chat(chat_id: int) -> Chat:
    return Chat(id=chat_id, type=Chat.PRIVATE, first_name="Ann", last_name="Lee", username=f"ann{chat_id}")


def file_ids(tag: str) -> tuple[str, str]:
    """(file_id, file_unique_id) shaped like Telegram's."""
    return f"AgACAgIAAxkBAAI{tag}{secrets.token_urlsafe(24)}", f"AQAD{secrets.token_urlsafe(9)}"


@dataclass
class Built:
    """One update as built with PTB, its JSON bytes, and the facts a test checks afterwards."""

    kind: str
    update: Update
    chat_id: int
    values: dict = field(default_factory=dict)

    @property
    def update_id(self) -> int:
        return self.update.update_id

    @property
    def body(self) -> bytes:
        return self.update.to_json().encode("utf-8")


def message(chat_id: int, *, message_id: int | None = None, date: datetime.datetime | None = None, **fields) -> Message:
    return Message(
        message_id=message_id or next(_message_ids), date=date or now(), chat=private_chat(chat_id),
        from_user=customer(chat_id), **fields,
    )


def build(kind: str, chat_id: int | None = None, *, update_id: int | None = None, **overrides) -> Built:
    """An update of the given kind from a customer's private chat, with distinctive values.

    kind: text, photo, location, venue, contact, voice, document, sticker, dice (content Parley
          does not read), callback_query, edited_message, blocked, unblocked (my_chat_member),
          message_reaction (an update kind Parley does not read), poll (concerns no chat)
    """
    chat_id = chat_id or new_chat_id()
    update_id = update_id or new_update_id()
    tag = secrets.token_hex(3)
    values: dict = {}
    if kind == "text":
        values["text"] = overrides.get("text", f"Hello Parley {tag}: где мой заказ? 🍵\nsecond line")
        update = Update(update_id, message=message(chat_id, text=values["text"]))
    elif kind == "photo":
        sizes = []
        for width, height in ((90, 67), (320, 240), (1280, 960), (800, 600)):  # the largest is not last
            file_id, unique = file_ids(f"{width}x{height}")
            sizes.append(PhotoSize(file_id, unique, width, height, file_size=width * height // 10))
        values.update(caption=f"the broken lid {tag}", largest=sizes[2].file_id, all=[s.file_id for s in sizes])
        update = Update(update_id, message=message(chat_id, photo=sizes, caption=values["caption"]))
    elif kind == "location":
        values.update(latitude=52.520008, longitude=13.404954)
        update = Update(update_id, message=message(chat_id, location=Location(longitude=values["longitude"], latitude=values["latitude"])))
    elif kind == "venue":
        values.update(latitude=48.858370, longitude=2.294481, title=f"Tour Eiffel {tag}", address="Champ de Mars, 5 Av. Anatole France, Paris")
        location = Location(longitude=values["longitude"], latitude=values["latitude"])
        venue = Venue(location, values["title"], values["address"])
        update = Update(update_id, message=message(chat_id, venue=venue, location=location))
    elif kind == "contact":
        values.update(phone="+4915112345678", first_name="Bert", last_name=f"Meyer {tag}")
        contact = Contact(values["phone"], values["first_name"], values["last_name"], user_id=chat_id + 1)
        update = Update(update_id, message=message(chat_id, contact=contact))
    elif kind == "voice":
        file_id, unique = file_ids("voice")
        values.update(file_id=file_id, mime_type="audio/ogg")
        update = Update(update_id, message=message(chat_id, voice=Voice(file_id, unique, 4, mime_type="audio/ogg", file_size=8123)))
    elif kind == "document":
        file_id, unique = file_ids("doc")
        values.update(file_id=file_id, file_name=f"invoice-{tag}.pdf", mime_type="application/pdf")
        document = Document(file_id, unique, file_name=values["file_name"], mime_type="application/pdf", file_size=20480)
        update = Update(update_id, message=message(chat_id, document=document))
    elif kind == "sticker":
        file_id, unique = file_ids("stk")
        values.update(file_id=file_id)
        sticker = Sticker(file_id, unique, 512, 512, False, False, Sticker.REGULAR, emoji="👍", set_name="HotCherry")
        update = Update(update_id, message=message(chat_id, sticker=sticker))
    elif kind == "dice":
        values.update(raw_type="dice")
        update = Update(update_id, message=message(chat_id, dice=Dice(4, "🎲")))
    elif kind == "callback_query":
        values.update(data=overrides.get("data", f"order:{tag}:track"), query_id=str(secrets.randbits(62)))
        carrier = Message(message_id=next(_message_ids), date=now(), chat=private_chat(chat_id), from_user=BOT_USER, text="Track your order?")
        query = CallbackQuery(values["query_id"], customer(chat_id), chat_instance=str(-secrets.randbits(62)), message=carrier, data=values["data"])
        update = Update(update_id, callback_query=query)
    elif kind == "edited_message":
        values.update(text=overrides.get("text", f"Edited: my order is #{tag}"))
        original_date = overrides.get("date") or now() - datetime.timedelta(seconds=30)
        edited = message(chat_id, message_id=overrides.get("message_id"), date=original_date, text=values["text"], edit_date=now())
        update = Update(update_id, edited_message=edited)
    elif kind in ("blocked", "unblocked"):
        member, kicked = ChatMemberMember(BOT_USER), ChatMemberBanned(BOT_USER, until_date=datetime.datetime.fromtimestamp(0, datetime.timezone.utc))
        old, new = (member, kicked) if kind == "blocked" else (kicked, member)
        values.update(event=kind)
        change = ChatMemberUpdated(private_chat(chat_id), customer(chat_id), now(), old, new)
        update = Update(update_id, my_chat_member=change)
    elif kind == "message_reaction":
        values.update(raw_type="message_reaction")
        reaction = MessageReactionUpdated(
            private_chat(chat_id), next(_message_ids), now(), old_reaction=(), new_reaction=(ReactionTypeEmoji("👍"),), user=customer(chat_id)
        )
        update = Update(update_id, message_reaction=reaction)
    elif kind == "poll":
        poll = Poll(str(secrets.randbits(60)), "Lunch?", [PollOption("yes", 1, persistent_id="0"), PollOption("no", 0, persistent_id="1")], 1, False, True, Poll.REGULAR, False, allows_revoting=False, members_only=False)
        update = Update(update_id, poll=poll)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return Built(kind=kind, update=update, chat_id=chat_id, values=values)


def webhook_headers(secret: str | None, content_type: str | None = "application/json") -> dict:
    """What Telegram's webhook sender sets (tdlib WebhookActor: Content-Type and the secret)."""
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip, deflate"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return headers


def post(base_url: str, channel: TelegramChannel, body: bytes, *, secret: str | None = "<channel>", content_type: str | None = "application/json"):
    secret = channel.secret_token if secret == "<channel>" else secret
    return webhook_client.send(base_url, "POST", channel.webhook_path, body, webhook_headers(secret, content_type))


def deliver(base_url: str, channel: TelegramChannel, built: Built):
    return post(base_url, channel, built.body)


# -------------------------------------------------------------------------------------------------
# The SDK as the judge of outbound calls


class _RecordingRequest(BaseRequest):
    """A PTB request backend that sends nothing: it records each call and answers `ok`."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    @property
    def read_timeout(self):
        return 5.0

    async def do_request(self, url, method, request_data=None, **kwargs):
        parameters = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((url, parameters))
        chat_id = parameters.get("chat_id", 1)
        result = Message(
            message_id=1, date=now(), chat=Chat(id=chat_id if isinstance(chat_id, int) else 1, type=Chat.PRIVATE),
            from_user=BOT_USER, text=parameters.get("text") or "x",
        ).to_dict()
        return 200, json.dumps({"ok": True, "result": result}).encode("utf-8")


def snake_case(method: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower()


def ptb_call(method: str, parameters: dict, token: str = BOT_TOKEN) -> tuple[str, dict]:
    """Runs `telegram.Bot.<method>(**parameters)` (e.g. sendMessage -> send_message) and returns the
    (URL path, parameters) PTB itself would send. Raises TypeError when PTB's method has no such
    argument or misses a required one, so a call PTB cannot make fails the test."""
    name = snake_case(method)
    request = _RecordingRequest()
    bot = telegram.Bot(token, request=request, get_updates_request=_RecordingRequest())
    function = getattr(bot, name, None)
    if function is None:
        raise AttributeError(f"python-telegram-bot has no Bot.{name} for Bot API method {method!r}")
    asyncio.run(function(**parameters))
    assert len(request.calls) == 1, request.calls
    url, sent = request.calls[0]
    return url.split("api.telegram.org", 1)[1], sent


# -------------------------------------------------------------------------------------------------
# api.telegram.org on 127.0.0.1


def file_bytes(file_id: str) -> bytes:
    """What the fake file server serves for a file: a JPEG header and the id, so a test can tell files apart."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + file_id.encode("ascii") + b"\x00" * 64 + b"\xff\xd9"


class FakeBotAPI(FakeAPI):
    """The Bot API for one bot token: `/bot<TOKEN>/<method>` and `/file/bot<TOKEN>/<path>`.

    - send methods (sendMessage, sendPhoto, …) answer `{"ok":true,"result":<PTB Message>}`;
    - `getFile` answers a PTB `File` with a file_path; the file server serves `file_bytes`;
    - another token gets 401 `Unauthorized`, an unknown method 404, as Telegram answers;
    - `script(chat_id, …)` decides the next send calls for that chat, one item per call: None
      answers normally, (status, description, retry_after or None) fails the call as Telegram
      does (`{"ok":false,"error_code",…,"parameters":{"retry_after"}}`).
    """

    name = "fake Telegram Bot API"

    def __init__(self, token: str = BOT_TOKEN):
        super().__init__()
        self.token = token
        self._scripts: dict[str, list] = {}
        self._lock = threading.Lock()
        self._message_ids = itertools.count(500)
        self._files: dict[str, str] = {}

    def script(self, chat_id, *steps: tuple[int, str, int | None] | None) -> None:
        with self._lock:
            self._scripts.setdefault(str(chat_id), []).extend(steps)

    def _next_failure(self, chat_id):
        with self._lock:
            queue = self._scripts.get(str(chat_id))
            return queue.pop(0) if queue else None

    # calls parleyd made

    def method_calls(self, method: str | None = None, chat_id=None) -> list[Recorded]:
        return self.matching(lambda r: self._is_call(r, method, chat_id))

    def wait_for_calls(self, method: str, chat_id, *, count: int = 1, timeout: float = 15.0, settle: float = 0.0, accepted_only=False):
        return self.wait_for(
            lambda r: self._is_call(r, method, chat_id) and (not accepted_only or r.status == 200),
            count=count, timeout=timeout, settle=settle,
        )

    def _is_call(self, recorded: Recorded, method: str | None, chat_id) -> bool:
        prefix = f"/bot{self.token}/"
        if not recorded.path.startswith(prefix):
            return False
        if method is not None and recorded.path[len(prefix):] != method:
            return False
        if chat_id is None:
            return True
        return str(recorded.notes.get("chat_id")) == str(chat_id)

    # answers

    def answer(self, request: Recorded):
        if request.path.startswith("/file/bot"):
            token, _, path = request.path[len("/file/bot"):].partition("/")
            if token != self.token:
                return json_answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            file_id = self._files.get(path)
            if file_id is None:
                return json_answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return 200, {"Content-Type": "application/octet-stream"}, file_bytes(file_id)
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", request.path)
        if not match:
            return json_answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = match.groups()
        if token != self.token:
            return json_answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        parameters = self._parameters(request)
        request.notes["parameters"] = parameters
        request.notes["chat_id"] = parameters.get("chat_id")
        if method == "getFile":
            file_id = parameters.get("file_id")
            if not file_id:
                return json_answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: file_id not specified"})
            path = f"photos/file_{len(self._files)}.jpg"
            self._files[path] = file_id
            result = File(file_id, "AQAD" + file_id[-8:], file_size=len(file_bytes(file_id)), file_path=path).to_dict()
            return json_answer(200, {"ok": True, "result": result})
        if not method.startswith("send"):
            return json_answer(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        failure = self._next_failure(parameters.get("chat_id"))
        if failure is not None:
            status, description, retry_after = failure
            payload = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                payload["parameters"] = {"retry_after": retry_after}
            return json_answer(status, payload)
        text = parameters.get("text")
        if method == "sendMessage" and (not isinstance(text, str) or not text.strip()):
            return json_answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"})
        if method == "sendMessage" and len(text.encode("utf-16-le")) // 2 > MAX_TEXT_LENGTH:
            return json_answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"})
        chat_id = parameters.get("chat_id")
        chat = Chat(id=int(chat_id), type=Chat.PRIVATE) if str(chat_id).lstrip("-").isdigit() else Chat(id=-100, type=Chat.CHANNEL)
        result = Message(message_id=next(self._message_ids), date=now(), chat=chat, from_user=BOT_USER, text=text)
        return json_answer(200, {"ok": True, "result": result.to_dict()})

    @staticmethod
    def _parameters(request: Recorded) -> dict:
        """Telegram takes JSON, form (what PTB posts) or query parameters; parleyd sends JSON
        (test_telegram_replies.py checks that)."""
        media_type = request.content_type.split(";")[0].strip()
        if media_type == "application/json" and request.body:
            try:
                value = json.loads(request.body)
                return value if isinstance(value, dict) else {}
            except ValueError:
                return {}
        if media_type == "application/x-www-form-urlencoded":
            return {k: v[0] for k, v in parse_qs(request.body.decode("utf-8"), keep_blank_values=True).items()}
        return dict(request.query)
