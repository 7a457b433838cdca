"""Fixtures for the web-chat widget browser tests.

Runs the real server binary and a headless Chromium driven by Selenium:

    python3 -m venv .venv && .venv/bin/pip install -r Tests/Browser/requirements.txt
    PARLEYD_BIN=.build/debug/parleyd .venv/bin/pytest -v Tests/Browser

Environment:
    PARLEYD_BIN        path of the parleyd binary (required; the tests are skipped without it)
    CHROME_BIN         browser binary (default /usr/bin/chromium)
    CHROMEDRIVER_BIN   driver binary (default /usr/bin/chromedriver)
    PARLEY_KEEP_DATA   set to keep the server's temporary data dir and logs after a passing run

Only the standard library is used to talk to the server (urllib); no extra dependencies
beyond selenium and pytest. Running the server and the core of the agent API are shared with
Tests/Conformance in Tests/parley_support.py.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # Tests/, for parley_support

import fake_gcm  # noqa: E402
import parley_support  # noqa: E402
from parley_support import APIError  # noqa: E402

ADMIN_PASSWORD = "browser-test-pass"

# Installed in every page before its own scripts run: records dialogs instead of showing them,
# so "no alert was raised" is a plain assertion (a native alert is also checked for).
DIALOG_SPY = """
(() => {
  window.__parleyDialogs = [];
  for (const name of ['alert', 'confirm', 'prompt']) {
    window[name] = function (message) {
      window.__parleyDialogs.push(name + ':' + String(message));
      return name === 'confirm' ? false : null;
    };
  }
})();
"""


# -------------------------------------------------------------------------------------------------
# The server (see Tests/parley_support.py)


class BrowserServer(parley_support.ParleyServer):
    suite = "browser"
    admin_password = ADMIN_PASSWORD
    ready_path = "/health"


@pytest.fixture(scope="session")
def parley_server(request):
    yield from BrowserServer.session(
        request,
        skip_reason="PARLEYD_BIN is not set: point it at the parleyd binary (e.g. PARLEYD_BIN=.build/debug/parleyd) to run the browser tests",
    )


@pytest.fixture(scope="session")
def base_url(parley_server) -> str:
    return parley_server.base_url


# -------------------------------------------------------------------------------------------------
# The agent side, over the REST API (stdlib only; request/expect/login in Tests/parley_support.py)


class AgentAPI(parley_support.AgentAPI):
    def conversations(self, status: str | None = None) -> list[dict]:
        path = "/api/v1/conversations" + (f"?status={urllib.parse.quote(status)}" if status else "")
        payload = self.expect("GET", path)
        return list(payload.get("conversations", [])) if isinstance(payload, dict) else []

    def messages(self, conversation_id: int) -> list[dict]:
        payload = self.expect("GET", f"/api/v1/conversations/{conversation_id}/messages?limit=50")
        return list(payload.get("messages", [])) if isinstance(payload, dict) else []

    def conversation(self, conversation_id: int) -> dict:
        return self.expect("GET", f"/api/v1/conversations/{conversation_id}")

    def find_conversation(self, message_id: int | None, text: str, timeout: float = 10.0) -> dict:
        """The conversation holding the visitor's message (by id when known, else by inbound text);
        the newest one wins if several match."""
        deadline = time.monotonic() + timeout
        seen: dict[int, dict] = {}
        while True:
            seen.clear()
            errors = []
            for status in (None, "queued", "assigned"):
                try:
                    for conversation in self.conversations(status):
                        seen[conversation["id"]] = conversation
                except APIError as error:  # a filter the server does not take: the others may do
                    errors.append(str(error))
            if len(errors) == 3:
                raise APIError("listing conversations failed:\n" + "\n".join(errors))
            for conversation in sorted(seen.values(), key=lambda c: c["id"], reverse=True):
                for message in self.messages(conversation["id"]):
                    if message_id is not None and message.get("id") == message_id:
                        return conversation
                    content = message.get("content") or {}
                    if message_id is None and message.get("direction") == "inbound" and content.get("text") == text:
                        return conversation
            if time.monotonic() > deadline:
                raise APIError(
                    f"no conversation visible to {self.email} holds the visitor's message "
                    f"(id={message_id}, text={text!r}) after {timeout:.0f} s; conversations seen: "
                    f"{[(c['id'], c.get('status'), c.get('lastMessagePreview')) for c in seen.values()]}"
                )
            time.sleep(0.3)

    def assign_to_me(self, conversation_id: int) -> dict:
        status, payload = self.request("POST", f"/api/v1/conversations/{conversation_id}/assign", {"agentId": "me"})
        if status == 200:
            return payload
        if status == 409:  # already assigned (e.g. by routing): fine if it is ours
            current = self.conversation(conversation_id)
            if self.agent and current.get("assigneeId") == self.agent.get("id"):
                return current
        raise APIError(f"assigning conversation {conversation_id} to me -> HTTP {status}: {payload!r}")

    def reply(self, conversation_id: int, text: str) -> dict:
        return self.expect("POST", f"/api/v1/conversations/{conversation_id}/messages", {"text": text}, ok=(200, 201, 202))


@pytest.fixture(scope="session")
def agent(base_url) -> AgentAPI:
    api = AgentAPI(base_url, ADMIN_PASSWORD)
    api.login()
    return api


@pytest.fixture(scope="session")
def agent_of():
    """The agent side of another parleyd (a module's own server): agent_of(server) logs in as its admin."""

    def login(server: parley_support.ParleyServer) -> AgentAPI:
        api = AgentAPI(server.base_url, server.admin_password)
        api.login()
        return api

    return login


# -------------------------------------------------------------------------------------------------
# The browser: a fresh profile per test (so each test is a new visitor)


# Chromium's own background work (account, autofill, component-update look-ups) would send DNS
# queries to the machine's resolver; every host name but 127.0.0.1 fails inside the browser, so
# nothing it tries leaves this machine. The tests only ever address 127.0.0.1.
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def start_browser(extra_arguments: tuple[str, ...] = ()) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        LOOPBACK_ONLY,
        *extra_arguments,
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"  # leave a real alert open so the test can see it
    service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_SPY})
    return driver


