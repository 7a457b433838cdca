"""LINE's side of the wire, built with the official SDK line-bot-sdk (v3 API).

- Webhook bodies are `linebot.v3.webhooks` models (`CallbackRequest`, `MessageEvent`,
  `PostbackEvent`…) serialized with `to_dict()`, signed with `x-line-signature` =
  Base64(HMAC-SHA256(channel secret, raw body)) (CHANNELS.md §5.1). `sign` is checked against the
  SDK's `SignatureValidator` (test_line_selfcheck.py), and every body this suite sends can be read
  back with the SDK's `WebhookParser` (`parse`).
- `FakeLineAPI` plays api.line.me and api-data.line.me on 127.0.0.1 for the channel's apiBaseURL
  and dataBaseURL: push/reply answer `PushMessageResponse`-shaped JSON, a retry key LINE has
  accepted is answered 409, content downloads serve bytes; failures can be scripted per recipient.

Only the standard library talks HTTP, and only to 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    AudioMessageContent,
    CallbackRequest,
    ContentProvider,
    DeliveryContext,
    FileMessageContent,
    FollowDetail,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    ImageSet,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackContent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendDetail,
    UnsendEvent,
    UserSource,
    VideoMessageContent,
)

import webhook_client
from fake_api import FakeAPI, Recorded, json_answer

SIGNATURE_HEADER = "x-line-signature"
# The bot's own user id: LINE puts it in `destination`.
DESTINATION = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"
ACCESS_TOKEN = "pZ3rC0nf0rm4nc3T0k3n/vX8kQ2mN7bL1yH6gT4fR9dE3sW5aZ0cV2xB8nM1jK7lP4oI6uY3tR+Zy9QfGgE5eD4cB3aA2=="
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

_message_ids = itertools.count(secrets.randbelow(10**15) + 10**17)
_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass
class LineChannel:
    id: str
    webhook_path: str
    channel_secret: str
    access_token: str = ACCESS_TOKEN


def new_channel_secret() -> str:
    """32 hex characters, like the console's."""
    return secrets.token_hex(16)


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def new_group_id() -> str:
    return "C" + secrets.token_hex(16)


def new_event_id() -> str:
    """A webhookEventId: a ULID (26 characters of Crockford base32, time first)."""
    stamp = int(time.time() * 1000)
    head = "".join(_ULID_ALPHABET[(stamp >> (5 * i)) & 31] for i in reversed(range(10)))
    return head + "".join(secrets.choice(_ULID_ALPHABET) for _ in range(16))


def new_message_id() -> str:
    return str(next(_message_ids))


def now_ms() -> int:
    return int(time.time() * 1000)


def reply_token() -> str:
    return secrets.token_hex(16)


def sign(body: bytes, secret: str) -> str:
    """x-line-signature: Base64(HMAC-SHA256(key = channel secret, message = raw body))."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def parse(body: bytes, signature: str, secret: str):
    """The SDK's reading of a webhook: `WebhookParser.parse` (raises InvalidSignatureError)."""
    return WebhookParser(secret).parse(body.decode("utf-8"), signature, as_payload=True)


# -------------------------------------------------------------------------------------------------
# Events as LINE posts them (shapes: line-openapi webhook.yml through the SDK's models)


@dataclass
class Built:
    """One event: its SDK model (or dict for a type the SDK does not know) and the facts a test checks."""

    kind: str
    event: object
    partner: str  # who a reply goes to: the user, or the group
    event_id: str
    values: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return self.event if isinstance(self.event, dict) else self.event.to_dict()


def _common(source, event_id: str, redelivery: bool, timestamp: int | None) -> dict:
    return dict(
        source=source, timestamp=timestamp or now_ms(), mode="active", webhook_event_id=event_id,
        delivery_context=DeliveryContext(is_redelivery=redelivery),
    )


