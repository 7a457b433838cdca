"""Fixtures for the channel conformance suite: WeChat Official Account, Telegram, LINE, SMS (Twilio), WhatsApp,
Messenger.

Each platform's side is played with its Python SDK (wechatpy, python-telegram-bot, line-bot-sdk);
the server is the real parleyd binary, started once for the session on a temporary data dir and a
free port on 127.0.0.1:

    python3 -m venv .venv && .venv/bin/pip install -r Tests/Conformance/requirements.txt
    PARLEYD_BIN=.build/debug/parleyd .venv/bin/python -m pytest -q Tests/Conformance

Environment:
    PARLEYD_BIN        path of the parleyd binary (required; the whole suite is skipped without it)
    PARLEY_KEEP_DATA   set to keep the server's temporary data dir and logs after a passing run
    PARLEY_CONFORMANCE_OFFLINE=1
                       without PARLEYD_BIN, still run the tests marked `offline` (the self-checks of
                       the request builders against wechatpy and the samples)

Before the server starts, `parleyd channel add wechat` creates one channel per mode in the same
data dir (see CHANNEL_SPECS), `parleyd channel add telegram|line` two channels each (see
TELEGRAM_SPECS, LINE_SPECS), and `parleyd channel add sms|whatsapp|messenger` one each (SMS_SPEC,
WHATSAPP_SPEC, MESSENGER_SPEC). Only the standard library talks to the server; nothing leaves
127.0.0.1: the WeChat channels' apiBaseURL points at 127.0.0.1:9, where nothing listens; the
Telegram and LINE channels' apiBaseURL (and LINE's dataBaseURL) point at the session's fake
platform APIs (telegram_wire.FakeBotAPI, line_wire.FakeLineAPI), stdlib HTTP servers on
127.0.0.1 that record what parleyd sends. Running the server and the core of the agent API are
shared with Tests/Browser in Tests/parley_support.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types
import urllib.error
import urllib.request

import pytest

import line_wire
import telegram_wire
from line_wire import FakeLineAPI, LineChannel
from telegram_wire import FakeBotAPI, TelegramChannel
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

# Telegram: secret tokens are 1-256 characters of [A-Za-z0-9_-] (setWebhook's secret_token).
TELEGRAM_SPECS = {
    "main": {"secret": "Parley_TG-main_7f3c9a1e5b2d4068"},
    "other": {"secret": "Parley_TG-other_0d8e2b6f4a1c3957"},
}
# LINE: channel secrets are 32 hex characters; both channels share the fake API's access token.
LINE_SPECS = {
    "main": {"secret": "8c2f5e7a1b9d4c6e0f3a7b5d9e1c2a4f"},
    "other": {"secret": "3e9a1c7b5d2f4e6a8c0b1d3f5a7e9c2b"},
}
# Twilio: SIDs are AC + 32 hex digits, auth tokens 32 hex digits; +15005550006 is Twilio's test number.
SMS_SPEC = {"accountSid": "AC" + "5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c", "authToken": "7b3d9f1e5a2c4b6d8e0f1a3c5e7b9d2f",
            "fromNumber": "+15005550006"}
# WhatsApp Cloud API: a phone number id is digits; the app secret 32 hex digits.
WHATSAPP_SPEC = {"phoneNumberId": "106540352242922", "accessToken": "EAAParleyConformanceFakeToken0123456789",
                 "appSecret": "4f2a9c7e1b3d5f6a8c0e2b4d6f8a1c3e", "verifyToken": "parley-wa-verify-2024"}
# Messenger: a Page id is digits (the one samples/webhooks/messenger is addressed to); the app secret 32 hex digits.
MESSENGER_SPEC = {"pageId": "104938271650392", "pageAccessToken": "EAAParleyConformanceFakePageToken9876543210",
                  "appSecret": "9d3b7f1a5c2e4d6b8a0f1c3e5a7b9d2f", "verifyToken": "parley-fb-verify-2024"}
# Attachment URLs on Meta's CDN hosts are refused (never fetched): only the apiBaseURL host,
# 127.0.0.1, is. The tests that want a download point the URLs at a local fake.
MESSENGER_MEDIA_DOMAINS = "media.parley-conformance.invalid"


def pytest_configure(config):
    config.addinivalue_line("markers", "offline: needs no server (self-checks of the platform side and the samples)")


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
    use_own_public_url = True  # Twilio signs PARLEY_PUBLIC_URL + path + query: the tests sign base_url

    def __init__(self, binary: str):
        super().__init__(binary)
        self.cli_log_path = os.path.join(self.log_dir, "parleyd-cli.log")
        self.channels: dict[str, Channel] = {}
        self.telegram_channels: dict[str, TelegramChannel] = {}
        self.line_channels: dict[str, LineChannel] = {}
        self.fake_bot_api: FakeBotAPI | None = None
        self.fake_line_api: FakeLineAPI | None = None
        self.sms_channel: dict | None = None
        self.whatsapp_channel: dict | None = None
        self.messenger_channel: dict | None = None
        # The one loopback push service parleyd may reach (test_webpush.py); any other is refused.
        self.push_service_host = f"127.0.0.1:{parley_support._free_port()}"

    def env(self) -> dict:
        env = super().env()
        env["PARLEY_PUSH_SERVICE_HOSTS"] = self.push_service_host
        return env

    def log_files(self) -> list[tuple[str, str]]:
        return [("cli", self.cli_log_path)] + super().log_files()

    def prepare(self) -> None:
        for key, spec in CHANNEL_SPECS.items():
            self.channels[key] = self.add_wechat_channel(f"Main OA ({key})", spec)
        self.fake_bot_api = FakeBotAPI(telegram_wire.BOT_TOKEN).start()
        self.fake_line_api = FakeLineAPI(line_wire.ACCESS_TOKEN).start()
        for key, spec in TELEGRAM_SPECS.items():
            printed = self.add_channel("telegram", f"Support bot ({key})", {
                "botToken": telegram_wire.BOT_TOKEN, "secretToken": spec["secret"],
            }, {"apiBaseURL": self.fake_bot_api.base_url})
            self.telegram_channels[key] = TelegramChannel(id=printed["id"], webhook_path=printed["webhookPath"], secret_token=spec["secret"])
        for key, spec in LINE_SPECS.items():
            printed = self.add_channel("line", f"LINE OA ({key})", {
                "channelSecret": spec["secret"], "channelAccessToken": line_wire.ACCESS_TOKEN,
            }, {"apiBaseURL": self.fake_line_api.base_url, "dataBaseURL": self.fake_line_api.base_url})
            self.line_channels[key] = LineChannel(id=printed["id"], webhook_path=printed["webhookPath"], channel_secret=spec["secret"])
        # SMS (Twilio), WhatsApp and Messenger: replies go to 127.0.0.1:9, where nothing listens.
        printed = self.add_channel("sms", "SMS", SMS_SPEC, {"apiBaseURL": "http://127.0.0.1:9"})
        self.sms_channel = {"id": printed["id"], "webhook_path": printed["webhookPath"], **SMS_SPEC}
        printed = self.add_channel("whatsapp", "WA", WHATSAPP_SPEC, {"apiBaseURL": "http://127.0.0.1:9"})
        self.whatsapp_channel = {"id": printed["id"], "webhook_path": printed["webhookPath"], **WHATSAPP_SPEC}
        printed = self.add_channel("messenger", "Page", MESSENGER_SPEC,
                                   {"apiBaseURL": "http://127.0.0.1:9", "mediaDomains": MESSENGER_MEDIA_DOMAINS})
        self.messenger_channel = {"id": printed["id"], "webhook_path": printed["webhookPath"], **MESSENGER_SPEC}

    def stop(self) -> None:
        super().stop()
        for fake in (self.fake_bot_api, self.fake_line_api):
            if fake is not None:
                fake.stop()

    def add_wechat_channel(self, name: str, spec: dict) -> Channel:
        """`parleyd channel add wechat ...` on the same data dir."""
        settings = {"mode": spec["mode"], "apiBaseURL": "http://127.0.0.1:9"}
        if spec.get("greeting"):
            settings["greeting"] = spec["greeting"]
        printed = self.add_channel("wechat", name, {
            "appId": APP_ID, "appSecret": APP_SECRET, "token": spec["token"], "encodingAESKey": spec["aes_key"],
        }, settings)
        return Channel(
            id=printed["id"], webhook_path=printed["webhookPath"], mode=spec["mode"], token=spec["token"],
            aes_key=spec["aes_key"], greeting=spec.get("greeting"),
        )

    def add_channel(self, kind: str, name: str, credentials: dict, settings: dict) -> dict:
        """`parleyd channel add <kind> ...` on the same data dir; parses its one JSON line."""
        command = [self.binary, "channel", "add", kind, "--data-dir", self.data_dir, "--name", name]
        for key, value in credentials.items():
            command += ["--credential", f"{key}={value}"]
        for key, value in settings.items():
            command += ["--setting", f"{key}={value}"]
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
            raise RuntimeError(f"`channel add {kind}` did not print {{\"id\":\"ch_…\",…}}:\n{stdout}{stderr}")
        if printed.get("kind") != kind or printed.get("webhookPath") != f"/hooks/{printed['id']}":
            raise RuntimeError(f"`channel add {kind}` printed an unexpected kind/webhookPath: {printed!r}")
        return printed


_AGENT = None


@pytest.fixture(scope="module")
def admin(server):
    """An admin signed in to the module's own `server` (modules that start their own parleyd)."""
    return parley_support.signed_in_admin(server)


