"""The LINE samples (samples/webhooks/line): line-bot-sdk's WebhookParser reads each (signed by
replay.py's algorithm) as the events its name says, and replay.py gets every one accepted by a
real channel, stored once (the redelivered event excepted)."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import subprocess
import sys

import pytest
from linebot.v3.webhook import SignatureValidator, WebhookParser
from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, UnfollowEvent, UnsendEvent

import line_wire as lw

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples", "webhooks", "line")
REPLAY = os.path.join(SAMPLES, "replay.py")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.json")))
# file name (without the number) -> [(event class, message type or None)] in the body
EXPECTED = {
    "follow": [(FollowEvent, None)], "message-text": [(MessageEvent, "text")], "message-image": [(MessageEvent, "image")],
    "message-sticker": [(MessageEvent, "sticker")], "message-location": [(MessageEvent, "location")],
    "postback": [(PostbackEvent, None)], "message-video": [(MessageEvent, "video")], "message-file": [(MessageEvent, "file")],
    "redelivery-message-text": [(MessageEvent, "text")], "multiple-events": [(MessageEvent, "text"), (MessageEvent, "text")],
    "unsend": [(UnsendEvent, None)], "unfollow": [(UnfollowEvent, None)], "verify-empty": [],
}
# What the agent sees, in order (the redelivery of 02 and the empty verify body store nothing).
STORED = ["event", "text", "image", "sticker", "location", "event", "video", "file", "text", "text", "event", "event"]
SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def kind_of(path: str) -> str:
    return os.path.basename(path)[3:-5]


def replay_module():
    spec = importlib.util.spec_from_file_location("line_replay", REPLAY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.offline
def test_every_kind_has_a_sample():
    assert sorted(kind_of(p) for p in FILES) == sorted(EXPECTED)


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_parses_with_the_sdk(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    signature = replay_module().sign(raw, SECRET)
    assert signature == lw.sign(raw, SECRET) and SignatureValidator(SECRET).validate(raw.decode("utf-8"), signature)
    payload = WebhookParser(SECRET).parse(raw.decode("utf-8"), signature, as_payload=True)
    expected = EXPECTED[kind_of(path)]
    assert [type(e) for e in payload.events] == [cls for cls, _ in expected], payload.events
    for event, (_, message_type) in zip(payload.events, expected):
        if message_type:
            assert event.message.type == message_type, event
        assert event.webhook_event_id and event.source.user_id == "U206d25c2ea6bd87c17655609a1c37cb8", event
    assert len(payload.destination) == 33


@pytest.mark.offline
def test_redelivery_repeats_the_event_id():
    by_kind = {kind_of(p): json.load(open(p, encoding="utf-8")) for p in FILES}
    first, again = by_kind["message-text"]["events"][0], by_kind["redelivery-message-text"]["events"][0]
    assert again["webhookEventId"] == first["webhookEventId"]
    assert (first["deliveryContext"]["isRedelivery"], again["deliveryContext"]["isRedelivery"]) == (False, True)


def replay(base_url, channel, *extra):
    command = [sys.executable, REPLAY, "--url", base_url, "--channel", channel.id, "--channel-secret", channel.channel_secret, *extra]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result, f"$ {' '.join(command)}\n-> exit {result.returncode}\n{result.stdout}{result.stderr}"


def test_replay_gets_every_sample_stored_once(base_url, agent, line_channels):
    channel = line_channels["main"]
    user = lw.new_user_id()
    result, output = replay(base_url, channel, "--fresh", "--user-id", user)
    assert result.returncode == 0, output
    for path in FILES:
        name = os.path.basename(path)
        line = next((line for line in result.stdout.splitlines() if line.startswith(name + " ")), None)
        assert line is not None and line.split()[1] == "200", output
    conversations, inbound = agent.inbound(channel, user, at_least=len(STORED), settle=0.5)
    assert len(conversations) == 1, conversations
    assert [m["content"]["type"] for m in inbound] == STORED, f"{json.dumps(inbound, ensure_ascii=False)}\n{output}"


def test_replaying_the_files_as_they_are_twice_stores_once(base_url, agent, line_channels):
    """Without --fresh the bytes on disk are signed and sent; a second run is all redeliveries."""
    channel = line_channels["other"]
    for _ in range(2):
        result, output = replay(base_url, channel)
        assert result.returncode == 0, output
    _, inbound = agent.inbound(channel, "U206d25c2ea6bd87c17655609a1c37cb8", at_least=len(STORED), settle=0.5)
    assert len(inbound) == len(STORED), [m["content"] for m in inbound]


def test_replay_with_the_wrong_secret_is_refused(base_url, line_channels):
    result, output = replay(base_url, line_channels["main"], "--channel-secret", line_channels["other"].channel_secret, "--fresh")
    assert result.returncode == 1 and " 401 " in result.stdout, output