def event(kind: str, user_id: str | None = None, *, event_id: str | None = None, redelivery: bool = False,
          group_id: str | None = None, timestamp: int | None = None, **overrides) -> Built:
    """An event of the given kind from a user (or, with group_id, from a user in a group).

    kind: text, image, image-external, video, audio, file, sticker, location, postback, follow,
          follow-unblocked, unfollow, unsend, join (group), unknown (a type the SDK does not know)
    """
    user_id = user_id or new_user_id()
    event_id = event_id or new_event_id()
    source = GroupSource(type="group", group_id=group_id, user_id=user_id) if group_id else UserSource(type="user", user_id=user_id)
    common = _common(source, event_id, redelivery, timestamp)
    partner = group_id or user_id
    tag = secrets.token_hex(3)
    values: dict = {}
    message_id = overrides.get("message_id") or new_message_id()
    if kind == "text":
        values.update(text=overrides.get("text", f"Hello Parley {tag}: 注文はどこ？ 🍵\nsecond line"), message_id=message_id)
        content = TextMessageContent(type="text", id=message_id, text=values["text"], quote_token=secrets.token_urlsafe(12))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "image":
        values.update(message_id=message_id)
        content = ImageMessageContent(type="image", id=message_id, content_provider=ContentProvider(type="line"),
                                      image_set=ImageSet(id=secrets.token_hex(8).upper(), index=1, total=1),
                                      quote_token=secrets.token_urlsafe(12))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "image-external":
        url = f"https://cdn.example.com/lines/{tag}/original.jpg"
        values.update(message_id=message_id, url=url)
        content = ImageMessageContent(type="image", id=message_id, quote_token=secrets.token_urlsafe(12),
                                      content_provider=ContentProvider(type="external", original_content_url=url,
                                                                       preview_image_url=url.replace("original", "preview")))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "video":
        values.update(message_id=message_id)
        content = VideoMessageContent(type="video", id=message_id, duration=60000, content_provider=ContentProvider(type="line"),
                                      quote_token=secrets.token_urlsafe(12))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "audio":
        values.update(message_id=message_id)
        content = AudioMessageContent(type="audio", id=message_id, duration=6000, content_provider=ContentProvider(type="line"))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "file":
        values.update(message_id=message_id, file_name=f"receipt-{tag}.pdf")
        content = FileMessageContent(type="file", id=message_id, file_name=values["file_name"], file_size=2138)
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "sticker":
        values.update(package_id="446", sticker_id="1988", message_id=message_id)
        content = StickerMessageContent(type="sticker", id=message_id, package_id="446", sticker_id="1988",
                                        sticker_resource_type="STATIC", keywords=["happy", "smile"], quote_token=secrets.token_urlsafe(12))
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "location":
        values.update(title=f"LINE Friends Store {tag}", address="〒150-0001 東京都渋谷区神宮前1-14-30",
                      latitude=35.670896, longitude=139.703284, message_id=message_id)
        content = LocationMessageContent(type="location", id=message_id, title=values["title"], address=values["address"],
                                         latitude=values["latitude"], longitude=values["longitude"])
        built = MessageEvent(type="message", reply_token=reply_token(), message=content, **common)
    elif kind == "postback":
        values.update(data=overrides.get("data", f"action=track&order={tag}"))
        built = PostbackEvent(type="postback", reply_token=reply_token(), postback=PostbackContent(data=values["data"]), **common)
    elif kind in ("follow", "follow-unblocked"):
        values.update(unblocked=kind == "follow-unblocked")
        built = FollowEvent(type="follow", reply_token=reply_token(), follow=FollowDetail(is_unblocked=values["unblocked"]), **common)
    elif kind == "unfollow":
        built = UnfollowEvent(type="unfollow", **common)
    elif kind == "unsend":
        values.update(message_id=message_id)
        built = UnsendEvent(type="unsend", unsend=UnsendDetail(message_id=message_id), **common)
    elif kind == "join":
        assert group_id, "a join event comes from a group"
        built = JoinEvent(type="join", reply_token=reply_token(), **common)
    elif kind == "unknown":
        # An event type newer than the SDK and Parley: the SDK reads it as UnknownEvent.
        values.update(raw_type="futureThing")
        built = {"type": "futureThing", "mode": "active", "timestamp": common["timestamp"],
                 "source": source.to_dict(), "webhookEventId": event_id, "deliveryContext": {"isRedelivery": redelivery},
                 "futureThing": {"detail": tag}}
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return Built(kind=kind, event=built, partner=partner, event_id=event_id, values=values)


