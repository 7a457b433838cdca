"""Fixtures for the WeChat Official Account conformance suite.

WeChat's side is played with the official Python SDK (wechatpy); the server is the real parleyd
binary, started once for the session on a temporary data dir and a free port on 127.0.0.1:

    python3 -m venv .venv && .venv/bin/pip install -r Tests/Conformance/requirements.txt
    PARLEYD_BIN=.build/debug/parleyd .venv/bin/python -m pytest -q Tests/Conformance

Environment:
    PARLEYD_BIN        path of the parleyd binary (required; the whole suite is skipped without it)
    PARLEY_KEEP_DATA   set to keep the server's temporary data dir and logs after a passing run
    PARLEY_CONFORMANCE_OFFLINE=1
                       without PARLEYD_BIN, still run the tests marked `offline` (the self-checks of
                       the request builders against wechatpy and the samples)

Before the server starts, `parleyd channel add wechat` creates one channel per mode in the same
data dir (see CHANNEL_SPECS). Only the standard library talks to the server; nothing leaves
127.0.0.1 (the channels' apiBaseURL points at 127.0.0.1:9, where nothing listens). Running the
server and the core of the agent API are shared with Tests/Browser in Tests/parley_support.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from wechat_wire import APP_ID, APP_SECRET, Channel

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # Tests/, for parley_support

import parley_support  # noqa: E402
from parley_support import APIError  # noqa: E402

ADMIN_PASSWORD = "conformance-test-pass"
CLI_TIMEOUT_S = 60.0
GREETING = "Welcome! 欢迎关注 Parley"

# One channel per mode, plus a plain one without a greeting. EncodingAESKeys are 43 characters of
# [a-zA-Z0-9] like the ones the WeChat console generates (the last character carries 2 bits that
# base64-decoding drops, as with real keys); "safe" uses the key of wechatpy's crypto test vector.
CHANNEL_SPECS = {
    "plain": {"mode": "plain", "token": "ParleyPlainTok2024", "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "greeting": GREETING},
    "compatible": {"mode": "compatible", "token": "ParleyCompatTok2024", "aes_key": "Pz4R7vK2mQ9sT1wX8yB3nC6dF0gH5jL2kM7pN4qS9tV", "greeting": GREETING},
    "safe": {"mode": "safe", "token": "ParleySafeTok2024", "aes_key": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "greeting": GREETING},
    "plain-no-greeting": {"mode": "plain", "token": "ParleyQuietTok2024", "aes_key": "Qm8vX2cR5tY9uI1oP4aS7dF0gH3jK6lZ8xC2vB5nM9q", "greeting": None},
}


def pytest_configure(config):
    config.addinivalue_line("markers", "offline: needs no server (self-checks of the WeChat side and the samples)")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PARLEYD_BIN", "").strip():
        return
    offline = os.environ.get("PARLEY_CONFORMANCE_OFFLINE") == "1"
    skip = pytest.mark.skip(reason="PARLEYD_BIN is not set: point it at the parleyd binary (e.g. PARLEYD_BIN=.build/debug/parleyd)")
    for item in items:
        if not (offline and item.get_closest_marker("offline")):
            item.add_marker(skip)


# -------------------------------------------------------------------------------------------------
# The server (see Tests/parley_support.py)


class ConformanceServer(parley_support.ParleyServer):
    suite = "conformance"
    admin_password = ADMIN_PASSWORD
    ready_path = "/ready"

    def __init__(self, binary: str):
        super().__init__(binary)
        self.cli_log_path = os.path.join(self.log_dir, "parleyd-cli.log")
        self.channels: dict[str, Channel] = {}

    def log_files(self) -> list[tuple[str, str]]:
        return [("cli", self.cli_log_path)] + super().log_files()

    def prepare(self) -> None:
        for key, spec in CHANNEL_SPECS.items():
            self.channels[key] = self.add_wechat_channel(f"Main OA ({key})", spec)

    def add_wechat_channel(self, name: str, spec: dict) -> Channel:
        """`parleyd channel add wechat ...` on the same data dir; parses its one JSON line."""
        command = [
            self.binary, "channel", "add", "wechat", "--data-dir", self.data_dir, "--name", name,
            "--credential", f"appId={APP_ID}",
            "--credential", f"appSecret={APP_SECRET}",
            "--credential", f"token={spec['token']}",
            "--credential", f"encodingAESKey={spec['aes_key']}",
            "--setting", f"mode={spec['mode']}",
            "--setting", "apiBaseURL=http://127.0.0.1:9",
        ]
        if spec.get("greeting"):
            command += ["--setting", f"greeting={spec['greeting']}"]
        result = subprocess.run(command, capture_output=True, env=self.env(), stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S)
        stdout, stderr = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
        with open(self.cli_log_path, "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(command)}\n-> exit {result.returncode}\n{stdout}{stderr}\n")
        if result.returncode != 0:
            raise RuntimeError(f"`{' '.join(command)}` exited with {result.returncode}:\n{stdout}{stderr}")
        printed = None
        for line in reversed(stdout.splitlines()):
            try:
                printed = json.loads(line)
                break
            except ValueError:
                continue
        if not isinstance(printed, dict) or not str(printed.get("id", "")).startswith("ch_"):
            raise RuntimeError(f"`channel add wechat` did not print {{\"id\":\"ch_…\",…}}:\n{stdout}{stderr}")
        if printed.get("kind") != "wechat" or printed.get("webhookPath") != f"/hooks/{printed['id']}":
            raise RuntimeError(f"`channel add wechat` printed an unexpected kind/webhookPath: {printed!r}")
        return Channel(
            id=printed["id"], webhook_path=printed["webhookPath"], mode=spec["mode"], token=spec["token"],
            aes_key=spec["aes_key"], greeting=spec.get("greeting"),
        )


_AGENT = None


@pytest.fixture(scope="session")
def parley_server(request):
    yield from ConformanceServer.session(request, skip_reason="PARLEYD_BIN is not set")


@pytest.fixture(scope="session")
def base_url(parley_server) -> str:
    return parley_server.base_url


@pytest.fixture(scope="session")
def channels(parley_server) -> dict[str, Channel]:
    return dict(parley_server.channels)


# -------------------------------------------------------------------------------------------------
# The agent side, over the REST API (stdlib only)


def _list(payload, key: str) -> list:
    """Lists come as {"<key>": [...]} (docs/openapi.yaml) or as a bare array: take either."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get(key), list):
        return payload[key]
    raise APIError(f"expected a JSON array or {{{key!r}: [...]}}, got {payload!r}")


