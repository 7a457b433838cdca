"""Browser tests of the widget's email form: the pre-chat form a site asks for with data-pre-chat,
the header's "Get replies by email" button, and the offline path they exist for — a visitor who
left gets the reply by email, with a link that reopens their conversation in another browser.

The pre-chat pages are served by `site` (conftest.py) from another port of 127.0.0.1 and load the
widget from parleyd, as a customer's web site would. Tests that need mail use this module's own
parleyd, started with PARLEY_SMTP_URL pointing at an aiosmtpd server on 127.0.0.1 and its
/demo channel set to `offlineFallbackAfter=1s`; the others use the session's parleyd.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import parley_support
from test_widget import LAUNCHER, assert_no_dialogs, ensure_window_open, open_demo, rendered, describe, visitor_sends, wait_connected, wait_for_message
from test_widget_push import demo_channel, wait_for_routes

EMAIL_BUTTON = '[data-parley="email"]'
FORM = '[data-parley="email-form"]'
EMAIL_INPUT = '[data-parley="email-input"]'
NAME_INPUT = '[data-parley="name-input"]'
SAVE = '[data-parley="email-save"]'
SKIP = '[data-parley="email-skip"]'
ROOT = '[data-parley="root"]'
SENDER = "Acme Support <help@acme.example>"
MAIL_TIMEOUT_S = 20.0

# What the visitor sees of the email form and around it, in one script call.
READ_FORM = """
const q = (hook) => document.querySelector('[data-parley="' + hook + '"]');
const form = q('email-form'), error = q('email-error'), saved = q('email-saved'), skip = q('email-skip');
const button = q('email'), input = q('input'), send = q('send');
const shown = (e) => !!e && !e.hidden && e.offsetParent !== null;
const focused = document.activeElement;
return {
  form: shown(form), mode: form.getAttribute('data-mode'),
  title: form.querySelector('.parley-email-title').textContent,
  email: q('email-input').value, name: q('name-input').value,
  emailInvalid: q('email-input').getAttribute('aria-invalid'),
  error: shown(error) ? error.textContent : '',
  saved: shown(saved) ? saved.textContent : '',
  skip: shown(skip) ? skip.textContent : null,
  button: shown(button), buttonLabel: button.getAttribute('aria-label'), expanded: button.getAttribute('aria-expanded'),
  buttonState: button.getAttribute('data-state'),
  composer: !input.disabled && !send.disabled, placeholder: input.placeholder,
  focus: focused ? focused.getAttribute('data-parley') : null,
  stored: window.Parley ? window.Parley.state.email : undefined,
};
"""


# -------------------------------------------------------------------------------------------------
# Helpers


def form_state(driver) -> dict:
    return driver.execute_script(READ_FORM)


def wait_form(driver, predicate, what: str, timeout: float = 10.0) -> dict:
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: (lambda s: s if predicate(s) else False)(form_state(d)))
    except TimeoutException:
        raise AssertionError(f"{what} within {timeout:.0f} s; the email form is {form_state(driver)!r}") from None


def type_into(driver, selector: str, text: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, selector)
    box.clear()
    box.send_keys(text)


def save_contact(driver, address: str, name: str = "") -> None:
    type_into(driver, EMAIL_INPUT, address)
    type_into(driver, NAME_INPUT, name)
    driver.find_element(By.CSS_SELECTOR, SAVE).click()


def open_site(driver, url: str) -> None:
    driver.get(url)
    try:
        WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, LAUNCHER))
    except TimeoutException:
        raise AssertionError(f"the widget launcher did not appear on {url} within 15 s") from None
    ensure_window_open(driver)


def stored_token(driver, channel: str) -> str:
    token = driver.execute_script("return localStorage.getItem(arguments[0])", f"parley.{channel}.token")
    assert token, f"no parley.{channel}.token in localStorage"
    return token


def unique_address(local: str) -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@example.com"


def confirmation(address: str, name: str = "") -> str:
    promise = f"email you at {address} if you leave."
    return f"Thanks, {name}! We\u2019ll {promise}" if name else f"We\u2019ll {promise}"


# -------------------------------------------------------------------------------------------------
# A parleyd that sends mail, to an SMTP server on 127.0.0.1


class Mailbox:
    """aiosmtpd's handler: keeps every mail with its envelope recipients."""

    def __init__(self):
        self.mails: list[tuple[list[str], email.message.EmailMessage]] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.mails.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.original_content, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [mail for recipients, mail in self.mails if address in recipients]


