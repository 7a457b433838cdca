"""Routing end to end against the real parleyd: three agents in two teams serve 30 conversations
from web chat and Telegram (the fake Bot API records what Telegram would receive).

Sales (Ana, Ben; web chat) overflows into Service (Cai; Telegram) when nobody in Sales is online.
Along the way: automatic assignment up to each agent's capacity, queue positions sent to waiting
customers on their own channel, the queue draining when a chat ends or capacity is raised, presence
changes, overflow, a transfer with a note, the leave-message pool outside business hours, and a
satisfaction rating stored after resolution. No agent ever holds more than their capacity.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import time

import pytest

import parley_support
import telegram_wire as tw
from telegram_wire import FakeBotAPI, TelegramChannel

ADMIN_PASSWORD = "routing-e2e-admin-pass"
AGENT_PASSWORD = "routing-e2e-agent-pass"
TELEGRAM_SECRET = "Parley_TG-e2e_5c1d7e3a9b2f4068"
QUEUE_TEXT = "Thanks for waiting. You are number {} in line."
WAIT_S = 20.0


class RoutingServer(parley_support.ParleyServer):
    suite = "routing-e2e"
    admin_password = ADMIN_PASSWORD
    ready_path = "/ready"

    def __init__(self, binary: str):
        super().__init__(binary)
        self.fake_bot_api: FakeBotAPI | None = None
        self.telegram: TelegramChannel | None = None

    def cli(self, *arguments: str) -> str:
        result = subprocess.run([self.binary, *arguments, "--data-dir", self.data_dir], capture_output=True, env=self.env(),
                                stdin=subprocess.DEVNULL, timeout=60, text=True)
        assert result.returncode == 0, f"parleyd {' '.join(arguments)}: {result.stdout}{result.stderr}"
        return result.stdout

    def prepare(self) -> None:
        self.fake_bot_api = FakeBotAPI(tw.BOT_TOKEN).start()
        printed = json.loads(self.cli("channel", "add", "telegram", "--name", "Service bot",
                                      "--credential", f"botToken={tw.BOT_TOKEN}", "--credential", f"secretToken={TELEGRAM_SECRET}",
                                      "--setting", f"apiBaseURL={self.fake_bot_api.base_url}").splitlines()[-1])
        self.telegram = TelegramChannel(id=printed["id"], webhook_path=printed["webhookPath"], secret_token=TELEGRAM_SECRET)

    def stop(self) -> None:
        super().stop()
        if self.fake_bot_api is not None:
            self.fake_bot_api.stop()


@pytest.fixture(scope="module")
def server(request):
    yield from RoutingServer.session(request, skip_reason="PARLEYD_BIN is not set")


def eventually(what: str, probe, timeout: float = WAIT_S):
    """probe() until it returns something truthy; fails naming `what` and the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; last: {value!r}")
        time.sleep(0.1)


