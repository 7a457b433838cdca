"""The SMS (Twilio) samples (samples/webhooks/sms): replay.py signs each form as Twilio does
(checked with the twilio SDK's RequestValidator), and a real channel stores each as the content an
agent sees, once (the redelivery stores nothing); MMS media is downloaded from the (local) media
host with the account's credentials. STOP opts the customer out, so a reply fails with a reason
saying so, and START opts them back in. Forged forms, and forms signed for another URL, store nothing."""

from __future__ import annotations

import base64
import glob
import os
import time
import urllib.parse

import pytest
from twilio.request_validator import RequestValidator

import webhook_client
from samples_support import answers, kind_of, load_replay, MediaHost, raw, run_replay, samples_dir, show, STORED_MEDIA_PREFIX, wait_downloaded

SAMPLES = samples_dir("sms")
FILES = sorted(glob.glob(os.path.join(SAMPLES, "*.form")))
SAMPLE_FROM = "+14155550142"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MMS_FILES = {"03-mms-one-image.form", "04-mms-two-media.form"}


def text(body: str) -> dict:
    return {"type": "text", "text": body}


# file name (without the number and extension) -> what the agent sees, in order; MMS media as
# (type, the declared MediaContentType), the platform ids as suffixes of the MessageSid.
STORED = {
    "sms": [text("Hi, is my order #4512 shipped yet?")],
    "sms-unicode": [text("¿Dónde está mi pedido? 📦 Gracias — Zoë")],
    "mms-one-image": [text("Here is the damaged box"), ("image", "image/jpeg")],
    "mms-two-media": [("image", "image/png"), ("file", "application/pdf")],
    "stop": [text("Stop")],
    "help": [text("HELP")],
    "start": [text("START")],
    "unknown-and-repeated-params": [text("Any update on order #4512?")],
    "redelivery-sms": [],
}


def stored(files) -> list:
    return [content for path in files for content in STORED[kind_of(path)]]


class MultiDict(dict):
    """What RequestValidator.get_values reads repeated names from (Flask's MultiDict)."""

    def __init__(self, pairs):
        super().__init__()
        self.pairs = pairs
        for name, value in pairs:
            self.setdefault(name, value)

    def getall(self, name):
        return [value for key, value in self.pairs if key == name]


def new_number() -> str:
    return load_replay("sms").new_number()


# -------------------------------------------------------------------------------------------------
# Offline


@pytest.mark.offline
def test_every_kind_has_a_sample():
    assert sorted(kind_of(p) for p in FILES) == sorted(STORED)


@pytest.mark.offline
@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_sample_is_a_twilio_form_signed_as_the_sdk_signs_it(path):
    replay = load_replay("sms")
    body = raw(path)
    assert body.isascii() and not body.endswith(b"\n"), "the exact body Twilio posts"
    pairs = replay.parse(body)
    fields = dict(pairs)
    assert fields["MessageSid"] == fields["SmsMessageSid"] == fields["SmsSid"] and replay.SID_RE.match(fields["MessageSid"])
    assert fields["AccountSid"].startswith("AC") and len(fields["AccountSid"]) == 34
    assert fields["From"] == SAMPLE_FROM and fields["SmsStatus"] == "received" and fields["ApiVersion"] == "2010-04-01"
    count = int(fields["NumMedia"])
    assert [name for name, _ in pairs if name.startswith("MediaUrl")] == [f"MediaUrl{i}" for i in range(count)]
    for index in range(count):
        url = urllib.parse.urlsplit(fields[f"MediaUrl{index}"])
        assert (url.scheme, url.hostname) == ("https", "api.twilio.com") and f"/Messages/{fields['MessageSid']}/Media/ME" in url.path
    assert fields["MessageSid"].startswith("MM" if count else "SM")
    url = "https://parley.example.com/hooks/ch_sample?src=twilio"
    signature = replay.sign(url, pairs, "12345")
    validator = RequestValidator("12345")
    assert signature == validator.compute_signature(url, MultiDict(pairs))
    assert validator.validate(url, MultiDict(pairs), signature)


