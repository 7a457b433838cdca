"""The FAQ bot against the real parleyd: the knowledge base loaded with `parleyd knowledge-base
import` (another process) reaches the running server, a web visitor is answered in Chinese and
English and handed to a person on asking for one; a bad file is refused naming the file and field."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request

import pytest

import parley_support

ADMIN_PASSWORD = "faq-bot-conformance-pass"

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


@pytest.fixture(scope="module")
def admin(server):
    api = parley_support.AgentAPI(server.base_url, ADMIN_PASSWORD)
    api.login()
    return api


@pytest.fixture(scope="module")
def channel(server) -> str:
    with urllib.request.urlopen(server.base_url + "/demo", timeout=10) as response:
        return re.search(r'data-channel="([^"]+)"', response.read().decode()).group(1)


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

    status, session = parley_support.http_json(f"{server.base_url}/widget/{channel}/session", "POST", {})
    assert status == 200, session

    def say(text: str) -> int:
        status, answer = parley_support.http_json(f"{server.base_url}/hooks/{channel}", "POST",
                                                  {"clientId": os.urandom(8).hex(), "text": text}, token=session["token"])
        assert status == 200, answer
        return answer["conversationId"]

    conversation = say("你好，退款怎么办？")
    assert transcript(admin, conversation, lambda m: len(m) >= 2)[1] == \
        ("outbound", "bot", "Open the order and tap Refund. 在订单页点击「退款」即可。")
    say("When will my order arrive?")
    assert transcript(admin, conversation, lambda m: len(m) >= 4)[3] == ("outbound", "bot", "Orders ship within 24 hours.")
    assert admin.expect("GET", f"/api/v1/conversations/{conversation}")["status"] == "bot"

    say("我要转人工")
    messages = transcript(admin, conversation, lambda m: any(d == "note" for d, _, _ in m))
    assert messages[4:] == [
        ("inbound", "contact", "我要转人工"),
        ("outbound", "bot", "稍等，马上为您转接人工。"),
        ("note", "bot", 'Handed over by the bot: the customer asked for a person ("转人工").'),
    ]
    assert admin.expect("GET", f"/api/v1/conversations/{conversation}")["status"] == "queued"