class Floor:
    """The admin and the three agents over the API, and the customers on both channels."""

    def __init__(self, server: RoutingServer):
        self.server = server
        self.admin = parley_support.signed_in_admin(server)
        self.agents = {}
        for name in ("ana", "ben", "cai"):
            # After the first start, which seeds the admin only into an empty agents table.
            server.cli("agent", "add", "--email", f"{name}@parley.local", "--name", name.title(), "--password", AGENT_PASSWORD)
            api = parley_support.AgentAPI(server.base_url, AGENT_PASSWORD, email=f"{name}@parley.local")
            api.login()
            self.agents[name] = api
        self.ids = {name: api.agent["id"] for name, api in self.agents.items()}
        self.web = parley_support.demo_channel(server.base_url)
        self.conversations: list[int] = []

    def presence(self, name: str, presence: str) -> None:
        self.agents[name].expect("PUT", "/api/v1/agents/me/presence", {"presence": presence}, ok=(204,))

    def capacity(self, name: str, capacity: int) -> None:
        self.admin.expect("PUT", f"/api/v1/agents/{self.ids[name]}/capacity", {"capacity": capacity}, ok=(204,))

    def web_visitor(self):
        """A new web-chat visitor: a function that sends a text (accepted with 200) and returns the conversation id."""
        visitor = parley_support.WebVisitor(self.server.base_url, self.web)

        def say(text: str) -> int:
            conversation = visitor.say(text)
            if conversation not in self.conversations:
                self.conversations.append(conversation)
            return conversation

        return say

    def web_customer(self, text: str) -> int:
        return self.web_visitor()(text)

    def telegram_customer(self, text: str) -> tuple[int, int]:
        built = tw.build("text", text=text)
        response = tw.deliver(self.server.base_url, self.server.telegram, built)
        assert response.status == 200, response.describe()
        conversation = eventually(f"the conversation of Telegram chat {built.chat_id}", lambda: next(
            (c["id"] for c in self.all() if c["externalId"] == str(built.chat_id)), None))
        self.conversations.append(conversation)
        return built.chat_id, conversation

    def all(self) -> list[dict]:
        return self.admin.expect("GET", "/api/v1/conversations")["conversations"]

    def conversation(self, conversation: int) -> dict:
        return self.admin.expect("GET", f"/api/v1/conversations/{conversation}")

    def holder(self, conversation: int) -> str | None:
        assignee = self.conversation(conversation).get("assigneeId")
        return next((name for name, id in self.ids.items() if id == assignee), None)

    def texts(self, conversation: int, direction: str = "outbound") -> list[str]:
        messages = self.admin.expect("GET", f"/api/v1/conversations/{conversation}/messages")["messages"]
        return [m["content"].get("text", "") for m in messages if m["direction"] == direction]

    def wait_held(self, conversation: int, name: str | None) -> None:
        eventually(f"conversation {conversation} held by {name}", lambda: self.holder(conversation) == name
                   and self.conversation(conversation)["status"] == ("assigned" if name else "queued"))

    def loads(self) -> dict[str, tuple[int, int]]:
        agents = self.admin.expect("GET", "/api/v1/agents")["agents"]
        return {name: next((a["activeChats"], a["capacity"]) for a in agents if a["id"] == id) for name, id in self.ids.items()}

    def never_over_capacity(self) -> None:
        for name, (active, capacity) in self.loads().items():
            assert active <= capacity, f"{name} holds {active} chats with capacity {capacity}"


def telegram_texts(fake: FakeBotAPI, chat_id: int) -> list[str]:
    return [call.json().get("text", "") for call in fake.method_calls("sendMessage", chat_id)]


