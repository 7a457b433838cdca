"""WeChat's side of the wire, built with the official Python SDK (wechatpy) wherever it has a helper.

Everything here plays the WeChat platform: it builds the XML a user's action produces, signs it
(`WeChatSigner`, the algorithm behind `wechatpy.utils.check_signature`), encrypts it for safe and
compatible mode (`wechatpy.crypto.WeChatCrypto`), posts it to a channel's webhook, and reads the
passive reply the way WeChat would (`WeChatCrypto.decrypt_message`, `wechatpy.replies.deserialize_reply`).

Only the standard library talks HTTP (http.client), and only to the parleyd under test.
"""

from __future__ import annotations

import http.client
import secrets
import string
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import deserialize_reply
from wechatpy.utils import WeChatSigner

# The official account's original id: WeChat puts it in ToUserName of everything it pushes, and
# a passive reply must carry it back in FromUserName.
ACCOUNT_ID = "gh_3a5f0c2b7d91"
APP_ID = "wx49f0ab532d5d035a"
APP_SECRET = "secret123"
REPLY_DEADLINE_S = 5.0  # WeChat drops the connection (and retries) after 5 s

_OPENID_ALPHABET = string.ascii_letters + string.digits + "-_"


def new_openid(tag: str = "") -> str:
    """A fresh OpenID (28 characters, like WeChat's), so every test is a new follower."""
    prefix = ("oPx" + "".join(c for c in tag if c.isalnum()))[:12]
    return prefix + "".join(secrets.choice(_OPENID_ALPHABET) for _ in range(28 - len(prefix)))


def new_msg_id() -> str:
    """A fresh 64-bit MsgId, as WeChat sends it (a decimal integer)."""
    return str(secrets.randbits(63) | (1 << 62))


def new_nonce() -> str:
    return str(secrets.randbelow(9_000_000_000) + 1_000_000_000)


def now() -> str:
    return str(int(time.time()))


