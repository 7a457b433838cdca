"""The Telegram samples (samples/webhooks/telegram): python-telegram-bot reads each as the update
its name says, and replay.py gets every one accepted by a real channel, stored once (the
redelivered update excepted)."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

import pytest
import telegram

import telegram_wire as tw

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples", "webhooks", "telegram")
REPLAY = os.path.join(SAMPLES, "replay.py")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.json")))
# file name (without the number) -> (Update field, Message attribute that carries the content, or None)
EXPECTED = {
    "message-start": ("message", "text"), "message-text": ("message", "text"), "message-photo": ("message", "photo"),
    "message-voice": ("message", "voice"), "message-document": ("message", "document"),
    "message-location": ("message", "location"), "message-venue": ("message", "venue"),
    "message-contact": ("message", "contact"), "message-sticker": ("message", "sticker"),
    "callback-query": ("callback_query", None), "edited-message": ("edited_message", "text"),
    "retry-message-text": ("message", "text"), "message-reaction": ("message_reaction", None),
    "my-chat-member-kicked": ("my_chat_member", None),
}
# What the agent sees, in order, once every sample is in (the retry of 02 stores nothing).
STORED = ["text", "text", "image", "audio", "file", "location", "location", "contactCard", "sticker", "event", "text",
          "unsupported", "event"]


def kind_of(path: str) -> str:
    return os.path.basename(path)[3:-5]


@pytest.mark.offline
def test_every_kind_has_a_sample():
    assert sorted(kind_of(p) for p in FILES) == sorted(EXPECTED)


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_parses_with_ptb(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    update = telegram.Update.de_json(data, None)
    field, attribute = EXPECTED[kind_of(path)]
    assert getattr(update, field) is not None, update
    if attribute:
        assert getattr(getattr(update, field), attribute), update
    assert update.effective_chat is not None and update.effective_chat.id == 5829304711
    assert update.api_kwargs == {} and getattr(update, field).api_kwargs == {}, "every field is one PTB knows"


@pytest.mark.offline
def test_retry_is_the_same_update():
    by_kind = {kind_of(p): json.load(open(p, encoding="utf-8")) for p in FILES}
    assert by_kind["retry-message-text"] == by_kind["message-text"]
    assert by_kind["edited-message"]["edited_message"]["message_id"] == by_kind["message-text"]["message"]["message_id"]


def replay(base_url, channel, *extra):
    command = [sys.executable, REPLAY, "--url", base_url, "--channel", channel.id, "--secret", channel.secret_token, *extra]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result, f"$ {' '.join(command)}\n-> exit {result.returncode}\n{result.stdout}{result.stderr}"


def test_replay_gets_every_sample_stored_once(base_url, agent, telegram_channels):
    channel = telegram_channels["main"]
    chat_id = tw.new_chat_id()
    result, output = replay(base_url, channel, "--fresh", "--chat-id", str(chat_id))
    assert result.returncode == 0, output
    for path in FILES:
        name = os.path.basename(path)
        line = next((line for line in result.stdout.splitlines() if line.startswith(name + " ")), None)
        assert line is not None and line.split()[1] == "200", output
    conversations, inbound = agent.inbound(channel, str(chat_id), at_least=len(STORED), settle=0.5)
    assert len(conversations) == 1, conversations
    assert [m["content"]["type"] for m in inbound] == STORED, f"{json.dumps(inbound, ensure_ascii=False)}\n{output}"


def test_replaying_twice_stores_once(base_url, agent, telegram_channels):
    """Without --fresh the update_ids are the files': a second run is all redeliveries."""
    channel = telegram_channels["other"]
    for _ in range(2):
        result, output = replay(base_url, channel)
        assert result.returncode == 0, output
    _, inbound = agent.inbound(channel, "5829304711", at_least=len(STORED), settle=0.5)
    assert len(inbound) == len(STORED), [m["content"] for m in inbound]


def test_replay_refuses_a_bad_secret(base_url, telegram_channels):
    result, output = replay(base_url, telegram_channels["main"], "--secret", "not the secret")
    assert result.returncode == 2, output
