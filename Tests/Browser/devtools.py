"""A raw Chrome DevTools Protocol connection to the browser Selenium started, for what
`driver.execute_cdp_cmd` cannot do: wait for events. Used to learn a service worker's
registration id (ServiceWorker.workerRegistrationUpdated) and hand it a push message
(ServiceWorker.deliverPushMessage), the way DevTools' "Push" button does.

The browser's DevTools endpoint listens on 127.0.0.1 (chromedriver's debuggerAddress).
"""

from __future__ import annotations

import json
import time
import urllib.request

import websocket  # websocket-client


class DevTools:
    def __init__(self, driver):
        address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]  # "localhost:PORT"
        port = int(address.rsplit(":", 1)[1])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=5) as response:
            url = json.load(response)["webSocketDebuggerUrl"]
        # The URL names "localhost"; the address is spelled out so no name is resolved.
        url = url.replace("ws://localhost:", "ws://127.0.0.1:")
        self.socket = websocket.create_connection(url, timeout=10, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        page = next(t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]

    def close(self) -> None:
        self.socket.close()

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.call(method, params, self.session)

    def wait_for_event(self, method: str, matches, timeout: float = 10.0) -> dict:
        """The first event named `method` whose params satisfy `matches`, seen or still to come."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and matches(event["params"]):
                    return event["params"]
            self.events.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {method} event matched within {timeout:.0f} s")
            self.socket.settimeout(remaining)
            try:
                message = json.loads(self.socket.recv())
            except websocket.WebSocketTimeoutException:
                continue
            finally:
                self.socket.settimeout(10)
            if "method" in message:
                self.events.append(message)

    def service_worker_registration_id(self, scope: str) -> str:
        """The id DevTools knows the registration for `scope` by (ServiceWorker.enable replays
        every registration as an event)."""
        self.page("ServiceWorker.enable")
        params = self.wait_for_event(
            "ServiceWorker.workerRegistrationUpdated",
            lambda p: any(r["scopeURL"] == scope and not r.get("isDeleted") for r in p["registrations"]),
        )
        return next(r["registrationId"] for r in params["registrations"] if r["scopeURL"] == scope)

    def deliver_push(self, origin: str, registration_id: str, data: str) -> None:
        self.page("ServiceWorker.deliverPushMessage", {"origin": origin, "registrationId": registration_id, "data": data})