@pytest.mark.offline
def test_replay_signs_twilios_test_vectors():
    """CHANNELS.md §6.1 (twilio-python tests/unit/test_request_validator.py)."""
    replay = load_replay("sms")
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"),
              ("To", "+18005551212")]
    assert replay.sign(url, params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234")]
    assert replay.sign(url, repeated, "12345") == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


@pytest.mark.offline
def test_redelivery_and_fresh_sids():
    replay = load_replay("sms")
    assert raw(os.path.join(SAMPLES, "09-redelivery-sms.form")) == raw(os.path.join(SAMPLES, "01-sms.form"))
    samples = [(os.path.basename(p), replay.parse(raw(p))) for p in FILES]
    sids = [dict(pairs)["MessageSid"] for _, pairs in samples]
    assert len(set(sids)) == len(sids) - 1, "only the redelivery repeats a MessageSid"
    fresh = dict(replay.refresh(samples, "+14155550000"))
    new = {name: dict(pairs) for name, pairs in fresh.items()}
    assert new["09-redelivery-sms.form"]["MessageSid"] == new["01-sms.form"]["MessageSid"] != sids[0]
    mms = new["04-mms-two-media.form"]
    assert mms["MessageSid"].startswith("MM") and replay.SID_RE.match(mms["MessageSid"])
    assert mms["MessageSid"] == mms["SmsSid"] and f"/Messages/{mms['MessageSid']}/Media/" in mms["MediaUrl1"]
    assert all(fields["From"] == "+14155550000" for fields in new.values())
    repeated = [v for k, v in fresh["08-unknown-and-repeated-params.form"] if k == "ParleyFutureParam"]
    assert repeated == ["beta", "alpha", "beta"], "repeated names survive a rewrite, in order"


# -------------------------------------------------------------------------------------------------
# Against parleyd


@pytest.fixture(scope="module")
def media_host():
    host = MediaHost().start()
    yield host
    host.stop()


@pytest.fixture
def sms(base_url, sms_channel):
    sms_channel.base_url = base_url
    return sms_channel


def replay(channel, media_host, *extra):
    """Always with --media-base: the samples' MediaUrls are on api.twilio.com, which parleyd fetches."""
    return run_replay("sms", "--url", channel.base_url, "--channel", channel.id, "--auth-token", channel.authToken,
                      "--media-base", media_host.base_url, *extra)


def check_stored(agent, channel, number, files, media_host):
    """The customer's one conversation holds exactly what `files` store; media downloaded."""
    expected = stored(files)
    conversations, inbound = agent.inbound(channel, number, at_least=len(expected), settle=0.5)
    assert len(conversations) == 1 and conversations[0]["externalId"] == number, show(conversations)
    assert len(inbound) == len(expected), show([m["content"] for m in inbound])
    media_ids = {m["id"] for m, e in zip(inbound, expected) if isinstance(e, tuple)}
    downloaded = wait_downloaded(agent, conversations[0]["id"], media_ids)
    authorization = "Basic " + base64.b64encode(f"{channel.accountSid}:{channel.authToken}".encode()).decode()
    for message, content in zip(inbound, expected):
        if isinstance(content, tuple):
            got = downloaded[message["id"]]["content"]
            assert (got["type"], got["media"].get("mimeType")) == content, show(got)
            assert got["media"]["location"] == STORED_MEDIA_PREFIX + str(message["id"]), show(got)
            status, served_type, body = agent.media(got["media"]["location"])
            assert status == 200 and served_type == content[1], (status, served_type)
            assert body.startswith(b"media:/2010-04-01/Accounts/") and b"/Media/ME" in body, body
            fetch = media_host.matching(lambda r: body == MediaHost.body_for(r.path))
            assert fetch and fetch[0].headers.get("authorization") == authorization, [r.describe() for r in fetch]
        else:
            assert message["content"] == content, show(message)
    return conversations[0], inbound


def test_replay_stores_every_sample_as_the_agent_sees_it(agent, sms, media_host):
    number = new_number()
    result, output = replay(sms, media_host, "--fresh", "--from", number)
    assert result.returncode == 0, output
    assert answers(result.stdout) == {os.path.basename(p): (200, TWIML) for p in FILES}, output
    conversation, inbound = check_stored(agent, sms, number, FILES, media_host)
    ids = [m["platformMessageId"] for m in inbound]
    sid3, sid4 = ids[2], ids[4]
    assert ids[3] == f"{sid3}/1" and ids[5] == f"{sid4}/1" and sid3.startswith("MM") and sid4.startswith("MM"), ids
    assert len(set(ids)) == len(ids), ids
    # The last word was START: a reply is not refused as opted out (it waits for Twilio, unreachable here).
    queued = agent.reply(conversation["id"], "Your order ships tomorrow.")
    time.sleep(2.0)
    assert agent.message(conversation["id"], queued["id"])["status"]["state"] in ("queued", "sending")


def test_stop_opts_out_and_start_opts_back_in(agent, sms, media_host):
    number = new_number()
    first, then = FILES[:5], FILES[5:7]  # ... 05-stop | 06-help, 07-start
    assert [kind_of(p) for p in first][-1] == "stop" and [kind_of(p) for p in then] == ["help", "start"]
    result, output = replay(sms, media_host, "--fresh", "--from", number, *first)
    assert result.returncode == 0, output
    conversation, _ = check_stored(agent, sms, number, first, media_host)
    queued = agent.reply(conversation["id"], "Sorry to see you go")
    failed = agent.wait_message(conversation["id"], queued["id"], lambda m: m["status"]["state"] not in ("queued", "sending"))
    assert failed["status"]["state"] == "failed", show(failed)
    assert "opted out" in failed["status"]["reason"] and "STOP" in failed["status"]["reason"], show(failed)
    assert sms.authToken not in str(failed)

    result, output = replay(sms, media_host, "--fresh", "--from", number, *then)
    assert result.returncode == 0, output
    _, inbound = agent.inbound(sms, number, at_least=len(stored(first + then)), settle=0.3)
    assert [m["content"] for m in inbound][-2:] == [text("HELP"), text("START")]
    queued = agent.reply(conversation["id"], "Welcome back!")
    time.sleep(2.0)
    message = agent.message(conversation["id"], queued["id"])
    assert message["status"]["state"] in ("queued", "sending"), f"START did not opt back in: {show(message)}"


def test_replaying_the_text_forms_as_they_are_twice_stores_once(agent, sms, media_host):
    """The bytes on disk, signed and sent twice (MMS left out: their MediaUrls are on api.twilio.com)."""
    files = [p for p in FILES if os.path.basename(p) not in MMS_FILES]
    for _ in range(2):
        result, output = run_replay("sms", "--url", sms.base_url, "--channel", sms.id, "--auth-token", sms.authToken, *files)
        assert result.returncode == 0, output
    check_stored(agent, sms, SAMPLE_FROM, files, media_host)


@pytest.mark.parametrize("query", ["src=samples&tenant=eu-1", "note=a+b", "city=S%C3%A3o+Paulo", "a=1&a=2"])
def test_a_signed_query_is_part_of_the_url(agent, sms, media_host, query):
    number = new_number()
    result, output = replay(sms, media_host, "--fresh", "--from", number, "--query", query, FILES[0])
    assert result.returncode == 0 and f"?{query}" in result.stdout.splitlines()[0], output
    check_stored(agent, sms, number, FILES[:1], media_host)


@pytest.mark.parametrize("public_url", ["https://parley.example.com", "{base}/prefix", "http://localhost:{port}"])
def test_a_signature_for_another_url_is_refused(agent, sms, media_host, public_url):
    """parleyd checks the signature over PARLEY_PUBLIC_URL (here the server's own base URL) + path
    + query, whatever Host the request names."""
    number = new_number()
    public_url = public_url.format(base=sms.base_url, port=urllib.parse.urlsplit(sms.base_url).port)
    result, output = replay(sms, media_host, "--fresh", "--from", number, "--public-url", public_url, FILES[0])
    assert result.returncode == 1 and answers(result.stdout)[os.path.basename(FILES[0])][0] == 401, output
    time.sleep(0.3)
    assert agent.follower(sms, number) == ([], [])


@pytest.mark.parametrize("change", ["body-byte", "repeated-value", "added-param"])
def test_a_form_changed_after_signing_is_refused_and_stores_nothing(agent, sms, change):
    module = load_replay("sms")
    number = new_number()
    [(_, pairs)] = module.refresh([("08.form", module.parse(raw(FILES[7])))], number)
    body = module.encode(pairs)
    signature = module.sign(sms.base_url + sms.webhook_path, pairs, sms.authToken)
    if change == "body-byte":
        tampered = body.replace(b"Any+update", b"Any+updatE")
    elif change == "repeated-value":  # dropping one of the repeated values changes what is signed
        tampered = body.replace(b"&ParleyFutureParam=alpha", b"")
    else:
        tampered = body + b"&ParleyInjected=1"  # unknown parameters are signed like any other
    assert tampered != body
    headers = {"Content-Type": "application/x-www-form-urlencoded", module.SIGNATURE_HEADER: signature}
    response = webhook_client.send(sms.base_url, "POST", sms.webhook_path, tampered, headers)
    assert response.status == 401, response.describe()
    time.sleep(0.3)
    assert agent.follower(sms, number) == ([], [])
    response = webhook_client.send(sms.base_url, "POST", sms.webhook_path, body, headers)
    assert response.status == 200 and response.text == TWIML, response.describe()
    _, inbound = agent.inbound(sms, number)
    assert [m["content"] for m in inbound] == [text("Any update on order #4512?")]


def test_replay_with_the_wrong_auth_token_is_refused(agent, sms, media_host):
    number = new_number()
    result, output = replay(sms, media_host, "--fresh", "--from", number, "--auth-token", "0" * 32, FILES[0], FILES[2])
    assert result.returncode == 1, output
    assert [status for status, _ in answers(result.stdout).values()] == [401, 401], output
    time.sleep(0.3)
    assert agent.follower(sms, number) == ([], [])