class MailingServer(parley_support.ParleyServer):
    suite = "browser-email"
    admin_password = "browser-email-pass"
    ready_path = "/ready"
    use_own_public_url = True  # the reopen link in the mail must point back at this server
    smtp_port = 0

    def env(self) -> dict:
        env = super().env()
        env["PARLEY_SMTP_URL"] = f"smtp://127.0.0.1:{self.smtp_port}"
        env["PARLEY_SMTP_FROM"] = SENDER
        return env


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=parley_support._free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def mail_server(request, mailbox):
    MailingServer.smtp_port = mailbox.port
    yield from MailingServer.session(request, skip_reason="PARLEYD_BIN is not set")


@pytest.fixture(scope="module")
def mail_agent(mail_server, agent_of):
    return agent_of(mail_server)


@pytest.fixture(scope="module")
def mail_channel(mail_server, mail_agent) -> str:
    """The web-chat channel of the mailing server's /demo, falling back to email after 1 s away."""
    channel = demo_channel(mail_server.base_url)
    mail_agent.expect("PATCH", f"/api/v1/channels/{channel}", {"settings": {"offlineFallbackAfter": "1s"}})
    return channel


# -------------------------------------------------------------------------------------------------
# The pre-chat form (data-pre-chat)


def test_required_pre_chat_email_unlocks_the_composer_and_the_plan_lists_the_email_route(browser, site, mail_server, mail_agent, mail_channel):
    open_site(browser, site.page("/shop.html", mail_server.base_url, mail_channel, pre_chat="email"))
    wait_connected(browser)

    state = wait_form(browser, lambda s: s["form"] and s["focus"] == "email-input", "the required pre-chat form did not show, focused")
    assert (state["mode"], state["title"], state["skip"]) == ("required", "Before we start", None), f"a required form has no Skip: {state!r}"
    assert not state["composer"], f"the composer must be unusable before an email is saved: {state!r}"
    assert browser.execute_script("return window.Parley.send('hello?')") is False, "Parley.send must refuse while the form is required"
    assert rendered(browser) == [], f"nothing may be sent before the email is saved:\n{describe(rendered(browser))}"

    # A bad address: the server's reason, naming the field, and the input kept for correcting.
    save_contact(browser, "ana@")
    state = wait_form(browser, lambda s: s["error"], "no error was shown for 'ana@'")
    assert state["error"] == "email: 'ana@' is not an email address such as ana@example.com", state
    assert (state["form"], state["email"], state["emailInvalid"], state["focus"]) == (True, "ana@", "true", "email-input"), state
    assert not state["composer"], "a refused address must not unlock the composer"

    address = unique_address("ana")
    save_contact(browser, address, "Ana")
    state = wait_form(browser, lambda s: not s["form"] and s["focus"] == "input", "the form did not close (focus to the composer) after a valid address was saved")
    assert state["saved"] == confirmation(address, "Ana"), state
    assert (state["composer"], state["focus"], state["stored"], state["buttonState"]) == (True, "input", address, "saved"), state

    # A returning visitor is not asked again.
    browser.refresh()
    ensure_window_open(browser)
    time.sleep(0.5)
    state = form_state(browser)
    assert not state["form"] and state["composer"] and state["saved"] == confirmation(address, "Ana"), f"after a reload: {state!r}"

    text = "Do you ship to Lisbon? " + uuid.uuid4().hex[:6]
    conversation = mail_agent.find_conversation(visitor_sends(browser, text), text)
    browser.get("about:blank")  # the visitor leaves: a reply would now go by email
    routes = wait_for_routes(mail_agent, conversation["id"], lambda names: "email" in names and "liveSocket" not in names, "once the visitor left")
    route = next(r for r in routes if r["route"] == "email")
    assert (route["channelId"], route["reason"]) == (mail_channel, f"the visitor left the address {address}"), route