def body(*events: Built, destination: str = DESTINATION) -> bytes:
    """The webhook body for these events, compact and UTF-8 as LINE sends it. Built through the
    SDK's `CallbackRequest` (which validates `destination`), except events it does not know."""
    if all(not isinstance(e.event, dict) for e in events):
        payload = CallbackRequest(destination=destination, events=[e.event for e in events]).to_dict()
    else:
        payload = {"destination": destination, "events": [e.as_dict() for e in events]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers(signature: str | None, content_type: str | None = "application/json; charset=utf-8") -> dict:
    out = {"Host": "127.0.0.1", "User-Agent": "LineBotWebhook/2.0"}
    if content_type is not None:
        out["Content-Type"] = content_type
    if signature is not None:
        out[SIGNATURE_HEADER] = signature
    return out


def post(base_url: str, channel: LineChannel, payload: bytes, *, signature: str | None = "<sign>", content_type: str | None = "application/json; charset=utf-8"):
    signature = sign(payload, channel.channel_secret) if signature == "<sign>" else signature
    return webhook_client.send(base_url, "POST", channel.webhook_path, payload, headers(signature, content_type))


# -------------------------------------------------------------------------------------------------
# api.line.me and api-data.line.me on 127.0.0.1


def content_bytes(message_id: str) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00line:" + message_id.encode("ascii") + b"\x00" * 64 + b"\xff\xd9"


class FakeLineAPI(FakeAPI):
    """The Messaging API for one channel access token.

    - POST /v2/bot/message/push and /reply: Bearer token checked (401 otherwise), body read with
      the SDK's `PushMessageRequest` / `ReplyMessageRequest` (400 if it does not parse, or holds
      0 or more than 5 messages, or a text over 5,000 characters); success is 200
      `{"sentMessages":[{"id","quoteToken"}…]}`; a repeat of an accepted `X-Line-Retry-Key` is
      409 with the first answer's sentMessages; a retry key on /reply is 400; a reply token must
      have been handed out with `issue_reply_token` and is single-use (400 "Invalid reply token"
      otherwise, nothing delivered), the reply going to the user it was issued for;
    - GET /v2/bot/message/{id}/content: the bytes of `content_bytes(id)` as image/jpeg;
    - `script(to, …)`: the next pushes to `to` answer these instead. Each item is
      ("fail", status) — nothing delivered — or ("deliver-then-fail", status) — delivered, then
      the status (CHANNELS.md §5.3: a 5xx may still have delivered the message).
    """

    name = "fake LINE API"

    def __init__(self, token: str = ACCESS_TOKEN):
        super().__init__()
        self.token = token
        self._lock = threading.Lock()
        self._scripts: dict[str, list] = {}
        self._accepted_keys: dict[str, list] = {}
        self._sent_ids = itertools.count(600_000_000_000_000_000)
        self.delivered: list[dict] = []  # {"to", "messages", "retry_key", "route"}
        self._reply_tokens: dict[str, str] = {}

    def issue_reply_token(self, token: str, to: str) -> None:
        """Makes `token` (sent to parleyd in a webhook event from `to`) usable once on /reply."""
        with self._lock:
            self._reply_tokens[token] = to

    def script(self, to: str, *steps: tuple[str, int]) -> None:
        with self._lock:
            self._scripts.setdefault(to, []).extend(steps)

    def pushes(self, to: str | None = None) -> list[Recorded]:
        return self.matching(lambda r: r.path == "/v2/bot/message/push" and (to is None or r.notes.get("to") == to))

    def wait_for_pushes(self, to: str, *, count: int = 1, timeout: float = 15.0, settle: float = 0.0):
        return self.wait_for(lambda r: r.path == "/v2/bot/message/push" and r.notes.get("to") == to,
                             count=count, timeout=timeout, settle=settle)

    def deliveries(self, to: str) -> list[dict]:
        with self._lock:
            return [d for d in self.delivered if d["to"] == to]

    def answer(self, request: Recorded):
        content = re.fullmatch(r"/v2/bot/message/([^/]+)/content", request.path)
        if request.method == "GET" and content:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return self._error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
            return 200, {"Content-Type": "image/jpeg"}, content_bytes(content.group(1))
        if request.method != "POST" or request.path not in ("/v2/bot/message/push", "/v2/bot/message/reply"):
            return self._error(404, "Not found")
        route = request.path.rsplit("/", 1)[1]
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self._error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
        try:
            parsed = (PushMessageRequest if route == "push" else ReplyMessageRequest).from_json(request.body.decode("utf-8"))
        except Exception as error:  # what LINE answers a body it cannot read
            return self._error(400, f"The request body has 1 error(s): {error}")
        retry_key = request.headers.get("x-line-retry-key")
        if retry_key is not None and route == "reply":
            return self._error(400, "The retry key is not supported for this endpoint")
        if route == "push":
            to = parsed.to
        else:
            with self._lock:
                to = self._reply_tokens.pop(parsed.reply_token, None)
            if to is None:
                request.notes.update(to=None, parsed=parsed)
                return self._error(400, "Invalid reply token")
        request.notes.update(to=to, parsed=parsed)
        if retry_key is not None and not UUID_RE.match(retry_key.lower()):
            return self._error(400, "The value for the 'X-Line-Retry-Key' header is invalid")
        if not 1 <= len(parsed.messages) <= 5:
            return self._error(400, "The request body has 1 error(s)", [{"message": "Size must be between 1 and 5", "property": "messages"}])
        for index, item in enumerate(parsed.messages):
            text = getattr(item, "text", None)
            if text is not None and len(text) > 5000:
                return self._error(400, "The request body has 1 error(s)",
                                   [{"message": "Length must be between 0 and 5000", "property": f"messages[{index}].text"}])
        with self._lock:
            if retry_key is not None and retry_key in self._accepted_keys:
                return json_answer(409, {"message": "The retry key is already accepted", "sentMessages": self._accepted_keys[retry_key]},
                                   {"x-line-accepted-request-id": str(uuid.uuid4())})
            queue = self._scripts.get(to or "")
            step = queue.pop(0) if queue else None
        if step is not None and step[0] == "fail":
            return self._error(step[1], self._reason(step[1]))
        sent = [{"id": str(next(self._sent_ids)), "quoteToken": secrets.token_urlsafe(16)} for _ in parsed.messages]
        with self._lock:
            self.delivered.append({"to": to, "messages": [m.to_dict() for m in parsed.messages], "retry_key": retry_key, "route": route})
            if retry_key is not None:
                self._accepted_keys[retry_key] = sent
        if step is not None and step[0] == "deliver-then-fail":
            return self._error(step[1], self._reason(step[1]))
        return json_answer(200, {"sentMessages": sent}, {"x-line-request-id": str(uuid.uuid4())})

    @staticmethod
    def _reason(status: int) -> str:
        return {400: "The request body has 1 error(s)", 403: "The bot is not allowed to send to this user",
                429: "You have reached your monthly limit."}.get(status, "An error occurred in the server")

    @staticmethod
    def _error(status: int, message: str, details: list | None = None):
        payload = {"message": message}
        if details:
            payload["details"] = details
        return json_answer(status, payload, {"x-line-request-id": str(uuid.uuid4())})
