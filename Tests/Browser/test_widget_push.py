"""Browser tests of the widget's Web Push side and of the reopen link (see conftest.py).

`push_browser` is a headless Chromium whose PushManager.subscribe() really runs: Chromium checks
in and registers with the fake GCM servers of fake_gcm.py on 127.0.0.1 and builds a real FCM
endpoint from the token they hand out, which the widget then gives to parleyd. No page script is
replaced. No test here sends a reply to a visitor who subscribed: parleyd would then push to
fcm.googleapis.com, off this machine.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
import uuid

from devtools import DevTools
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from parley_support import http_json
from test_widget import LAUNCHER, describe, ensure_window_open, open_demo, rendered, visitor_sends, wait_connected, wait_for_message

NOTIFY = '[data-parley="notify"]'
NOTICE = '[data-parley="notice"]'
WINDOW = '[data-parley="window"]'
SUBSCRIBE_TIMEOUT_S = 30.0


# -------------------------------------------------------------------------------------------------
# Helpers


def demo_channel(base_url: str) -> str:
    with urllib.request.urlopen(base_url + "/demo", timeout=10) as response:
        page = response.read().decode()
    match = re.search(r'data-channel="([^"]+)"', page)
    assert match, "the /demo page names no data-channel"
    return match.group(1)


def server_push_key(base_url: str) -> str:
    status, body = http_json(base_url + "/widget/push-key")
    assert status == 200 and isinstance(body, dict) and body.get("publicKey"), f"GET /widget/push-key -> {status} {body!r}"
    return body["publicKey"]


def set_notifications(driver, origin: str, setting: str) -> None:
    """The site's notification permission as the visitor's browser settings would hold it."""
    driver.execute_cdp_cmd("Browser.setPermission", {"origin": origin, "permission": {"name": "notifications"}, "setting": setting})


def notify_state(driver) -> dict:
    return driver.execute_script(
        "const b = document.querySelector(arguments[0]); const n = document.querySelector(arguments[1]);"
        "return {present: !!b, hidden: b ? b.hidden : null, visible: b ? b.offsetParent !== null : false,"
        " state: b ? b.getAttribute('data-state') : null, label: b ? b.getAttribute('aria-label') : null,"
        " notice: n && !n.hidden ? n.textContent : '', api: window.Parley ? window.Parley.state.notifications : null};",
        NOTIFY,
        NOTICE,
    )


def wait_notify(driver, predicate, timeout: float, what: str) -> dict:
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: (lambda s: s if predicate(s) else False)(notify_state(d)))
    except TimeoutException:
        console = "\n".join(f"  {e.get('level')} {e.get('message')}" for e in driver.get_log("browser")) or "  (empty)"
        raise AssertionError(f"{what} within {timeout:.0f} s; the notify button is {notify_state(driver)!r}\nbrowser console:\n{console}") from None


def registrations(driver) -> list[dict]:
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.getRegistrations().then(rs => done(rs.map(r => ({scope: r.scope,"
        " active: r.active ? r.active.scriptURL : null, state: r.active ? r.active.state : null}))),"
        " e => done([{error: String(e)}]));"
    )


def subscription_json(driver) -> dict | None:
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.getRegistrations().then(async rs => {"
        "  for (const r of rs) { const s = await r.pushManager.getSubscription(); if (s) return done(s.toJSON()); }"
        "  done(null); }, e => done({error: String(e)}));"
    )


def delivery_routes(agent, conversation_id: int) -> list[dict]:
    plan = agent.expect("GET", f"/api/v1/conversations/{conversation_id}/delivery-plan")
    return list(plan.get("routes", []))


def wait_for_routes(agent, conversation_id: int, predicate, when: str, timeout: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        routes = delivery_routes(agent, conversation_id)
        if predicate([r["route"] for r in routes]):
            return routes
        assert time.monotonic() < deadline, f"the delivery plan is not as expected {when} after {timeout:.0f} s; routes: {routes!r}"
        time.sleep(0.2)


def turn_on_notifications(driver, base_url: str) -> dict:
    """Allows notifications for the page's origin, as a visitor answering the browser's prompt
    would, then clicks the bell; returns the button's state once it settled."""
    ensure_window_open(driver)
    wait_notify(driver, lambda s: s["visible"] and s["state"] == "off", 15, "the notify button did not appear (state off)")
    set_notifications(driver, base_url, "granted")
    driver.find_element(By.CSS_SELECTOR, NOTIFY).click()
    return wait_notify(driver, lambda s: s["state"] in ("on", "failed"), SUBSCRIBE_TIMEOUT_S, "the notify button did not settle")


