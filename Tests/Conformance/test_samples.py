"""The WeChat samples (samples/webhooks/wechat): wechatpy reads each as the kind its name says,
and replay.py gets every one of them accepted by a real channel, stored once."""

from __future__ import annotations

import glob
import os
import subprocess
import sys

import pytest
from wechatpy import parse_message

import wechat_wire as wire

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples", "webhooks", "wechat")
REPLAY = os.path.join(SAMPLES, "replay.py")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.xml")))
EXPECTED = {  # file name part -> (wechatpy type, wechatpy event)
    "text": ("text", None), "image": ("image", None), "voice": ("voice", None), "shortvideo": ("shortvideo", None),
    "video": ("video", None), "location": ("location", None), "link": ("link", None),
    "event-subscribe": ("event", "subscribe"), "event-unsubscribe": ("event", "unsubscribe"),
    "event-scan": ("event", "scan"), "event-location": ("event", "location"),
    "event-click": ("event", "click"), "event-view": ("event", "view"),
}
# What the agent sees once every sample is in: one per file, the retry of 03-text.xml excluded.
STORED = len(FILES) - 1


@pytest.mark.offline
def test_every_kind_has_a_sample():
    names = {os.path.basename(path)[3:-4] for path in FILES}
    assert set(EXPECTED) <= names, f"missing samples: {set(EXPECTED) - names}"


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_parses_with_wechatpy(path):
    name = os.path.basename(path)[3:-4].replace("retry-", "")
    with open(path, encoding="utf-8") as handle:
        message = parse_message(handle.read())
    expected_type, expected_event = EXPECTED[name]
    assert message.type == expected_type, repr(message)
    if expected_event:
        assert message.event == expected_event, repr(message)
    else:
        assert message.id > 0, "messages carry a MsgId"
    assert message.source and message.target and message.time > 0, repr(message)


def replay(base_url, channel, *extra):
    command = [sys.executable, REPLAY, "--url", base_url, "--channel", channel.id, "--token", channel.token, *extra]
    if channel.mode != "plain":
        command += ["--aes-key", channel.aes_key, "--app-id", channel.app_id, "--mode", channel.mode]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result, f"$ {' '.join(command)}\n-> exit {result.returncode}\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
def test_replay_gets_every_sample_stored_once(base_url, agent, channels, mode):
    channel = channels[mode]
    openid = wire.new_openid("replay")
    result, output = replay(base_url, channel, "--verify", "--fresh", "--openid", openid)
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    for path in FILES:
        name = os.path.basename(path)
        line = next((line for line in lines if line.startswith(name + " ")), None)
        assert line is not None, output
        if "event-subscribe" not in name:  # the subscribe may be answered with the greeting
            assert line.split()[1:] == ["200", "success"], output
    conversations, inbound = agent.inbound(channel, openid, at_least=STORED, settle=0.5)
    assert len(conversations) == 1, conversations
    assert len(inbound) == STORED, f"{len(FILES)} files, one a retry: expected {STORED} messages, got {inbound}\n{output}"