@pytest.fixture
def browser():
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def new_browser():
    """Starts more browsers within one test (a visitor who closes theirs, another device); every
    one still open is quit at the end."""
    started: list[webdriver.Chrome] = []

    def start() -> webdriver.Chrome:
        driver = start_browser()
        started.append(driver)
        return driver

    yield start
    for driver in started:
        driver.quit()  # a no-op for one the test already quit


@pytest.fixture(scope="session")
def gcm():
    """The fake GCM check-in and registration servers (Tests/Browser/fake_gcm.py)."""
    state, server = fake_gcm.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def start_push_browser(gcm, webpush_path: bool) -> webdriver.Chrome:
    return start_browser(
        (
            *gcm.switches(),
            *(("--enable-features=PushMessagingGcmEndpointWebpushPath",) if webpush_path else ()),
            # Notifications go to Chromium's own message center, without probing for a D-Bus
            # notification server this machine does not have.
            "--disable-features=NativeNotifications",
        )
    )


@pytest.fixture
def push_browser(gcm):
    """A browser whose PushManager.subscribe() works without the internet: GCM is pointed at the
    fake on 127.0.0.1 (and, as in every browser here, no other host name resolves).

    PushMessagingGcmEndpointWebpushPath: an unbranded Chromium reports its release channel as
    "unknown" (chrome/common/channel_info_posix.cc), and for any channel but stable the endpoint
    is built on Google's staging GCM host jmt17.google.com, which no browser user has and parleyd
    does not know. With this rollout feature the endpoint is https://fcm.googleapis.com/preprod/wp/
    <token> instead (components/push_messaging/push_messaging_utils.cc): the FCM host Chrome's
    subscriptions use, accepted by parleyd's default push-service policy.
    """
    driver = start_push_browser(gcm, webpush_path=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def staging_push_browser(gcm):
    """Like push_browser, without the rollout feature: the endpoint a plain Chromium build makes,
    https://jmt17.google.com/fcm/send/<token>."""
    driver = start_push_browser(gcm, webpush_path=False)
    try:
        yield driver
    finally:
        driver.quit()


# -------------------------------------------------------------------------------------------------
# A site on another origin that embeds the widget, as a customer's web site would


class Site:
    """A web site on another origin (another port of 127.0.0.1) that embeds parleyd's widget."""

    def __init__(self):
        self.files: dict[str, tuple[str, str]] = {}
        files = self.files

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                content_type, text = files.get(path, ("text/plain", None))
                data = (text if text is not None else "not found").encode()
                self.send_response(200 if text is not None else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="site", daemon=True).start()

    def page(self, path: str, base_url: str, channel: str, **data: str) -> str:
        """Serves, at `path`, a page whose script tag loads the widget from `base_url`; each keyword
        is one more data- attribute of that tag (service_worker="/sw.js" -> data-service-worker="/sw.js")."""
        attributes = "".join(f' data-{name.replace("_", "-")}="{html.escape(value)}"' for name, value in data.items())
        self.files[path] = (
            "text/html; charset=utf-8",
            "<!doctype html><html><head><meta charset=utf-8><title>Another shop</title></head><body>"
            "<h1>Another shop</h1>"
            f'<script src="{base_url}/widget.js" data-channel="{html.escape(channel)}"{attributes} async></script></body></html>',
        )
        return self.origin + path


@pytest.fixture
def site():
    s = Site()
    try:
        yield s
    finally:
        s.server.shutdown()
        s.server.server_close()


# -------------------------------------------------------------------------------------------------
# Reporting: on failure, attach the page state, the browser console and the server log


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when == "call":
        funcargs = item.funcargs if hasattr(item, "funcargs") else {}
        driver = funcargs.get("browser") or funcargs.get("push_browser") or funcargs.get("staging_push_browser")
        if driver is not None:
            try:
                path = f"/tmp/parley-widget-failure-{item.name}.png"
                driver.save_screenshot(path)
                report.sections.append(("browser screenshot", path))
            except Exception as error:  # the browser may be gone
                report.sections.append(("browser screenshot", f"unavailable: {error!r}"))
            try:
                state = driver.execute_script(
                    "return {url: location.href, state: window.Parley ? window.Parley.state : null,"
                    " messages: Array.from(document.querySelectorAll('[data-parley=\"message\"]')).map(e => ({"
                    " direction: e.dataset.direction, id: e.dataset.id || null, state: e.dataset.state,"
                    " text: (e.querySelector('[data-parley=\"text\"]') || e).textContent }))}"
                )
                report.sections.append(("widget state", json.dumps(state, indent=2)))
            except Exception as error:
                report.sections.append(("widget state", f"unavailable: {error!r}"))
            try:
                lines = [f"{entry.get('level')} {entry.get('message')}" for entry in driver.get_log("browser")]
                report.sections.append(("browser console", "\n".join(lines) or "(empty)"))
            except Exception as error:
                report.sections.append(("browser console", f"unavailable: {error!r}"))
        # The server the test talked to: a module's own (a ParleyServer fixture) or the session's.
        servers = [value for value in funcargs.values() if isinstance(value, parley_support.ParleyServer)]
        if not servers and BrowserServer.current is not None:
            servers = [BrowserServer.current]
        for server in servers:
            server.attach_logs(report)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if BrowserServer.current is not None and exitstatus != 0:
        BrowserServer.current.write_logs(terminalreporter, tail=2000)