def test_three_agents_two_teams_thirty_conversations(server):
    floor = Floor(server)
    admin = floor.admin
    service = admin.expect("POST", "/api/v1/teams", {"name": "Service", "strategy": "least-busy"}, ok=(201,))
    sales = admin.expect("POST", "/api/v1/teams", {"name": "Sales", "strategy": "least-busy", "overflowTeamId": service["id"]}, ok=(201,))
    for team, members in ((sales, ("ana", "ben")), (service, ("cai",))):
        for name in members:
            admin.expect("PUT", f"/api/v1/teams/{team['id']}/members/{floor.ids[name]}", ok=(204,))
    admin.expect("PUT", f"/api/v1/channels/{floor.web}/team", {"teamId": sales["id"]}, ok=(204,))
    admin.expect("PUT", f"/api/v1/channels/{server.telegram.id}/team", {"teamId": service["id"]}, ok=(204,))
    for name, capacity in (("ana", 2), ("ben", 2), ("cai", 3)):
        floor.capacity(name, capacity)
        floor.presence(name, "online")

    # 1. Six web visitors: Ana and Ben take two each (least busy first), two wait and hear their place.
    web = [floor.web_customer(f"web visitor {n}") for n in range(1, 7)]
    for conversation in web[:4]:
        eventually(f"web conversation {conversation} assigned", lambda c=conversation: floor.conversation(c)["status"] == "assigned")
    assert sorted(floor.holder(c) for c in web[:4]) == ["ana", "ana", "ben", "ben"]
    for place, conversation in enumerate(web[4:], start=1):
        assert floor.conversation(conversation)["status"] == "queued"
        eventually(f"queue place {place} told to web conversation {conversation}",
                   lambda c=conversation, p=place: QUEUE_TEXT.format(p) in floor.texts(c))
    floor.never_over_capacity()

    # 2. Five Telegram customers: Cai takes three, two wait and Telegram carries their place.
    telegram = [floor.telegram_customer(f"telegram customer {n}") for n in range(1, 6)]
    for _, conversation in telegram[:3]:
        floor.wait_held(conversation, "cai")
    for place, (chat_id, conversation) in enumerate(telegram[3:], start=1):
        assert floor.conversation(conversation)["status"] == "queued"
        eventually(f"sendMessage with place {place} to chat {chat_id}",
                   lambda c=chat_id, p=place: QUEUE_TEXT.format(p) in telegram_texts(server.fake_bot_api, c))
    floor.never_over_capacity()

    # 3. A chat ends: Ana resolves one (its customer gets the survey) and the first waiting web
    #    visitor is hers at once.
    resolved = next(c for c in web[:4] if floor.holder(c) == "ana")
    floor.agents["ana"].expect("POST", f"/api/v1/conversations/{resolved}/resolve")
    floor.wait_held(web[4], "ana")
    # The one behind moved up, but heard their place less than a minute ago: not told again yet.
    assert floor.conversation(web[5])["status"] == "queued"
    assert [t for t in floor.texts(web[5]) if t.startswith("Thanks for waiting")] == [QUEUE_TEXT.format(2)]
    eventually("the survey after resolution", lambda: floor.texts(resolved)[-1].startswith("How would you rate our help today?"))

    # 4. Capacity raised: Cai takes both waiting Telegram customers.
    floor.capacity("cai", 6)
    for _, conversation in telegram[3:]:
        floor.wait_held(conversation, "cai")
    floor.never_over_capacity()

    # 5. Presence: Ana and Ben go offline. The web visitor still waiting in Sales overflows to
    #    Service, where Cai has a free slot; three more web visitors overflow too and wait there, told
    #    their place, for Cai is full.
    floor.presence("ana", "offline")
    floor.presence("ben", "offline")
    floor.wait_held(web[5], "cai")
    overflowed = [floor.web_customer(f"late web visitor {n}") for n in range(1, 4)]
    for place, conversation in enumerate(overflowed, start=1):
        eventually(f"queue place {place} told to late web visitor {conversation}",
                   lambda c=conversation, p=place: QUEUE_TEXT.format(p) in floor.texts(c))
        assert floor.conversation(conversation)["status"] == "queued"
    floor.never_over_capacity()

    # 6. Transfer: Ben comes back online with a third slot; Cai hands a Telegram chat to Sales with a
    #    note and Ben gets it, history and note included.
    moved = telegram[0][1]
    floor.capacity("ben", 3)
    floor.presence("ben", "online")
    floor.agents["cai"].expect("POST", f"/api/v1/conversations/{moved}/transfer", {"teamId": sales["id"], "note": "wants a bulk price"})
    eventually("Ben holds the transferred chat", lambda: floor.holder(moved) == "ben")
    notes = floor.texts(moved, "note")
    assert any("wants a bulk price" in note for note in notes), notes
    assert floor.texts(moved, "inbound") == ["telegram customer 1"]
    # Cai's freed slot goes to the first overflowed visitor waiting in Service.
    floor.wait_held(overflowed[0], "cai")
    assert [floor.holder(c) for c in overflowed[1:]] == [None, None]
    floor.never_over_capacity()

    # 7. Outside business hours: Service closes for holidays today and tomorrow; a new Telegram
    #    customer is left for later (pending) and Telegram carries the closed notice.
    today = datetime.datetime.now(datetime.timezone.utc).date()
    every_day = {day: ["00:00-23:59"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    admin.expect("PUT", f"/api/v1/teams/{service['id']}", {
        "name": "Service", "strategy": "least-busy",
        "hours": {"timeZone": "UTC", "weekly": every_day, "holidays": [str(today), str(today + datetime.timedelta(days=1))]},
    })
    chat_id, late = floor.telegram_customer("are you there?")
    eventually("the late Telegram customer left for later", lambda: floor.conversation(late)["status"] == "pending")
    closed = eventually("the closed notice on Telegram", lambda: [t for t in telegram_texts(server.fake_bot_api, chat_id)
                                                               if t.startswith("We're closed right now and open again on ")])
    assert "at 00:00 (UTC)" in closed[0], closed

    # 8. Satisfaction: a web visitor served by Ben is resolved and answers the survey with 5.
    as_visitor = floor.web_visitor()
    rated = as_visitor("one more question")
    floor.capacity("ben", 4)
    floor.wait_held(rated, "ben")
    floor.agents["ben"].expect("POST", f"/api/v1/conversations/{rated}/resolve")
    eventually("the survey sent", lambda: floor.texts(rated)[-1:] and floor.texts(rated)[-1].startswith("How would you rate"))
    assert as_visitor("5") == rated
    eventually("the rating stored", lambda: floor.conversation(rated).get("csat", {}).get("score") == 5)
    assert floor.conversation(rated)["status"] == "resolved"

    # 9. Fill up to 30 conversations across both channels; nothing is lost and nobody is overfilled.
    while len(set(floor.conversations)) < 30:
        if len(floor.conversations) % 2:
            floor.web_customer(f"web visitor {len(floor.conversations)}")
        else:
            floor.telegram_customer(f"telegram customer {len(floor.conversations)}")
    assert len(set(floor.conversations)) == 30
    listed = {c["id"]: c for c in floor.all()}
    assert set(floor.conversations) <= set(listed), "every conversation is listed for the admin"
    floor.never_over_capacity()
    # An agent sees their own chats and their teams' waiting ones, never a colleague's.
    for name, api in floor.agents.items():
        for conversation in api.expect("GET", "/api/v1/conversations")["conversations"]:
            assert conversation.get("assigneeId") in (None, floor.ids[name]), (name, conversation)


def test_team_hours_and_bot_from_the_command_line(server):
    """`parleyd team hours|bot` change that part of a team's profile and keep the rest; bad values are
    refused naming the flag, and nothing is written."""
    admin = parley_support.signed_in_admin(server)
    team = admin.expect("POST", "/api/v1/teams", {"name": "Night shift", "stickyWindow": "30m", "texts": {"queue": "第 {{position}} 位"}}, ok=(201,))
    shown = json.loads(server.cli("team", "hours", "--team", str(team["id"]), "--time-zone", "Asia/Shanghai",
                                  "--open", "mon=09:00-12:00,13:00-18:00", "--open", "sat=10:00-16:00", "--holiday", "2027-02-10"))
    assert shown["hours"] == {"timeZone": "Asia/Shanghai", "weekly": {"mon": ["09:00-12:00", "13:00-18:00"], "sat": ["10:00-16:00"]},
                              "holidays": ["2027-02-10"]}, shown
    assert shown["stickyWindow"] == "30m" and shown["texts"]["queue"] == "第 {{position}} 位", "the rest is kept"
    shown = json.loads(server.cli("team", "bot", "--team", str(team["id"]), "--threshold", "0.7", "--hand-over-phrase", "客服"))
    assert shown["bot"]["threshold"] == 0.7 and shown["bot"]["handOverPhrases"] == ["客服"] and shown["bot"]["external"] is False, shown
    assert shown["hours"]["timeZone"] == "Asia/Shanghai"
    assert admin.expect("GET", "/api/v1/teams")["teams"][-1]["bot"]["threshold"] == 0.7

    bad = subprocess.run([server.binary, "team", "hours", "--team", str(team["id"]), "--time-zone", "Mars/Olympus",
                          "--data-dir", server.data_dir], capture_output=True, env=server.env(), stdin=subprocess.DEVNULL, timeout=60, text=True)
    assert bad.returncode != 0 and "--time-zone: 'Mars/Olympus' is not an IANA time zone" in bad.stderr, bad.stderr
    bad = subprocess.run([server.binary, "team", "bot", "--team", str(team["id"]), "--threshold", "2", "--data-dir", server.data_dir],
                         capture_output=True, env=server.env(), stdin=subprocess.DEVNULL, timeout=60, text=True)
    assert bad.returncode != 0 and "--threshold: must be between 0 and 1, not 2.0" in bad.stderr, bad.stderr
    assert admin.expect("GET", "/api/v1/teams")["teams"][-1]["bot"]["threshold"] == 0.7, "nothing was written"
    shown = json.loads(server.cli("team", "bot", "--team", str(team["id"]), "--off"))
    assert "bot" not in shown, shown
    shown = json.loads(server.cli("team", "hours", "--team", str(team["id"]), "--always-open"))
    assert "hours" not in shown, shown