@pytest.fixture(scope="module")
def channel(server) -> str:
    """The web-chat channel the module's own `server` created on first start."""
    return parley_support.demo_channel(server.base_url)


@pytest.fixture(scope="session")
def parley_server(request):
    yield from ConformanceServer.session(request, skip_reason="PARLEYD_BIN is not set")


@pytest.fixture(scope="session")
def base_url(parley_server) -> str:
    return parley_server.base_url


@pytest.fixture(scope="session")
def channels(parley_server) -> dict[str, Channel]:
    return dict(parley_server.channels)


@pytest.fixture(scope="session")
def telegram_channels(parley_server) -> dict[str, TelegramChannel]:
    return dict(parley_server.telegram_channels)


@pytest.fixture(scope="session")
def fake_bot_api(parley_server) -> FakeBotAPI:
    return parley_server.fake_bot_api


@pytest.fixture(scope="session")
def line_channels(parley_server) -> dict[str, LineChannel]:
    return dict(parley_server.line_channels)


@pytest.fixture(scope="session")
def fake_line_api(parley_server) -> FakeLineAPI:
    return parley_server.fake_line_api


@pytest.fixture(scope="session")
def sms_channel(parley_server):
    """id, webhook_path and the credentials of the SMS (Twilio) channel, as a SimpleNamespace."""
    return types.SimpleNamespace(**parley_server.sms_channel)


