"""Browser tests of the web-chat widget against a real parleyd (see conftest.py).

Each test gets a fresh browser profile, so each is a new visitor with its own conversation.
The agent side uses the REST API as admin@parley.local.
"""

from __future__ import annotations

import time

from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

SCREENSHOT = "/tmp/parley-widget.png"
REPLY_TIMEOUT_S = 5.0

LAUNCHER = '[data-parley="launcher"]'
WINDOW = '[data-parley="window"]'
INPUT = '[data-parley="input"]'
SEND = '[data-parley="send"]'
STATUS = '[data-parley="status"]'
MESSAGE_LIST = '[data-parley="messages"]'

# One snapshot of every rendered message, read in a single script call (no stale elements).
READ_MESSAGES = """
return Array.from(document.querySelectorAll('[data-parley="message"]')).map((e) => {
  const text = e.querySelector('[data-parley="text"]');
  return {direction: e.getAttribute('data-direction'), id: e.getAttribute('data-id'),
          clientId: e.getAttribute('data-client-id'), state: e.getAttribute('data-state'),
          text: text ? text.textContent : null};
});
"""


# -------------------------------------------------------------------------------------------------
# Helpers


def rendered(driver) -> list[dict]:
    return driver.execute_script(READ_MESSAGES)


def describe(messages: list[dict]) -> str:
    return "\n".join(f"  {m['direction']:<8} id={m['id']} state={m['state']} text={m['text']!r}" for m in messages) or "  (none)"


def open_demo(driver, base_url: str) -> None:
    driver.get(base_url + "/demo")
    try:
        WebDriverWait(driver, 15).until(EC.element_to_be_clickable((By.CSS_SELECTOR, LAUNCHER)))
    except TimeoutException:
        raise AssertionError(
            f"the widget launcher {LAUNCHER} did not appear on {base_url}/demo within 15 s "
            f"(is /widget.js served and {{{{CHANNEL_ID}}}} replaced?)"
        ) from None


def ensure_window_open(driver) -> None:
    # data-open, not is_displayed(): the opening animation starts at opacity 0, which Selenium
    # counts as hidden, and clicking the launcher then would close the window again.
    if driver.find_element(By.CSS_SELECTOR, WINDOW).get_attribute("data-open") != "true":
        driver.find_element(By.CSS_SELECTOR, LAUNCHER).click()
    try:
        WebDriverWait(driver, 5).until(EC.visibility_of_element_located((By.CSS_SELECTOR, WINDOW)))
    except TimeoutException:
        raise AssertionError(f"clicking {LAUNCHER} did not show the chat window {WINDOW}") from None
    assert "Chat with us" in driver.find_element(By.CSS_SELECTOR, WINDOW).text, "the chat window has no 'Chat with us' header"


def wait_connected(driver, timeout: float = 20.0) -> None:
    try:
        WebDriverWait(driver, timeout).until(
            lambda d: d.find_element(By.CSS_SELECTOR, STATUS).get_attribute("data-state") == "connected"
        )
    except TimeoutException:
        status = driver.find_element(By.CSS_SELECTOR, STATUS)
        raise AssertionError(
            f"the widget did not connect its WebSocket within {timeout:.0f} s: status line says "
            f"{status.text!r} (data-state={status.get_attribute('data-state')!r})"
        ) from None
    assert driver.find_element(By.CSS_SELECTOR, STATUS).text == "Connected", "the status line should read 'Connected'"


def wait_for_message(driver, direction: str, text: str, timeout: float, what: str) -> dict:
    """Waits until a message with this direction and exact text is rendered; returns it."""

    def found(d):
        for message in rendered(d):
            if message["direction"] == direction and message["text"] == text and message["id"]:
                return message
        return False

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(found)
    except TimeoutException:
        raise AssertionError(
            f"{what}: no {direction} message {text!r} with an id rendered within {timeout:.1f} s; the widget shows:\n"
            + describe(rendered(driver))
        ) from None


def visitor_sends(driver, text: str) -> int:
    """Types and sends a message as the visitor; waits until the server acknowledged it. Returns its id."""
    box = driver.find_element(By.CSS_SELECTOR, INPUT)
    box.click()
    box.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, SEND).click()
    assert box.get_attribute("value") == "", "the input should be cleared after sending"

    def acknowledged(d):
        for message in rendered(d):
            if message["direction"] == "inbound" and message["text"] == text and message["state"] == "sent" and message["id"]:
                return message
        return False

    try:
        message = WebDriverWait(driver, 10, poll_frequency=0.1).until(acknowledged)
    except TimeoutException:
        raise AssertionError(
            f"the visitor's message {text!r} was not acknowledged (data-state='sent' with a data-id) within 10 s:\n"
            + describe(rendered(driver))
        ) from None
    return int(message["id"])


def assert_each_once(messages: list[dict]) -> None:
    ids = [m["id"] for m in messages]
    assert all(ids), f"every rendered message should have a data-id once settled:\n{describe(messages)}"
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"message ids rendered more than once: {duplicates}\n{describe(messages)}"
    numeric = [int(i) for i in ids]
    assert numeric == sorted(numeric), f"messages are not rendered in id order:\n{describe(messages)}"