def plain_signature(token: str, timestamp: str, nonce: str) -> str:
    """`signature`: sha1 of the sorted token, timestamp and nonce (wechatpy's WeChatSigner)."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


# -------------------------------------------------------------------------------------------------
# Messages as WeChat pushes them (shapes from the official "receive messages / events" pages)


class Num(str):
    """A field WeChat writes bare (CreateTime, MsgId, coordinates), not in CDATA."""


def render(fields: list[tuple[str, str]]) -> str:
    parts = ["<xml>"]
    for name, value in fields:
        if isinstance(value, Num):
            parts.append(f"<{name}>{value}</{name}>")
        else:
            parts.append(f"<{name}><![CDATA[{value}]]></{name}>")
    parts.append("</xml>")
    return "".join(parts)


@dataclass
class Push:
    """One thing WeChat pushes: its XML and the facts a test checks afterwards."""

    kind: str
    openid: str
    xml: str
    create_time: str
    msg_id: str | None
    values: dict = field(default_factory=dict)


def _head(openid: str, create_time: str, msg_type: str) -> list[tuple[str, str]]:
    return [
        ("ToUserName", ACCOUNT_ID),
        ("FromUserName", openid),
        ("CreateTime", Num(create_time)),
        ("MsgType", msg_type),
    ]


def message(kind: str, openid: str, *, create_time: str | None = None, msg_id: str | None = None, **overrides) -> Push:
    """A user's message or event of the given kind, with distinctive values.

    kind: text, image, voice, voice-unrecognized, video, shortvideo, location, link,
          subscribe, unsubscribe, scan, location-event, click, view
    """
    create_time = create_time or now()
    tag = secrets.token_hex(4)
    is_event = kind in ("subscribe", "unsubscribe", "scan", "location-event", "click", "view")
    if not is_event:
        msg_id = msg_id or new_msg_id()
    values: dict
    if kind == "text":
        values = {"Content": f"Hello Parley {tag}: 你好 🍵\nsecond line"}
        body = [("Content", values["Content"])]
    elif kind == "image":
        values = {"PicUrl": f"http://mmbiz.qpic.cn/mmbiz_jpg/{tag}/0", "MediaId": f"img_media_{tag}"}
        body = [("PicUrl", values["PicUrl"]), ("MediaId", values["MediaId"])]
    elif kind in ("voice", "voice-unrecognized"):
        values = {"MediaId": f"voice_media_{tag}", "Format": "amr"}
        body = [("MediaId", values["MediaId"]), ("Format", values["Format"])]
        if kind == "voice":
            values["Recognition"] = f"please call me back {tag}"
            body.append(("Recognition", values["Recognition"]))
    elif kind in ("video", "shortvideo"):
        values = {"MediaId": f"{kind}_media_{tag}", "ThumbMediaId": f"thumb_{tag}"}
        body = [("MediaId", values["MediaId"]), ("ThumbMediaId", values["ThumbMediaId"])]
    elif kind == "location":
        values = {"Location_X": "23.134521", "Location_Y": "113.358803", "Scale": "20", "Label": f"广州市海珠区 {tag}"}
        body = [
            ("Location_X", Num(values["Location_X"])),
            ("Location_Y", Num(values["Location_Y"])),
            ("Scale", Num(values["Scale"])),
            ("Label", values["Label"]),
        ]
    elif kind == "link":
        values = {
            "Title": f"Parley order {tag}",
            "Description": "Where is my parcel?",
            "Url": f"https://example.com/orders/{tag}?ref=wechat",
        }
        body = [("Title", values["Title"]), ("Description", values["Description"]), ("Url", values["Url"])]
    elif kind == "subscribe":
        values = {"Event": "subscribe"}
        body = [("Event", "subscribe")]
    elif kind == "unsubscribe":
        values = {"Event": "unsubscribe"}
        body = [("Event", "unsubscribe"), ("EventKey", "")]
    elif kind == "scan":
        values = {"Event": "SCAN", "EventKey": f"scene_{tag}", "Ticket": f"gQH47joAAAAAAAAAASxodHRwOi8v{tag}"}
        body = [("Event", "SCAN"), ("EventKey", values["EventKey"]), ("Ticket", values["Ticket"])]
    elif kind == "location-event":
        values = {"Event": "LOCATION", "Latitude": "23.137466", "Longitude": "113.352425", "Precision": "119.385040"}
        body = [
            ("Event", "LOCATION"),
            ("Latitude", Num(values["Latitude"])),
            ("Longitude", Num(values["Longitude"])),
            ("Precision", Num(values["Precision"])),
        ]
    elif kind == "click":
        values = {"Event": "CLICK", "EventKey": f"MENU_SUPPORT_{tag}"}
        body = [("Event", "CLICK"), ("EventKey", values["EventKey"])]
    elif kind == "view":
        values = {"Event": "VIEW", "EventKey": f"https://example.com/help/{tag}"}
        body = [("Event", "VIEW"), ("EventKey", values["EventKey"])]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    values.update(overrides)
    body = [
        (name, (Num if isinstance(value, Num) else str)(overrides[name]) if name in overrides else value)
        for name, value in body
    ]
    msg_type = "event" if is_event else kind.split("-")[0]
    fields = _head(openid, create_time, msg_type) + body
    if msg_id is not None:
        fields.append(("MsgId", Num(msg_id)))
    return Push(kind=kind, openid=openid, xml=render(fields), create_time=create_time, msg_id=msg_id, values=values)


# -------------------------------------------------------------------------------------------------
# The channel as WeChat knows it, and the HTTP requests WeChat sends to it


@dataclass
class Channel:
    id: str
    webhook_path: str
    mode: str  # plain | compatible | safe
    token: str
    aes_key: str
    app_id: str = APP_ID
    greeting: str | None = None

    def crypto(self, app_id: str | None = None) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, app_id or self.app_id)


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: bytes = b""
    headers: dict = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.path + ("?" + urllib.parse.urlencode(self.query) if self.query else "")


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def describe(self, limit: int = 600) -> str:
        text = self.text
        if len(text) > limit:
            text = text[:limit] + f"... ({len(self.body)} bytes)"
        return f"HTTP {self.status} in {self.elapsed:.2f}s, Content-Type {self.headers.get('content-type')!r}, body {text!r}"


def verification(channel: Channel, echostr: str, *, signature: str | None = None) -> Request:
    """The GET WeChat sends when the developer saves the server URL."""
    timestamp, nonce = now(), new_nonce()
    return Request(
        "GET",
        channel.webhook_path,
        {
            "signature": signature or plain_signature(channel.token, timestamp, nonce),
            "echostr": echostr,
            "timestamp": timestamp,
            "nonce": nonce,
        },
    )


def encrypt(channel: Channel, xml: str, timestamp: str, nonce: str, *, app_id: str | None = None) -> tuple[str, str]:
    """(Encrypt, MsgSignature) for the XML, from `WeChatCrypto.encrypt_message`."""
    envelope = channel.crypto(app_id).encrypt_message(xml, nonce, timestamp)
    root = ElementTree.fromstring(envelope)
    return root.findtext("Encrypt"), root.findtext("MsgSignature")


def push_request(
    channel: Channel,
    xml: str,
    openid: str | None = None,
    *,
    mode: str | None = None,
    plaintext_xml: str | None = None,
    app_id: str | None = None,
    signature: str | None = None,
    msg_signature: str | None = None,
    envelope: str | None = None,
) -> Request:
    """The POST WeChat sends for a pushed message, in the channel's mode.

    plain:      query signature, timestamp, nonce, openid; body the XML.
    safe:       query adds encrypt_type=aes and msg_signature; body <xml><ToUserName/><Encrypt/></xml>.
    compatible: like safe, but the body also carries the plaintext fields (plaintext_xml, default
                the same XML) next to <Encrypt>.
    envelope:   for safe mode, replaces the outer XML (with {encrypt} where the ciphertext goes).
    """
    mode = mode or channel.mode
    timestamp, nonce = now(), new_nonce()
    if openid is None:
        try:
            openid = ElementTree.fromstring(xml).findtext("FromUserName") or ""
        except ElementTree.ParseError:
            openid = ""
    query = {
        "signature": signature or plain_signature(channel.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": openid,
    }
    if mode == "plain":
        body = xml
    else:
        encrypted, computed_signature = encrypt(channel, xml, timestamp, nonce, app_id=app_id)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = msg_signature or computed_signature
        if mode == "safe":
            template = envelope or (
                "<xml><ToUserName><![CDATA[" + ACCOUNT_ID + "]]></ToUserName>"
                "<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
            )
            body = template.replace("{encrypt}", encrypted)
        elif mode == "compatible":
            plain = plaintext_xml if plaintext_xml is not None else xml
            assert plain.rstrip().endswith("</xml>")
            body = plain.rstrip()[: -len("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        else:
            raise ValueError(f"unknown mode {mode!r}")
    return Request("POST", channel.webhook_path, query, body.encode("utf-8"), {"Content-Type": "text/xml"})


def send(base_url: str, request: Request, timeout: float = 15.0) -> Response:
    """Send one request the way WeChat's servers do (HTTP/1.1, one connection per request)."""
    parsed = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.putrequest(request.method, request.target)
        headers = {"User-Agent": "Mozilla/4.0", "Accept": "*/*", **request.headers}
        if request.method == "POST" or request.body:
            headers["Content-Length"] = str(len(request.body))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        # Send big bodies in pieces: a server that refuses early (413) may close mid-body, and
        # its answer is still what WeChat would see.
        try:
            view = memoryview(request.body)
            for offset in range(0, len(view), 64 * 1024):
                connection.send(view[offset : offset + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        body = response.read()
        headers_out = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers_out, body, time.monotonic() - started)
    finally:
        connection.close()


# -------------------------------------------------------------------------------------------------
# Passive replies, read the way WeChat reads them


def read_passive_reply(channel: Channel, response: Response):
    """The reply WeChat would show the user, as a wechatpy reply object.

    Plain mode: the body is the reply XML. Safe mode: the body is
    <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>; the signature, timestamp and nonce
    come from the reply itself and `WeChatCrypto.decrypt_message` checks them and the AppID.
    """
    text = response.text
    if channel.mode == "plain":
        return deserialize_reply(text)
    root = ElementTree.fromstring(text)
    signature, timestamp, nonce = (root.findtext(name) for name in ("MsgSignature", "TimeStamp", "Nonce"))
    assert root.findtext("Encrypt") and signature and timestamp and nonce, (
        f"the encrypted reply lacks Encrypt/MsgSignature/TimeStamp/Nonce: {text!r}"
    )
    decrypted = channel.crypto().decrypt_message(text, signature, timestamp, nonce)
    return deserialize_reply(decrypted)
