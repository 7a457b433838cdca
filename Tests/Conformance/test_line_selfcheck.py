"""Self-checks of LINE's side (no parleyd): `line_wire.sign` is the signature the SDK's
`SignatureValidator` checks (and reproduces the test vector in /work/shared/CHANNELS.md §5.1),
every body this suite builds is read by the SDK's `WebhookParser` as the intended events, and the
fake Messaging API answers what line-bot-sdk's own clients (pointed at it on 127.0.0.1) accept."""

from __future__ import annotations

import secrets
import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UnsendEvent,
    UserSource,
)
from linebot.v3.webhooks.models import AudioMessageContent, FileMessageContent, VideoMessageContent

import line_wire as lw

pytestmark = pytest.mark.offline

EXPECTED = {  # kind -> (event class, message content class or None)
    "text": (MessageEvent, TextMessageContent), "image": (MessageEvent, ImageMessageContent),
    "image-external": (MessageEvent, ImageMessageContent), "video": (MessageEvent, VideoMessageContent),
    "audio": (MessageEvent, AudioMessageContent), "file": (MessageEvent, FileMessageContent),
    "sticker": (MessageEvent, StickerMessageContent), "location": (MessageEvent, LocationMessageContent),
    "postback": (PostbackEvent, None), "follow": (FollowEvent, None), "follow-unblocked": (FollowEvent, None),
    "unfollow": (UnfollowEvent, None), "unsend": (UnsendEvent, None),
}


def test_signature_vector():
    """line-bot-sdk tests/v3/test_webhook.py::TestSignatureValidator (CHANNELS.md §5.1)."""
    expected = "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="
    assert lw.sign(b"bodybodybodybody", "channel_secret") == expected
    assert SignatureValidator("channel_secret").validate("bodybodybodybody", expected)


@pytest.mark.parametrize("round", range(20))
def test_sign_agrees_with_the_sdk(round):
    secret = lw.new_channel_secret()
    text = secrets.token_urlsafe(50) + " 日本語 🍣 \n\t\\\"" * (round % 3)
    body = lw.body(lw.event("text", text=text))
    signature = lw.sign(body, secret)
    validator = SignatureValidator(secret)
    assert validator.validate(body.decode("utf-8"), signature)
    assert not validator.validate(body.decode("utf-8") + " ", signature)
    assert not SignatureValidator(lw.new_channel_secret()).validate(body.decode("utf-8"), signature)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_event_parses_with_the_sdk(kind):
    built = lw.event(kind)
    body = lw.body(built)
    payload = lw.parse(body, lw.sign(body, "s3cret"), "s3cret")
    assert payload.destination == lw.DESTINATION and len(payload.events) == 1
    parsed = payload.events[0]
    event_class, content_class = EXPECTED[kind]
    assert isinstance(parsed, event_class), parsed
    if content_class is not None:
        assert isinstance(parsed.message, content_class), parsed.message
    assert parsed.webhook_event_id == built.event_id and parsed.delivery_context.is_redelivery is False
    assert isinstance(parsed.source, UserSource) and parsed.source.user_id == built.partner


def test_redelivery_and_group_events_parse():
    group = lw.new_group_id()
    first = lw.event("join", group_id=group)
    again = lw.event("join", first.event.source.user_id, group_id=group, event_id=first.event_id, redelivery=True)
    body = lw.body(first, again)
    events = lw.parse(body, lw.sign(body, "k"), "k").events
    assert all(isinstance(e, JoinEvent) and isinstance(e.source, GroupSource) and e.source.group_id == group for e in events)
    assert [e.webhook_event_id for e in events] == [first.event_id] * 2
    assert [e.delivery_context.is_redelivery for e in events] == [False, True]


def test_unknown_event_type_is_read_as_unknown():
    body = lw.body(lw.event("unknown"))
    events = lw.parse(body, lw.sign(body, "k"), "k").events
    assert type(events[0]).__name__ == "UnknownEvent"


def test_event_ids_are_ulids():
    ids = [lw.new_event_id() for _ in range(50)]
    assert len(set(ids)) == 50 and all(len(i) == 26 and set(i) <= set(lw._ULID_ALPHABET) for i in ids)


def test_fake_line_api_speaks_to_the_sdk():
    fake = lw.FakeLineAPI().start()
    try:
        configuration = Configuration(host=fake.base_url, access_token=lw.ACCESS_TOKEN)
        with ApiClient(configuration) as client:
            api = MessagingApi(client)
            request = PushMessageRequest(to=lw.new_user_id(), messages=[TextMessage(text="hi"), TextMessage(text="there")])
            key = str(uuid.uuid4())
            response = api.push_message(request, x_line_retry_key=key)
            assert len(response.sent_messages) == 2
            with pytest.raises(ApiException) as conflict:
                api.push_message(request, x_line_retry_key=key)
            assert conflict.value.status == 409
            fake.script(request.to, ("fail", 500))
            with pytest.raises(ApiException) as outage:
                api.push_message(request, x_line_retry_key=str(uuid.uuid4()))
            assert outage.value.status == 500
            assert bytes(MessagingApiBlob(client).get_message_content("4242")) == lw.content_bytes("4242")
        with ApiClient(Configuration(host=fake.base_url, access_token="wrong")) as client:
            with pytest.raises(ApiException) as unauthorized:
                MessagingApi(client).push_message(request)
            assert unauthorized.value.status == 401
        assert len(fake.deliveries(request.to)) == 1
    finally:
        fake.stop()