# -------------------------------------------------------------------------------------------------
# The bell: subscribing for real


def test_notify_button_subscribes_and_the_delivery_plan_lists_web_push(push_browser, base_url, agent, gcm):
    driver = push_browser
    open_demo(driver, base_url)
    ensure_window_open(driver)
    wait_connected(driver)
    text = "Please notify me when you answer " + uuid.uuid4().hex[:8]
    message_id = visitor_sends(driver, text)

    settled = turn_on_notifications(driver, base_url)
    assert settled["state"] == "on", f"turning notifications on failed: {settled!r}"
    assert settled["notice"].startswith("Notifications on"), f"the status line should confirm, it shows {settled['notice']!r}"
    assert settled["api"] == "on"

    # The browser subscribed through (fake) GCM with parleyd's VAPID key as the sender...
    key = server_push_key(base_url)
    web_push = gcm.web_push_registrations()
    assert [r.form.get("sender") for r in web_push] == [key], (
        f"expected one Web Push registration with parleyd's key {key!r}; GCM saw {[r.form for r in web_push]!r}"
    )
    subscription = subscription_json(driver)
    assert subscription and subscription["endpoint"].startswith("https://fcm.googleapis.com/"), f"subscription: {subscription!r}"
    assert subscription["endpoint"].endswith("/" + web_push[0].token), "the endpoint should carry the token GCM handed out"
    assert subscription["keys"]["p256dh"] and subscription["keys"]["auth"]
    # ...from parleyd's own worker, since /demo is on parleyd's origin.
    assert [(r["scope"], r["active"]) for r in registrations(driver)] == [(base_url + "/", base_url + "/widget-sw.js")]
    assert driver.execute_script("return window.__parleyDialogs") == [], "no alert/confirm/prompt may be used"

    # The visitor leaves (Chromium keeps the page, frozen, in its back/forward cache): with the
    # socket gone, the next route for a reply after holding it is Web Push.
    conversation = agent.find_conversation(message_id, text)
    driver.get("about:blank")
    routes = wait_for_routes(agent, conversation["id"], lambda names: "webPush" in names and "liveSocket" not in names, "once the visitor left")
    push_route = next(r for r in routes if r["route"] == "webPush")
    assert push_route["channelId"] == demo_channel(base_url) and push_route["linked"] is False, push_route

    # Back on the page, the chat is live again and a reply would simply show.
    driver.back()
    wait_connected(driver)
    wait_for_routes(agent, conversation["id"], lambda names: names[:1] == ["liveSocket"], "once the visitor came back")


def test_permission_given_earlier_subscribes_again_without_a_click(push_browser, base_url, gcm):
    driver = push_browser
    open_demo(driver, base_url)
    assert turn_on_notifications(driver, base_url)["state"] == "on"
    first = subscription_json(driver)
    registrations_before = len(gcm.web_push_registrations())

    driver.refresh()
    # No click: the permission is already granted, so the widget re-registers and re-sends.
    settled = wait_notify(driver, lambda s: s["state"] in ("on", "failed"), SUBSCRIBE_TIMEOUT_S, "the widget did not resubscribe on its own")
    assert settled["state"] == "on" and settled["visible"], settled
    assert settled["notice"] == "", f"the silent resubscription should not show a message, it shows {settled['notice']!r}"
    assert subscription_json(driver)["endpoint"] == first["endpoint"], "the existing subscription should be kept"
    assert len(gcm.web_push_registrations()) == registrations_before, "no new GCM registration was needed"


