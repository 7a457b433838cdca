"""Self-checks of WeChat's side (no server): the requests this suite sends are the ones wechatpy
itself accepts, and wechatpy reproduces the test vectors in /work/shared/CHANNELS.md §1.2."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ElementTree
from unittest import mock

import pytest
from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

import wechat_wire as wire
from wechat_wire import Channel, Response

pytestmark = pytest.mark.offline

KINDS = ["text", "image", "voice", "voice-unrecognized", "video", "shortvideo", "location", "link",
         "subscribe", "unsubscribe", "scan", "location-event", "click", "view"]


def channel(mode: str) -> Channel:
    return Channel(id="ch_selfcheck0000000", webhook_path="/hooks/ch_selfcheck0000000", mode=mode,
                   token="SelfCheckToken", aes_key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR")


def test_plain_signature_vector():
    assert wire.plain_signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")


def test_encrypt_vector():
    msg = ("<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
           "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
           "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>")
    crypto = WeChatCrypto("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a")
    with mock.patch.object(PrpCrypto, "get_random_string", return_value="1234567890123456"):
        root = ElementTree.fromstring(crypto.encrypt_message(msg, "461056294", "1411525903"))
    assert root.findtext("Encrypt") == (
        "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb"
        "vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8"
        "NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O"
        "5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
    )
    assert root.findtext("MsgSignature") == "407518b7649e86ef23978113f92d27afa9296533"


@pytest.mark.parametrize("kind", KINDS)
def test_messages_parse_with_wechatpy(kind):
    push = wire.message(kind, wire.new_openid(kind))
    parsed = parse_message(push.xml)
    assert parsed.source == push.openid and parsed.target == wire.ACCOUNT_ID
    assert parsed.time == int(push.create_time)
    expected_type = {"voice-unrecognized": "voice", "location-event": "event"}.get(kind, kind)
    if kind in ("subscribe", "unsubscribe", "scan", "click", "view"):
        expected_type = "event"
    assert parsed.type == expected_type
    if push.msg_id:
        assert parsed.id == int(push.msg_id)
    checks = {
        "text": lambda: parsed.content == push.values["Content"],
        "image": lambda: (parsed.image, parsed.media_id) == (push.values["PicUrl"], push.values["MediaId"]),
        "voice": lambda: parsed.recognition == push.values["Recognition"] and parsed.format == "amr",
        "voice-unrecognized": lambda: parsed.recognition is None,
        "video": lambda: parsed.media_id == push.values["MediaId"],
        "shortvideo": lambda: parsed.media_id == push.values["MediaId"],
        "location": lambda: parsed.location == (push.values["Location_X"], push.values["Location_Y"]) and parsed.label == push.values["Label"],
        "link": lambda: (parsed.title, parsed.url) == (push.values["Title"], push.values["Url"]),
        "subscribe": lambda: parsed.event == "subscribe",
        "unsubscribe": lambda: parsed.event == "unsubscribe",
        "scan": lambda: parsed.event == "scan" and parsed.scene_id == push.values["EventKey"] and parsed.ticket == push.values["Ticket"],
        "location-event": lambda: parsed.event == "location" and parsed.latitude == float(push.values["Latitude"]),
        "click": lambda: parsed.event == "click" and parsed.key == push.values["EventKey"],
        "view": lambda: parsed.event == "view" and parsed.url == push.values["EventKey"],
    }
    assert checks[kind](), repr(parsed)


def _query(request) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.target).query, keep_blank_values=True))


def test_plain_request_is_signed():
    ch = channel("plain")
    push = wire.message("text", wire.new_openid())
    request = wire.push_request(ch, push.xml)
    query = _query(request)
    check_signature(ch.token, query["signature"], query["timestamp"], query["nonce"])
    assert query["openid"] == push.openid and "encrypt_type" not in query
    assert request.body.decode() == push.xml


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_encrypted_request_round_trips(mode):
    ch = channel(mode)
    push = wire.message("text", wire.new_openid())
    request = wire.push_request(ch, push.xml)
    query = _query(request)
    assert query["encrypt_type"] == "aes"
    check_signature(ch.token, query["signature"], query["timestamp"], query["nonce"])
    body = request.body.decode()
    root = ElementTree.fromstring(body)
    assert root.findtext("ToUserName") == wire.ACCOUNT_ID
    if mode == "safe":
        assert sorted(child.tag for child in root) == ["Encrypt", "ToUserName"]
    else:
        assert root.findtext("Content") == push.values["Content"] and root.findtext("Encrypt")
    assert ch.crypto().decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"]) == push.xml
    with pytest.raises(InvalidSignatureException):
        ch.crypto().decrypt_message(body, "0" * 40, query["timestamp"], query["nonce"])


def test_compatible_request_can_carry_a_different_plaintext():
    ch = channel("compatible")
    push = wire.message("text", wire.new_openid())
    decoy = wire.message("text", push.openid, Content="decoy")
    request = wire.push_request(ch, push.xml, plaintext_xml=decoy.xml)
    query = _query(request)
    root = ElementTree.fromstring(request.body)
    assert root.findtext("Content") == "decoy"
    decrypted = ch.crypto().decrypt_message(request.body.decode(), query["msg_signature"], query["timestamp"], query["nonce"])
    assert parse_message(decrypted).content == push.values["Content"]


def test_wrong_app_id_is_caught_by_wechatpy():
    ch = channel("safe")
    push = wire.message("text", wire.new_openid())
    request = wire.push_request(ch, push.xml, app_id="wx0000000000000bad")
    query = _query(request)
    with pytest.raises(InvalidAppIdException):
        ch.crypto().decrypt_message(request.body.decode(), query["msg_signature"], query["timestamp"], query["nonce"])


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_passive_reply_reader(mode):
    ch = channel(mode)
    reply = TextReply(source=wire.ACCOUNT_ID, target="oFollower", content="Welcome! 欢迎")
    body = reply.render() if mode == "plain" else ch.crypto().encrypt_message(reply.render(), wire.new_nonce(), wire.now())
    parsed = wire.read_passive_reply(ch, Response(200, {}, body.encode("utf-8"), 0.0))
    assert (parsed.type, parsed.content, parsed.target, parsed.source) == ("text", "Welcome! 欢迎", "oFollower", wire.ACCOUNT_ID)


def test_verification_request_is_signed():
    ch = channel("safe")
    query = _query(wire.verification(ch, "echo123"))
    check_signature(ch.token, query["signature"], query["timestamp"], query["nonce"])
    assert query["echostr"] == "echo123"
