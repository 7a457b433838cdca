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
beyond selenium and pytest.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ADMIN_EMAIL = "admin@parley.local"
ADMIN_PASSWORD = "browser-test-pass"
STARTUP_TIMEOUT_S = 60.0
LOG_TAIL_LINES = 150

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
# The server


class ParleyServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.data_dir = tempfile.mkdtemp(prefix="parley-browser-data-")
        self.log_dir = tempfile.mkdtemp(prefix="parley-browser-logs-")
        self.stdout_path = os.path.join(self.log_dir, "parleyd.stdout.log")
        self.stderr_path = os.path.join(self.log_dir, "parleyd.stderr.log")
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._stdout = None
        self._stderr = None

    @property
    def command(self) -> list[str]:
        return [self.binary, "serve", "--data-dir", self.data_dir, "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self) -> None:
        env = dict(os.environ)
        env["PARLEY_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        env["PARLEY_ADMIN_EMAIL"] = ADMIN_EMAIL
        self._stdout = open(self.stdout_path, "wb")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            self.command, stdout=self._stdout, stderr=self._stderr, stdin=subprocess.DEVNULL, env=env
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        last_error = "no attempt yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"parleyd exited with status {self.proc.returncode} before /health answered.\n"
                    f"command: {' '.join(self.command)}\n{self.logs()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
                    last_error = f"HTTP {response.status}"
            except urllib.error.HTTPError as error:
                last_error = f"HTTP {error.code}"
            except (urllib.error.URLError, OSError) as error:
                last_error = repr(error)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"parleyd did not answer GET /health with 200 within {STARTUP_TIMEOUT_S:.0f} s "
            f"(last: {last_error}).\ncommand: {' '.join(self.command)}\n{self.logs()}"
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for handle in (self._stdout, self._stderr):
            if handle is not None and not handle.closed:
                handle.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def logs(self, tail: int | None = None) -> str:
        parts = []
        for label, path in (("stdout", self.stdout_path), ("stderr", self.stderr_path)):
            try:
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8", "replace")
            except OSError as error:
                text = f"(unreadable: {error})"
            lines = text.splitlines()
            if tail is not None and len(lines) > tail:
                lines = [f"... ({len(lines) - tail} earlier lines in {path})"] + lines[-tail:]
            parts.append(f"----- parleyd {label} ({path}) -----\n" + ("\n".join(lines) if lines else "(empty)"))
        if self.proc is not None and self.proc.poll() is not None:
            parts.append(f"----- parleyd exit status: {self.proc.returncode} -----")
        return "\n".join(parts)

    def cleanup(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.rmtree(self.log_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_SERVER: ParleyServer | None = None


@pytest.fixture(scope="session")
def parley_server(request):
    global _SERVER
    binary = os.environ.get("PARLEYD_BIN", "").strip()
    if not binary:
        pytest.skip("PARLEYD_BIN is not set: point it at the parleyd binary (e.g. PARLEYD_BIN=.build/debug/parleyd) to run the browser tests")
    binary = os.path.abspath(binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.fail(f"PARLEYD_BIN={binary} is not an executable file", pytrace=False)
    server = ParleyServer(binary)
    _SERVER = server
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()
    if request.session.testsfailed or os.environ.get("PARLEY_KEEP_DATA"):
        print(f"\nparleyd data dir kept at {server.data_dir}, logs at {server.log_dir}")
    else:
        server.cleanup()
        _SERVER = None


@pytest.fixture(scope="session")
def base_url(parley_server) -> str:
    return parley_server.base_url


# -------------------------------------------------------------------------------------------------
# The agent side, over the REST API (stdlib only)


class APIError(AssertionError):
    pass


class AgentAPI:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.token: str | None = None
        self.agent: dict | None = None

    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth and self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        return status, payload

    def expect(self, method: str, path: str, body: dict | None = None, ok=(200,), auth: bool = True):
        status, payload = self.request(method, path, body, auth=auth)
        if status not in ok:
            raise APIError(f"{method} {path} -> HTTP {status} (expected {', '.join(map(str, ok))}): {payload!r}")
        return payload

    def login(self) -> None:
        payload = self.expect("POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, auth=False)
        assert isinstance(payload, dict) and payload.get("token"), f"login answered without a token: {payload!r}"
        self.token = payload["token"]
        self.agent = payload.get("agent")

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
                    f"no conversation visible to {ADMIN_EMAIL} holds the visitor's message "
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
    api = AgentAPI(base_url)
    api.login()
    return api


# -------------------------------------------------------------------------------------------------
# The browser: a fresh profile per test (so each test is a new visitor)


@pytest.fixture
def browser():
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
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"  # leave a real alert open so the test can see it
    service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_SPY})
    try:
        yield driver
    finally:
        driver.quit()


# -------------------------------------------------------------------------------------------------
# Reporting: on failure, attach the page state, the browser console and the server log


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when == "call":
        driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
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
        if _SERVER is not None:
            report.sections.append(("parleyd output (tail)", _SERVER.logs(tail=LOG_TAIL_LINES)))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _SERVER is not None and exitstatus != 0:
        terminalreporter.section("parleyd stdout/stderr")
        terminalreporter.write_line(_SERVER.logs(tail=2000))