def test_optional_pre_chat_can_be_skipped_and_stays_skipped(browser, base_url, site):
    page = site.page("/shop.html", base_url, demo_channel(base_url), pre_chat="optional")
    open_site(browser, page)
    state = wait_form(browser, lambda s: s["form"] and s["focus"] == "email-input", "the optional pre-chat form did not show, focused")
    assert (state["mode"], state["skip"], state["composer"]) == ("optional", "Skip", True), f"optional: Skip shown, composer usable: {state!r}"

    # Escape skips it, and focus goes to the composer.
    browser.find_element(By.CSS_SELECTOR, EMAIL_INPUT).send_keys(Keys.ESCAPE)
    state = wait_form(browser, lambda s: not s["form"] and s["focus"] == "input", "Escape did not close the optional form (focus to the composer)")
    assert state["saved"] == "", state
    browser.refresh()
    ensure_window_open(browser)
    time.sleep(0.5)
    assert not form_state(browser)["form"], "a skipped pre-chat form must not come back on the next page"

    # A new visitor (fresh storage) gets it again; the Skip button does the same as Escape.
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    ensure_window_open(browser)
    wait_form(browser, lambda s: s["form"], "a new visitor should see the optional form")
    browser.find_element(By.CSS_SELECTOR, SKIP).click()
    wait_form(browser, lambda s: not s["form"], "Skip did not close the optional form")

    # And a visitor who just starts typing is not held up by it.
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    ensure_window_open(browser)
    wait_connected(browser)
    wait_form(browser, lambda s: s["form"], "a new visitor should see the optional form")
    visitor_sends(browser, "Just a quick question")
    wait_form(browser, lambda s: not s["form"], "the optional form should give way once the visitor writes")


# -------------------------------------------------------------------------------------------------
# The header button


def test_header_button_opens_the_form_with_focus_and_escape_closes_it(browser, base_url):
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_connected(browser)
    state = form_state(browser)
    assert not state["form"] and state["composer"], f"without data-pre-chat there is no pre-chat form: {state!r}"
    assert (state["button"], state["buttonLabel"], state["expanded"], state["buttonState"]) == (True, "Get replies by email", "false", "none"), state

    browser.find_element(By.CSS_SELECTOR, EMAIL_BUTTON).click()
    state = wait_form(browser, lambda s: s["form"] and s["focus"] == "email-input", "the envelope button did not open the form, focused")
    assert (state["mode"], state["title"], state["skip"], state["expanded"], state["composer"]) == ("leave", "Get replies by email", "Cancel", "true", True), state
    labels = browser.execute_script(
        "return [arguments[0], arguments[1]].map(s => Array.from(document.querySelector(s).labels, l => l.textContent))", EMAIL_INPUT, NAME_INPUT
    )
    assert labels == [["Email"], ["Name (optional)"]], f"each field needs a visible label: {labels!r}"

    browser.find_element(By.CSS_SELECTOR, EMAIL_INPUT).send_keys(Keys.ESCAPE)
    state = wait_form(browser, lambda s: not s["form"] and s["focus"] == "email", "Escape did not close the form (focus back to the envelope button)")
    assert state["expanded"] == "false", state
    assert browser.find_element(By.CSS_SELECTOR, '[data-parley="window"]').get_attribute("data-open") == "true", "Escape in the form must not close the chat"

    browser.find_element(By.CSS_SELECTOR, EMAIL_BUTTON).click()
    wait_form(browser, lambda s: s["form"], "the envelope button did not open the form again")
    browser.find_element(By.CSS_SELECTOR, SKIP).click()
    wait_form(browser, lambda s: not s["form"], "Cancel did not close the form")


def test_network_error_says_so_and_keeps_the_address(browser, base_url):
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_connected(browser)
    browser.find_element(By.CSS_SELECTOR, EMAIL_BUTTON).click()
    wait_form(browser, lambda s: s["form"], "the envelope button did not open the form")

    address = unique_address("offline")
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    try:
        save_contact(browser, address)
        state = wait_form(browser, lambda s: s["error"], "no error was shown while offline")
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert state["error"] == "Could not reach the chat server \u2014 check your connection and try again.", state
    assert (state["form"], state["email"], state["stored"], state["saved"]) == (True, address, None, ""), f"nothing is saved, the input stays: {state!r}"

    browser.find_element(By.CSS_SELECTOR, SAVE).click()  # back online: the same address goes through
    state = wait_form(browser, lambda s: not s["form"], "saving again once online did not close the form")
    assert (state["saved"], state["stored"], state["error"]) == (confirmation(address), address, ""), state


