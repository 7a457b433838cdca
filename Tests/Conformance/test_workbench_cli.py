"""The workbench's command line against the real binary: `parleyd team …`, `parleyd agent capacity`
and `parleyd canned …` on the data dir of a running parleyd, checked by what the API then shows
and by what customers get.

- `team add|list`, `team member add|remove`, `team channel` and `agent capacity` print JSON the
  API agrees with; after a restart (a running server re-reads teams at its periodic rebuild, every
  five minutes) the mapped channel's next visitor lands on the online member without anyone
  assigning it.
- `canned add|list`: the running server lists a new response at once, and an agent sending it by
  shortcut gets the variables filled in for the visitor.
- Bad input exits non-zero with a message naming the flag (`--strategy: …`, `--text: unknown
  variable {{contact.phone}}; …`), and nothing is stored.

This module runs its own parleyd (its own data dir and port): mapping a channel to a team turns
routing on for it, which the shared conformance server's other tests must not see.
"""

from __future__ import annotations

import json
import subprocess
import time

import pytest

import parley_support

ADMIN_PASSWORD = "workbench-cli-pass"
CLI_TIMEOUT_S = 60.0


class WorkbenchServer(parley_support.ParleyServer):
    suite = "workbench-cli"
    admin_password = ADMIN_PASSWORD


@pytest.fixture(scope="module")
def server(request):
    yield from WorkbenchServer.session(request, skip_reason="PARLEYD_BIN is not set")


