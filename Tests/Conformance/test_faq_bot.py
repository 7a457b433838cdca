"""Bots against the real parleyd: the knowledge base loaded with `parleyd knowledge-base import`
(another process) reaches the running server, a web visitor is answered in Chinese and English and
handed to a person on asking for one; a bad file is refused naming the file and field. An external
bot gets the visitor's messages as signed webhooks, answers through the agent API with a bot
account and hands over."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import parley_support

ADMIN_PASSWORD = "faq-bot-conformance-pass"
NOBODY_ONLINE = ("outbound", "system", "No one is available right now. Leave your message here and we'll answer as soon as someone is back.")

KNOWLEDGE_BASE = {
    "entries": [
        {"id": "refund", "questions": ["How do I get a refund?", "退款怎么办", "怎么申请退款"],
         "answer": "Open the order and tap Refund. 在订单页点击「退款」即可。"},
        {"id": "delivery", "questions": ["When will my order arrive?", "什么时候发货"], "answer": "Orders ship within 24 hours."},
    ]
}


class BotServer(parley_support.ParleyServer):
    suite = "faq-bot"
    admin_password = ADMIN_PASSWORD
    ready_path = "/ready"


@pytest.fixture(scope="module")
def server(request):
    yield from BotServer.session(request, skip_reason="PARLEYD_BIN is not set")


def cli(server, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([server.binary, *arguments, "--data-dir", server.data_dir], capture_output=True, env=server.env(),
                          stdin=subprocess.DEVNULL, timeout=60)


def write_file(document) -> str:
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8")
    with handle:
        handle.write(document if isinstance(document, str) else json.dumps(document, ensure_ascii=False))
    return handle.name


def transcript(admin, conversation: int, until, timeout: float = 15.0) -> list[tuple[str, str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        messages = [(m["direction"], m["sender"]["type"], m["content"].get("text", ""))
                    for m in admin.expect("GET", f"/api/v1/conversations/{conversation}/messages")["messages"]]
        if until(messages) or time.monotonic() > deadline:
            return messages
        time.sleep(0.1)


def visitor(server, channel: str):
    """A new web-chat visitor: a function that sends one text (accepted with 200) and returns the conversation id."""
    return parley_support.WebVisitor(server.base_url, channel).say


def test_a_bad_file_is_refused_naming_the_file_and_the_field(server):
    path = write_file({"entries": [{"id": "x", "questions": ["Where is it?"], "answer": "  "}]})
    try:
        result = cli(server, "knowledge-base", "import", path)
        assert result.returncode != 0
        assert f"{path}: entries[0].answer: must not be empty" in result.stderr.decode(), result.stderr.decode()
        assert json.loads(cli(server, "knowledge-base", "export").stdout) == {"entries": []}, "nothing was written"
    finally:
        os.unlink(path)


def test_the_bot_answers_from_the_imported_file_and_hands_over_on_request(server, admin, channel):
    path = write_file(KNOWLEDGE_BASE)
    try:
        result = cli(server, "knowledge-base", "import", path)
        assert result.returncode == 0, result.stderr.decode()
        assert "2 entries" in result.stdout.decode()
    finally:
        os.unlink(path)
    assert admin.expect("GET", "/api/v1/knowledge-base") == KNOWLEDGE_BASE

    team = admin.expect("POST", "/api/v1/teams", {"name": "Support", "bot": {"handOverText": "稍等，马上为您转接人工。"}}, ok=(201,))
    assert team["bot"]["threshold"] == 0.6 and "转人工" in team["bot"]["handOverPhrases"], team
    admin.expect("PUT", f"/api/v1/channels/{channel}/team", {"teamId": team["id"]}, ok=(204,))

    say = visitor(server, channel)
    conversation = say("你好，退款怎么办？")
    assert transcript(admin, conversation, lambda m: len(m) >= 2)[1] == \
        ("outbound", "bot", "Open the order and tap Refund. 在订单页点击「退款」即可。")
    say("When will my order arrive?")
    assert transcript(admin, conversation, lambda m: len(m) >= 4)[3] == ("outbound", "bot", "Orders ship within 24 hours.")
    assert admin.expect("GET", f"/api/v1/conversations/{conversation}")["status"] == "bot"

    say("我要转人工")
    messages = transcript(admin, conversation, lambda m: any(d == "note" for d, _, _ in m))
    assert messages[4:7] == [
        ("inbound", "contact", "我要转人工"),
        ("outbound", "bot", "稍等，马上为您转接人工。"),
        ("note", "bot", 'Handed over by the bot: the customer asked for a person ("转人工").'),
    ]
    assert messages[7:] in ([], [NOBODY_ONLINE]), "routing may already have said that nobody is online"
    assert admin.expect("GET", f"/api/v1/conversations/{conversation}")["status"] == "queued"


class ExternalBot:
    """An external bot on 127.0.0.1: it checks each webhook's signature as the README documents,
    answers questions about orders through the agent API with its bot account's token, and hands
    everything else to a person."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.secret = ""
        self.token = ""
        self.events: list[dict] = []
        self.forged = 0
        self.acted = threading.Event()
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(bot.secret.encode(), self.headers["X-Parley-Timestamp"].encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers["X-Parley-Signature"]):
                    bot.forged += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()
                event = json.loads(body)
                bot.events.append(event)
                threading.Thread(target=bot.act, args=(event,), daemon=True).start()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def act(self, event: dict) -> None:
        message, conversation = event.get("message", {}), event.get("conversation", {})
        if message.get("direction") != "inbound" or conversation.get("status") != "bot":
            return
        text = message["content"].get("text", "")
        if "order" in text.lower():
            status, answer = parley_support.http_json(f"{self.base_url}/api/v1/conversations/{conversation['id']}/messages", "POST",
                                                      {"text": "Order 123 ships today."}, token=self.token)
        else:
            status, answer = parley_support.http_json(f"{self.base_url}/api/v1/conversations/{conversation['id']}/hand-over", "POST",
                                                      {"reason": "the customer disputes the answer"}, token=self.token)
        assert status in (200, 202), answer
        self.acted.set()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_an_external_bot_answers_through_the_api_and_hands_over(server, admin, channel):
    created = cli(server, "agent", "add", "--email", "bot@parley.local", "--name", "Order bot", "--password", "bot-password-1",
                  "--role", "bot")
    assert created.returncode == 0, created.stderr.decode()
    bot = ExternalBot(server.base_url)
    status, login = parley_support.http_json(f"{server.base_url}/api/v1/auth/login", "POST",
                                             {"email": "bot@parley.local", "password": "bot-password-1"})
    assert status == 200, login
    bot.token = login["token"]
    subscription = admin.expect("POST", "/api/v1/webhooks", {"url": bot.url, "events": ["message.created"]}, ok=(201,))
    bot.secret = subscription["secret"]
    try:
        team = admin.expect("POST", "/api/v1/teams", {"name": "Orders", "bot": {"external": True}}, ok=(201,))
        assert team["bot"]["external"] is True
        admin.expect("PUT", f"/api/v1/channels/{channel}/team", {"teamId": team["id"]}, ok=(204,))
        say = visitor(server, channel)
        conversation = say("Where is my order 123?")
        messages = transcript(admin, conversation, lambda m: len(m) >= 2)
        assert messages == [("inbound", "contact", "Where is my order 123?"), ("outbound", "bot", "Order 123 ships today.")]
        # The bot account sees conversations with the bot, and nothing else.
        status, visible = parley_support.http_json(f"{server.base_url}/api/v1/conversations", token=bot.token)
        assert status == 200 and [c["id"] for c in visible["conversations"]] == [conversation], visible

        say("That is wrong, it shipped last week")
        messages = transcript(admin, conversation, lambda m: any(d == "note" for d, _, _ in m))
        assert messages[2:5] == [
            ("inbound", "contact", "That is wrong, it shipped last week"),
            ("outbound", "bot", "Connecting you to a person now."),
            ("note", "bot", "Handed over by the bot: the customer disputes the answer"),
        ]
        assert messages[5:] in ([], [NOBODY_ONLINE])
        assert admin.expect("GET", f"/api/v1/conversations/{conversation}")["status"] == "queued"
        status, _ = parley_support.http_json(f"{server.base_url}/api/v1/conversations/{conversation}", token=bot.token)
        assert status == 404, "a bot account no longer sees a conversation it handed over"
        assert bot.forged == 0
    finally:
        admin.expect("DELETE", f"/api/v1/webhooks/{subscription['id']}", ok=(204,))
        bot.stop()