def test_names_and_reasons_show_as_text_never_as_markup(browser, base_url):
    markup = "<img src=x onerror=alert(1)>"
    open_demo(browser, base_url)
    ensure_window_open(browser)
    wait_connected(browser)
    browser.find_element(By.CSS_SELECTOR, EMAIL_BUTTON).click()

    # The server's reason quotes what was typed: it must stay text.
    save_contact(browser, markup)
    state = wait_form(browser, lambda s: s["error"], "no error was shown for an address made of markup")
    assert state["error"] == f"email: '{markup}' is not an email address such as ana@example.com", state

    address = unique_address("mallory")
    save_contact(browser, address, markup)
    state = wait_form(browser, lambda s: not s["form"], "the form did not close after saving")
    assert state["saved"] == confirmation(address, markup), state
    browser.refresh()  # and again when the confirmation is rebuilt from storage
    ensure_window_open(browser)
    state = wait_form(browser, lambda s: s["saved"], "the confirmation did not come back after a reload")
    assert state["saved"] == confirmation(address, markup), state

    time.sleep(0.5)  # a broken <img> would have fired onerror by now
    assert browser.find_elements(By.CSS_SELECTOR, f"{ROOT} img") == [], "an <img> element was created inside the widget"
    assert_no_dialogs(browser)


# -------------------------------------------------------------------------------------------------
# The offline path: the reply by email, and the link back


def test_a_visitor_who_left_gets_the_reply_by_email_and_the_link_reopens_the_chat(browser, new_browser, mail_server, mail_agent, mail_channel, mailbox):
    address = unique_address("leaving")
    text = "Can you hold two tins of sencha for me? " + uuid.uuid4().hex[:6]
    visitor = new_browser()
    try:
        open_demo(visitor, mail_server.base_url)
        ensure_window_open(visitor)
        wait_connected(visitor)
        visitor.find_element(By.CSS_SELECTOR, EMAIL_BUTTON).click()
        wait_form(visitor, lambda s: s["form"] and s["focus"] == "email-input", "the envelope button did not open the form")
        save_contact(visitor, address)
        state = wait_form(visitor, lambda s: not s["form"], "the form did not close after saving")
        assert state["saved"] == confirmation(address), state
        message_id = visitor_sends(visitor, text)
        token = stored_token(visitor, mail_channel)
        visitor_id = visitor.execute_script("return window.Parley.state.visitorId")
    finally:
        visitor.quit()  # the visitor closes the browser: the socket goes with it

    conversation = mail_agent.find_conversation(message_id, text)
    mail_agent.assign_to_me(conversation["id"])
    # What the agent sees before typing: the visitor is away, and the reply can go by email.
    wait_for_routes(mail_agent, conversation["id"], lambda names: names[:1] == ["heldForReturn"] and "email" in names, "once the visitor left")
    reply = "Of course \u2014 two tins are set aside under your name."
    mail_agent.reply(conversation["id"], reply)

    deadline = time.monotonic() + MAIL_TIMEOUT_S
    while not mailbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address} within {MAIL_TIMEOUT_S:.0f} s; the SMTP server got mail for {[r for r, _ in mailbox.mails]!r}"
        time.sleep(0.2)
    time.sleep(2.0)  # a second copy would have arrived by now
    mails = mailbox.to(address)
    assert len(mails) == 1, f"expected one mail to {address}, got {len(mails)}"
    body = mails[0].get_content()
    assert reply in body, f"the mail should carry the reply:\n{body}"
    link = re.search(r"Continue the conversation: (\S+)", body)
    assert link, f"the mail has no link back to the chat:\n{body}"
    assert link.group(1) == f"{mail_server.base_url}/chat/{mail_channel}#parley-token={token}", link.group(1)

    # The visitor opens the link in another browser: the same conversation, with the reply.
    browser.get(link.group(1))
    wait_for_message(browser, "outbound", reply, 10, "the reply, after opening the link in the mail")
    wait_connected(browser)
    messages = rendered(browser)
    assert [(m["direction"], m["text"]) for m in messages] == [("inbound", text), ("outbound", reply)], describe(messages)
    assert browser.execute_script("return window.Parley.state.visitorId") == visitor_id, "the link should continue as the same visitor"
    assert not form_state(browser)["form"], "no form stands between a visitor who came by the link and their conversation"