def external_id(conversation: dict):
    if "externalId" in conversation:
        return conversation["externalId"]
    contact = conversation.get("contact")
    if isinstance(contact, dict):
        return contact.get("externalId")
    return None


class AgentAPI(parley_support.AgentAPI):
    def __init__(self, base_url: str, password: str):
        super().__init__(base_url, password)
        self.before_test: set = set()
        self.owners: dict = {}
        self.fallback_used = False

    def conversations(self) -> list[dict]:
        return _list(self.expect("GET", "/api/v1/conversations"), "conversations")

    def messages(self, conversation_id) -> list[dict]:
        return _list(self.expect("GET", f"/api/v1/conversations/{conversation_id}/messages?limit=500"), "messages")

    def conversation_ids(self) -> set:
        return {conversation["id"] for conversation in self.conversations()}

    def begin_test(self) -> None:
        self.before_test = self.conversation_ids()
        self.owners = {}

    def follower(self, channel: Channel, openid: str) -> tuple[list[dict], list[dict]]:
        """The follower's conversations on the channel and every message in them, oldest first.

        Found by the conversation's externalId (the OpenID). If the server shows no externalId on
        any conversation (test_messages.py::test_conversation_shows_the_followers_openid fails
        then), conversations created during the current test are given to the followers in the
        order they are first asked for, so the other tests still say something useful."""
        conversations = self.conversations()
        if any(external_id(c) is not None for c in conversations) or not conversations:
            mine = [c for c in conversations if c.get("channelId") == channel.id and external_id(c) == openid]
        else:
            self.fallback_used = True
            fresh = sorted(
                (c for c in conversations if c.get("channelId") == channel.id and c["id"] not in self.before_test),
                key=lambda c: c["id"],
            )
            mine = [c for c in fresh if self.owners.get(c["id"]) == openid]
            unowned = [c for c in fresh if c["id"] not in self.owners]
            if not mine and unowned:
                self.owners[unowned[0]["id"]] = openid
                mine = [unowned[0]]
        messages = []
        for conversation in mine:
            messages.extend(self.messages(conversation["id"]))
        messages.sort(key=lambda m: m.get("id", 0))
        return mine, messages

    def inbound(self, channel: Channel, openid: str, *, at_least: int = 1, timeout: float = 5.0, settle: float = 0.3):
        """Wait until the follower has `at_least` inbound messages, then (after `settle` s, so late
        duplicates would show) return (conversations, inbound messages)."""
        deadline = time.monotonic() + timeout
        while True:
            conversations, messages = self.follower(channel, openid)
            inbound = [m for m in messages if m.get("direction") == "inbound"]
            if len(inbound) >= at_least:
                break
            if time.monotonic() > deadline:
                return conversations, inbound
            time.sleep(0.2)
        if settle:
            time.sleep(settle)
            conversations, messages = self.follower(channel, openid)
            inbound = [m for m in messages if m.get("direction") == "inbound"]
        return conversations, inbound


@pytest.fixture(scope="session")
def agent(base_url) -> AgentAPI:
    global _AGENT
    api = AgentAPI(base_url, ADMIN_PASSWORD)
    api.login()
    _AGENT = api
    return api


@pytest.fixture(autouse=True)
def _conversations_before_test(request):
    """Tests that talk to agents start by noting which conversations already exist."""
    if "agent" in request.fixturenames:
        request.getfixturevalue("agent").begin_test()
    yield


# -------------------------------------------------------------------------------------------------
# Reporting: on failure, attach the server log


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when == "call" and ConformanceServer.current is not None:
        ConformanceServer.current.attach_logs(report)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _AGENT is not None and _AGENT.fallback_used:
        terminalreporter.section("note")
        terminalreporter.write_line(
            "conversations carry no externalId: followers were matched to the conversations created "
            "during each test instead (see test_conversation_shows_the_followers_openid)"
        )
    if ConformanceServer.current is not None and exitstatus not in (0, 5):
        ConformanceServer.current.write_logs(terminalreporter, tail=400)
