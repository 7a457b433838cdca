"""A raw Chrome DevTools Protocol connection to the browser Selenium started, for what
`driver.execute_cdp_cmd` cannot do: wait for events. Used to learn a service worker's
registration id (ServiceWorker.workerRegistrationUpdated), hand it a push message
(ServiceWorker.deliverPushMessage), the way DevTools' "Push" button does, and see what came of
it (BackgroundService events: the push event's outcome, the notifications displayed).

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

    def wait_for_events(self, method: str, matches, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """The params of the first `count` events named `method` that satisfy `matches`, seen so
        far or still to come."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e["params"] for e in self.events if e["method"] == method and matches(e["params"])]
            if len(found) >= count:
                return found[:count]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{len(found)} of {count} {method} events matched within {timeout:.0f} s: {found!r}")
            self.socket.settimeout(remaining)
            try:
                message = json.loads(self.socket.recv())
            except websocket.WebSocketTimeoutException:
                continue
            finally:
                self.socket.settimeout(10)
            if "method" in message:
                self.events.append(message)

    def wait_for_event(self, method: str, matches, timeout: float = 10.0) -> dict:
        return self.wait_for_events(method, matches, 1, timeout)[0]

    def record_background_service(self, service: str) -> None:
        """Has Chromium report the service's events ("pushMessaging": "Push event completed";
        "notifications": "Notification displayed"), as DevTools' Background services panel does."""
        self.page("BackgroundService.startObserving", {"service": service})
        self.page("BackgroundService.setRecording", {"shouldRecord": True, "service": service})

    def background_events(self, service: str, name: str, count: int, timeout: float = 10.0) -> list[dict]:
        """`count` recorded events of the service with this name, each as {metadata key: value}."""
        events = self.wait_for_events(
            "BackgroundService.backgroundServiceEventReceived",
            lambda p: p["backgroundServiceEvent"]["service"] == service and p["backgroundServiceEvent"]["eventName"] == name,
            count,
            timeout,
        )
        return [{m["key"]: m["value"] for m in e["backgroundServiceEvent"]["eventMetadata"]} for e in events]

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