def test_service_worker_shows_pushed_notifications(push_browser, base_url):
    driver = push_browser
    open_demo(driver, base_url)
    assert turn_on_notifications(driver, base_url)["state"] == "on"
    read = (
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.getRegistration('/').then(r => r.getNotifications()).then("
        " ns => done(ns.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}))), e => done([{error: String(e)}]));"
    )
    payload = {
        "title": "Acme Tea replied",
        "body": "Your order ships tomorrow.",
        "url": base_url + "/chat/" + demo_channel(base_url) + "#parley-token=abc",
        "tag": "parley-conversation-7",
        "conversationId": 7,
        "messageIds": [41, 42],
    }
    devtools = DevTools(driver)
    try:
        devtools.record_background_service("pushMessaging")
        devtools.record_background_service("notifications")
        registration_id = devtools.service_worker_registration_id(base_url + "/")
        devtools.deliver_push(base_url, registration_id, json.dumps(payload))
        devtools.deliver_push(base_url, registration_id, "this is not JSON {")
        outcomes = devtools.background_events("pushMessaging", "Push event completed", 2)
        displayed = devtools.background_events("notifications", "Notification displayed", 2)
    finally:
        devtools.close()
    assert [o.get("Status") for o in outcomes] == ["Success", "Success"], f"the worker's push handler failed: {outcomes!r}"
    assert sorted((d.get("Title"), d.get("Body")) for d in displayed) == [
        ("Acme Tea replied", "Your order ships tomorrow."),
        ("New reply", "You have a new message. Open the chat to read it."),
    ], f"notifications displayed: {displayed!r}"

    # Read only once Chromium reported them displayed: an earlier getNotifications() can sync
    # with the display before they reach it, and then drops them.
    shown = driver.execute_async_script(read)
    by_title = {n["title"]: n for n in shown}
    assert set(by_title) == {"Acme Tea replied", "New reply"}, f"notifications shown: {shown!r}"
    reply = by_title["Acme Tea replied"]
    assert (reply["body"], reply["tag"], reply["data"]["url"]) == (payload["body"], payload["tag"], payload["url"]), reply
    generic = by_title["New reply"]
    assert generic["body"] and generic["tag"] == "", f"a garbled payload should still show a generic notification: {generic!r}"


# -------------------------------------------------------------------------------------------------
# When the bell is shown


def test_notify_button_hidden_where_notifications_cannot_work(browser, base_url, site):
    channel = demo_channel(base_url)

    # Blocked for the site: the browser would refuse without asking, so there is no button.
    set_notifications(browser, base_url, "denied")
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_connected(browser)
    time.sleep(1.0)  # the push-key request has long answered by now
    state = notify_state(browser)
    assert state["present"] and not state["visible"] and state["api"] == "unavailable", f"blocked: {state!r}"

    # Not blocked: the bell is there, off, labelled for screen readers.
    set_notifications(browser, base_url, "prompt")
    open_demo(browser, base_url)
    ensure_window_open(browser)
    state = wait_notify(browser, lambda s: s["visible"], 10, "with notifications not blocked the bell should show")
    assert state["state"] == "off" and state["label"] == "Turn on notifications for replies", state

    # A site on another origin that names no worker of its own: parleyd's worker cannot be
    # registered there, so no button.
    browser.get(site.page("/plain.html", base_url, channel))
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, LAUNCHER))
    ensure_window_open(browser)
    wait_connected(browser)
    time.sleep(1.0)
    state = notify_state(browser)
    assert state["present"] and not state["visible"], f"cross-origin without data-service-worker: {state!r}"
    assert registrations(browser) == [], "no service worker may be registered on the site"