@pytest.fixture(scope="session")
def whatsapp_channel(parley_server):
    """id, webhook_path and the credentials of the WhatsApp channel, as a SimpleNamespace."""
    return types.SimpleNamespace(**parley_server.whatsapp_channel)


@pytest.fixture(scope="session")
def messenger_channel(parley_server):
    """id, webhook_path and the credentials of the Messenger channel, as a SimpleNamespace."""
    return types.SimpleNamespace(**parley_server.messenger_channel)


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

    # Used by the Telegram and LINE suites (a customer there is the chat / the LINE user or group).

    def reply(self, conversation_id, text: str) -> dict:
        """An agent's reply: stored and queued (202); the dispatcher sends it."""
        return self.expect("POST", f"/api/v1/conversations/{conversation_id}/messages", {"text": text}, ok=(200, 201, 202))

    def message(self, conversation_id, message_id) -> dict | None:
        return next((m for m in self.messages(conversation_id) if m.get("id") == message_id), None)

    def wait_message(self, conversation_id, message_id, predicate, timeout: float = 15.0) -> dict | None:
        """The message once `predicate(message)` holds (or as it is when the timeout passes)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.message(conversation_id, message_id)
            if message is not None and predicate(message):
                return message
            if time.monotonic() > deadline:
                return message
            time.sleep(0.2)

    def media(self, location: str) -> tuple[int, str, bytes]:
        """GET a stored media file (`/api/v1/media/<id>`) as the agent: (status, content type, bytes)."""
        request = urllib.request.Request(self.base_url + location, headers={"Authorization": "Bearer " + (self.token or "")})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()


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
