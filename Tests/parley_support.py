"""What the Python suites that run the real parleyd binary share (Tests/Browser, Tests/Conformance).

Each suite's conftest.py puts this folder on sys.path and subclasses what it needs:

    ParleyServer   parleyd `serve` on a temporary data dir and a free port of 127.0.0.1, its logs,
                   and the body of the session-scoped `parley_server` fixture (ParleyServer.session)
    AgentAPI       the agent side over the REST API: request / expect / login
    APIError       what AgentAPI raises when the server answers otherwise than expected

Environment (read here): PARLEYD_BIN (the binary; without it the fixture skips) and
PARLEY_KEEP_DATA (keep the data dir and logs after a passing run). Only the standard library
talks to the server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

ADMIN_EMAIL = "admin@parley.local"
STARTUP_TIMEOUT_S = 60.0
LOG_TAIL_LINES = 150


# -------------------------------------------------------------------------------------------------
# The server


class ParleyServer:
    """A subclass names its suite (in the temporary dirs' names), the admin password it seeds, and the
    path that has to answer 200 before the server counts as started; `prepare` runs before `start`."""

    suite = "parley"
    admin_password = ""
    ready_path = "/health"
    current: ParleyServer | None = None  # the session's server (set per subclass), for the reporting hooks
    use_own_public_url = False  # True: PARLEY_PUBLIC_URL is the server's own base URL (URL-covering signatures)

    def __init__(self, binary: str):
        self.binary = binary
        self.data_dir = tempfile.mkdtemp(prefix=f"parley-{self.suite}-data-")
        self.log_dir = tempfile.mkdtemp(prefix=f"parley-{self.suite}-logs-")
        self.stdout_path = os.path.join(self.log_dir, "parleyd.stdout.log")
        self.stderr_path = os.path.join(self.log_dir, "parleyd.stderr.log")
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._stdout = None
        self._stderr = None

    def env(self) -> dict:
        env = dict(os.environ)
        env["PARLEY_ADMIN_PASSWORD"] = self.admin_password
        env["PARLEY_ADMIN_EMAIL"] = ADMIN_EMAIL
        if self.use_own_public_url:
            env["PARLEY_PUBLIC_URL"] = self.base_url
        return env

    @property
    def command(self) -> list[str]:
        return [self.binary, "serve", "--data-dir", self.data_dir, "--host", "127.0.0.1", "--port", str(self.port)]

    def log_files(self) -> list[tuple[str, str]]:
        """(label, path) of every log `logs()` shows, in order."""
        return [("stdout", self.stdout_path), ("stderr", self.stderr_path)]

    def prepare(self) -> None:
        """Work on the data dir before the server starts (nothing by default)."""

    def start(self) -> None:
        self._stdout = open(self.stdout_path, "wb")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            self.command, stdout=self._stdout, stderr=self._stderr, stdin=subprocess.DEVNULL, env=self.env()
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        last_error = "no attempt yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"parleyd exited with status {self.proc.returncode} before {self.ready_path} answered.\n"
                    f"command: {' '.join(self.command)}\n{self.logs()}"
                )
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=2) as response:
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
            f"parleyd did not answer GET {self.ready_path} with 200 within {STARTUP_TIMEOUT_S:.0f} s "
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
        for label, path in self.log_files():
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

    @classmethod
    def session(cls, request, skip_reason: str):
        """The body of a session-scoped `parley_server` fixture: `yield from Server.session(request, ...)`.

        Skips with `skip_reason` without PARLEYD_BIN; fails (with the server's logs) if the binary
        is not executable or `prepare`/`start` go wrong. After the session the data dir and logs are
        removed, unless a test failed or PARLEY_KEEP_DATA is set."""
        binary = os.environ.get("PARLEYD_BIN", "").strip()
        if not binary:
            pytest.skip(skip_reason)
        binary = os.path.abspath(binary)
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            pytest.fail(f"PARLEYD_BIN={binary} is not an executable file", pytrace=False)
        server = cls(binary)
        cls.current = server
        try:
            server.prepare()
            server.start()
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            server.stop()
            pytest.fail(str(error), pytrace=False)
        yield server
        server.stop()
        if request.session.testsfailed or os.environ.get("PARLEY_KEEP_DATA"):
            print(f"\nparleyd data dir kept at {server.data_dir}, logs at {server.log_dir}")
        else:
            server.cleanup()
            cls.current = None

    # Reporting, for the suites' pytest_runtest_makereport and pytest_terminal_summary hooks

    def attach_logs(self, report) -> None:
        report.sections.append(("parleyd output (tail)", self.logs(tail=LOG_TAIL_LINES)))

    def write_logs(self, terminalreporter, tail: int) -> None:
        terminalreporter.section("parleyd stdout/stderr")
        terminalreporter.write_line(self.logs(tail=tail))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -------------------------------------------------------------------------------------------------
# The agent side, over the REST API


def http_json(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> tuple[int, object]:
    """(status, parsed JSON body — or its text when it is not JSON, None when empty); a bearer token when given."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def demo_channel(base_url: str) -> str:
    """The web-chat channel parleyd made on its first start (the one /demo embeds)."""
    with urllib.request.urlopen(base_url + "/demo", timeout=10) as response:
        return re.search(r'data-channel="([^"]+)"', response.read().decode()).group(1)


class WebVisitor:
    """A new web-chat visitor of `channel`, with its session token; `say` posts a text the way the
    widget's HTTP fallback does, expects 200 and returns the conversation id."""

    def __init__(self, base_url: str, channel: str):
        self.base_url, self.channel = base_url, channel
        status, session = http_json(f"{base_url}/widget/{channel}/session", "POST", {})
        assert status == 200, session
        self.token = session["token"]

    def say(self, text: str) -> int:
        status, answer = http_json(f"{self.base_url}/hooks/{self.channel}", "POST",
                                   {"clientId": os.urandom(8).hex(), "text": text}, token=self.token)
        assert status == 200, answer
        return answer["conversationId"]


def signed_in_admin(server: ParleyServer) -> AgentAPI:
    """The admin parleyd seeded with the server's password, signed in."""
    api = AgentAPI(server.base_url, server.admin_password)
    api.login()
    return api


class APIError(AssertionError):
    pass


class AgentAPI:
    def __init__(self, base_url: str, password: str, email: str = ADMIN_EMAIL):
        self.base_url = base_url
        self.email = email
        self.password = password
        self.token: str | None = None
        self.agent: dict | None = None

    def request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> tuple[int, object]:
        return http_json(self.base_url + path, method, body, self.token if auth else None)

    def expect(self, method: str, path: str, body: dict | None = None, ok=(200,), auth: bool = True):
        status, payload = self.request(method, path, body, auth=auth)
        if status not in ok:
            raise APIError(f"{method} {path} -> HTTP {status} (expected {', '.join(map(str, ok))}): {payload!r}")
        return payload

    def login(self) -> None:
        payload = self.expect("POST", "/api/v1/auth/login", {"email": self.email, "password": self.password}, auth=False)
        assert isinstance(payload, dict) and payload.get("token"), f"login answered without a token: {payload!r}"
        self.token = payload["token"]
        self.agent = payload.get("agent")