def cli(server, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([server.binary, *arguments, "--data-dir", server.data_dir], capture_output=True, env=server.env(),
                          stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S, text=True)


def cli_json(server, *arguments: str):
    """Runs a command that must succeed and parses the JSON it printed last."""
    result = cli(server, *arguments)
    assert result.returncode == 0, f"parleyd {' '.join(arguments)}: {result.stdout}{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(server, *arguments: str) -> str:
    """Runs a command that must fail; returns what it said on stderr."""
    result = cli(server, *arguments)
    assert result.returncode != 0, f"parleyd {' '.join(arguments)} succeeded: {result.stdout}"
    return result.stderr


def add_agent(server, email: str) -> int:
    return cli_json(server, "agent", "add", "--email", email, "--name", email.split("@")[0].title(),
                    "--password", "password123")["id"]


# -------------------------------------------------------------------------------------------------


def test_team_commands_print_what_the_api_then_shows_and_refuse_bad_input_by_flag(server, admin, channel):
    created = cli_json(server, "team", "add", "--name", "Pre-sales", "--strategy", "round-robin", "--sticky-window", "30m",
                       "--overflow-after", "5m")
    assert isinstance(created["id"], int), created
    assert (created["name"], created["strategy"], created["stickyWindow"], created["overflowAfter"], created["members"]) == \
        ("Pre-sales", "round-robin", "30m", "5m", []), created
    overflow = cli_json(server, "team", "add", "--name", "Overflow", "--strategy", "manual-claim")
    linked = cli_json(server, "team", "add", "--name", "Linked", "--overflow-team", str(overflow["id"]))
    assert linked["overflowTeamId"] == overflow["id"] and linked["strategy"] == "least-busy", linked

    assert "--strategy: 'fastest' is not one of least-busy, round-robin, manual-claim" in \
        refused(server, "team", "add", "--name", "Billing", "--strategy", "fastest")
    assert "--sticky-window: '3x' is not a duration such as 90s, 15m, 2h or 0s" in \
        refused(server, "team", "add", "--name", "Billing", "--sticky-window", "3x")
    assert "--overflow-team: no team 99" in refused(server, "team", "add", "--name", "Billing", "--overflow-team", "99")
    assert "a team named 'pre-sales' already exists" in refused(server, "team", "add", "--name", "pre-sales")

    listed = cli_json(server, "team", "list", "--json")
    assert [t["name"] for t in listed] == ["Pre-sales", "Overflow", "Linked"], "nothing refused was stored"
    text = cli(server, "team", "list").stdout
    assert f"{created['id']}  Pre-sales  round-robin  sticky 30m  no members" in text, text
    api_teams = admin.expect("GET", "/api/v1/teams")["teams"]
    assert [(t["id"], t["strategy"], t["stickyWindow"]) for t in api_teams][0] == (created["id"], "round-robin", "30m")

    agent_id = add_agent(server, "rita@example.com")
    added = cli_json(server, "team", "member", "add", "--team", str(created["id"]), "--agent", str(agent_id))
    assert added["members"] == [agent_id], added
    again = cli_json(server, "team", "member", "add", "--team", str(created["id"]), "--agent", str(agent_id))
    assert again["members"] == [agent_id], "adding a member twice keeps one"
    assert cli_json(server, "team", "member", "remove", "--team", str(created["id"]), "--agent", str(agent_id))["members"] == []
    assert "--team: team 99 not found" in refused(server, "team", "member", "add", "--team", "99", "--agent", str(agent_id))
    assert "--agent: agent 99 not found" in refused(server, "team", "member", "add", "--team", str(created["id"]), "--agent", "99")

    assert "--channel: channel ch_nope not found" in refused(server, "team", "channel", "--team", str(created["id"]), "--channel", "ch_nope")
    assert "--team: team 99 not found" in refused(server, "team", "channel", "--team", "99", "--channel", channel)

    assert cli_json(server, "agent", "capacity", "--agent", str(agent_id), "--capacity", "3") == {"capacity": 3, "id": agent_id}
    assert "--capacity: must be 0 to 100 chats" in refused(server, "agent", "capacity", "--agent", str(agent_id), "--capacity", "101")
    assert "--agent: agent 99 not found" in refused(server, "agent", "capacity", "--agent", "99", "--capacity", "2")
    listed_agents = admin.expect("GET", "/api/v1/agents")["agents"]
    assert next(a for a in listed_agents if a["id"] == agent_id)["capacity"] == 3


def test_a_channel_mapped_with_the_cli_routes_its_visitors_to_the_online_member(server, admin, channel):
    team = cli_json(server, "team", "add", "--name", "Support")
    member = add_agent(server, "sol@example.com")
    cli_json(server, "team", "member", "add", "--team", str(team["id"]), "--agent", str(member))
    mapped = cli_json(server, "team", "channel", "--team", str(team["id"]), "--channel", channel)
    assert mapped == {"channelId": channel, "teamId": team["id"]}, mapped

    # The running server would re-read teams at its next rebuild (five minutes); a restart reads them at once.
    server.stop()
    server.start()
    sol = parley_support.AgentAPI(server.base_url, "password123", email="sol@example.com")
    sol.login()
    sol.expect("PUT", "/api/v1/agents/me/presence", {"presence": "online"}, ok=(204,))
    conversation = parley_support.WebVisitor(server.base_url, channel).say("Hello, anyone there?")
    deadline = time.monotonic() + 10
    while True:
        found = sol.expect("GET", f"/api/v1/conversations/{conversation}")
        if found.get("assigneeId") == member or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (found["status"], found.get("assigneeId")) == ("assigned", member), found


def test_canned_responses_added_with_the_cli_are_sent_filled_in(server, admin, channel):
    saved = cli_json(server, "canned", "add", "--shortcut", "welcome", "--title", "Welcome",
                     "--text", "Hi {{contact.name|there}}, {{agent.name}} here. Your case is {{conversation.id}}.")
    assert (saved["shortcut"], saved["title"], saved.get("teamId")) == ("welcome", "Welcome", None), saved
    assert "--text: unknown variable {{contact.phone}}; use contact.name, contact.email, agent.name, conversation.id, channel.name" in \
        refused(server, "canned", "add", "--shortcut", "call", "--title", "Call", "--text", "We'll call {{contact.phone}}")
    assert "the shortcut 'WELCOME' is already taken" in refused(server, "canned", "add", "--shortcut", "WELCOME", "--title", "W", "--text", "Hi")
    assert "--team: no team 99" in refused(server, "canned", "add", "--shortcut", "x", "--title", "X", "--text", "Hi", "--team", "99")
    assert [c["shortcut"] for c in cli_json(server, "canned", "list", "--json")] == ["welcome"], "nothing refused was stored"
    assert f"{saved['id']}  /welcome  Welcome  (everyone)" in cli(server, "canned", "list").stdout

    listed = admin.expect("GET", "/api/v1/canned-responses")["cannedResponses"]
    assert [(c["id"], c["variables"]) for c in listed] == [(saved["id"], ["contact.name", "agent.name", "conversation.id"])]

    visitor = parley_support.WebVisitor(server.base_url, channel)
    conversation = visitor.say("I need help")
    admin.expect("POST", f"/api/v1/conversations/{conversation}/messages", {"canned": "welcome"}, ok=(202,))
    status, thread = parley_support.http_json(f"{server.base_url}/widget/{channel}/messages", token=visitor.token)
    assert status == 200, thread
    name = admin.agent["name"]
    assert [m["text"] for m in thread["messages"]][-1] == f"Hi there, {name} here. Your case is {conversation}."