def test_site_on_another_origin_subscribes_through_its_own_worker(push_browser, base_url, site, gcm):
    driver = push_browser
    site.files["/parley-sw.js"] = ("text/javascript", f"importScripts('{base_url}/widget-sw.js');\n")
    driver.get(site.page("/shop.html", base_url, demo_channel(base_url), service_worker="/parley-sw.js"))
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, LAUNCHER))
    ensure_window_open(driver)
    wait_connected(driver)

    before = len(gcm.web_push_registrations())
    settled = turn_on_notifications(driver, site.origin)
    assert settled["state"] == "on", f"subscribing through the site's worker failed: {settled!r}"
    assert [(r["scope"], r["active"]) for r in registrations(driver)] == [(site.origin + "/", site.origin + "/parley-sw.js")]
    assert len(gcm.web_push_registrations()) == before + 1
    assert subscription_json(driver)["endpoint"].startswith("https://fcm.googleapis.com/")


def test_subscription_the_server_refuses_shows_a_message_not_an_alert(staging_push_browser, base_url, gcm):
    """A plain Chromium build subscribes with an endpoint on Google's staging host
    jmt17.google.com (see push_browser in conftest.py), which parleyd's default push-service
    policy does not know and refuses with a 400: the failure must reach the visitor as a short
    message in the status line, never as an alert."""
    driver = staging_push_browser
    open_demo(driver, base_url)
    ensure_window_open(driver)
    wait_connected(driver)
    settled = turn_on_notifications(driver, base_url)
    assert settled["state"] == "failed", settled
    assert settled["notice"] == "Notifications could not be turned on \u2014 try again later", settled
    assert subscription_json(driver)["endpoint"].startswith("https://jmt17.google.com/"), "the browser did subscribe"
    assert driver.execute_script("return window.__parleyDialogs") == [], "no alert/confirm/prompt may be used"
    refusals = [e["message"] for e in driver.get_log("browser") if "push endpoint" in e.get("message", "")]
    assert refusals and "jmt17.google.com" in refusals[0], "the server's reason should be in the console for the site's developers"


# -------------------------------------------------------------------------------------------------
# The reopen link: /chat/<channelId>#parley-token=<token>


def test_reopen_link_continues_the_visitor_conversation_in_a_fresh_browser(browser, base_url, agent):
    channel = demo_channel(base_url)
    # Visitor A writes from some other device (over the widget's HTTP API) and gets a reply.
    status, session = http_json(f"{base_url}/widget/{channel}/session", "POST", {})
    assert status == 200, session
    token = session["token"]
    text = "Is the oolong back in stock? " + uuid.uuid4().hex[:6]
    status, sent = http_json(f"{base_url}/hooks/{channel}", "POST", {"clientId": uuid.uuid4().hex, "text": text}, token=token)
    assert status in (200, 201, 202), sent
    conversation = agent.find_conversation(None, text)
    agent.assign_to_me(conversation["id"])
    reply = "Yes, it is back since Monday."
    agent.reply(conversation["id"], reply)

    # This browser already chatted as someone else (visitor B).
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_connected(browser)
    visitor_sends(browser, "I am visitor B")

    browser.get(f"{base_url}/chat/{channel}#parley-token={urllib.parse.quote(token)}")
    wait_for_message(browser, "outbound", reply, 10, "visitor A's reply after opening the reopen link")
    wait_connected(browser)
    time.sleep(1.0)  # a late copy of visitor B's thread would show up now
    messages = rendered(browser)
    assert [(m["direction"], m["text"]) for m in messages] == [("inbound", text), ("outbound", reply)], (
        "the reopen link should show visitor A's conversation, and only it:\n" + describe(messages)
    )
    assert browser.find_element(By.CSS_SELECTOR, WINDOW).get_attribute("data-open") == "true", "the chat should open by itself"
    location = browser.execute_script("return {href: location.href, hash: location.hash}")
    assert location == {"href": f"{base_url}/chat/{channel}", "hash": ""}, f"the token should be gone from the address bar: {location!r}"
    stored = browser.execute_script("return localStorage.getItem(arguments[0])", f"parley.{channel}.token")
    assert stored == token, "the widget should keep visitor A's token for later visits"


def test_chat_page_for_an_unknown_channel_is_a_plain_404(base_url):
    status, body = http_json(base_url + "/chat/ch_nope")
    assert (status, body) == (404, "there is no web-chat channel with this id")