def assert_no_dialogs(driver) -> None:
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise AssertionError(f"a native dialog was raised: {text!r}")
    except NoAlertPresentException:
        pass
    recorded = driver.execute_script("return window.__parleyDialogs || []")
    assert recorded == [], f"the page called alert/confirm/prompt (script injection?): {recorded!r}"


def start_conversation(driver, base_url: str, agent, text: str) -> tuple[int, dict]:
    open_demo(driver, base_url)
    ensure_window_open(driver)
    wait_connected(driver)
    message_id = visitor_sends(driver, text)
    conversation = agent.find_conversation(message_id, text)
    agent.assign_to_me(conversation["id"])
    return message_id, conversation


# -------------------------------------------------------------------------------------------------
# Tests


def test_visitor_message_reaches_agent_and_reply_is_rendered(browser, base_url, agent):
    text = "Hello from the browser"
    _, conversation = start_conversation(browser, base_url, agent, text)

    reply = "Hi! How can I help?"
    agent.reply(conversation["id"], reply)
    started = time.monotonic()
    wait_for_message(browser, "outbound", reply, REPLY_TIMEOUT_S, "the agent's reply")
    elapsed = time.monotonic() - started
    browser.save_screenshot(SCREENSHOT)

    messages = rendered(browser)
    assert [(m["direction"], m["text"]) for m in messages] == [("inbound", text), ("outbound", reply)], (
        f"expected exactly the visitor's message then the agent's reply (rendered after {elapsed:.2f} s):\n{describe(messages)}"
    )
    assert_each_once(messages)
    bubble = browser.find_element(By.CSS_SELECTOR, '[data-parley="message"][data-direction="outbound"]')
    assert bubble.is_displayed(), "the agent's reply is in the DOM but not visible"


def test_message_text_is_never_interpreted_as_html(browser, base_url, agent):
    payload = "<img src=x onerror=alert(1)>"
    _, conversation = start_conversation(browser, base_url, agent, payload)

    visitor_bubbles = [m for m in rendered(browser) if m["direction"] == "inbound"]
    assert [m["text"] for m in visitor_bubbles] == [payload], f"the visitor's message should show literally:\n{describe(rendered(browser))}"
    element = browser.find_element(By.CSS_SELECTOR, '[data-parley="message"][data-direction="inbound"] [data-parley="text"]')
    assert element.text == payload, f"the visible text should equal the literal string, got {element.text!r}"
    assert browser.find_elements(By.CSS_SELECTOR, f"{MESSAGE_LIST} img") == [], "an <img> element was created inside the message list"

    reply = "<b>bold</b>"
    agent.reply(conversation["id"], reply)
    wait_for_message(browser, "outbound", reply, REPLY_TIMEOUT_S, "the agent's reply with markup")
    element = browser.find_element(By.CSS_SELECTOR, '[data-parley="message"][data-direction="outbound"] [data-parley="text"]')
    assert element.text == reply, f"the agent's reply should show literally, got {element.text!r}"
    assert browser.find_elements(By.CSS_SELECTOR, f"{MESSAGE_LIST} b") == [], "a <b> element was created inside the message list"
    assert browser.find_elements(By.CSS_SELECTOR, f"{MESSAGE_LIST} img") == [], "an <img> element was created inside the message list"

    time.sleep(0.5)  # a broken <img> would have fired onerror by now
    assert_no_dialogs(browser)
    assert_each_once(rendered(browser))


def test_returning_visitor_sees_replies_sent_while_away_once_each(browser, base_url, agent):
    first = "Hi, I am a returning visitor"
    _, conversation = start_conversation(browser, base_url, agent, first)
    welcome = "Welcome to Acme Tea! Looking for anything in particular?"
    agent.reply(conversation["id"], welcome)
    wait_for_message(browser, "outbound", welcome, REPLY_TIMEOUT_S, "the first reply")
    token = browser.execute_script("return Object.keys(localStorage).filter(k => k.endsWith('.token')).map(k => localStorage.getItem(k))")
    assert len(token) == 1 and token[0], f"expected one parley.<channel>.token in localStorage, found {token!r}"

    # The visitor leaves; the agent answers twice while they are away.
    browser.get("about:blank")
    agent.reply(conversation["id"], "first while away")
    agent.reply(conversation["id"], "second while away")

    # The visitor comes back in the same browser (localStorage kept).
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_for_message(browser, "outbound", "second while away", 10, "the second reply sent while away")
    wait_connected(browser)
    time.sleep(1.5)  # let the resume, the echo and any poll settle: a late duplicate would show up now

    messages = rendered(browser)
    expected = [("inbound", first), ("outbound", welcome), ("outbound", "first while away"), ("outbound", "second while away")]
    assert [(m["direction"], m["text"]) for m in messages] == expected, (
        "after returning, the widget should show the earlier exchange and then both replies, once each and in order:\n"
        + describe(messages)
    )
    assert_each_once(messages)
    token_after = browser.execute_script("return Object.keys(localStorage).filter(k => k.endsWith('.token')).map(k => localStorage.getItem(k))")
    assert token_after == token, "the returning visitor should keep the same visitor token"
