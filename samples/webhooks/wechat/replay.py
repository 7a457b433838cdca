#!/usr/bin/env python3
"""Replay the WeChat Official Account samples against a running parleyd, signed as WeChat signs them.

    python3 samples/webhooks/wechat/replay.py --url http://127.0.0.1:8080 --channel ch_x --token TOKEN
    python3 samples/webhooks/wechat/replay.py --url http://127.0.0.1:8080 --channel ch_x --token TOKEN \\
        --aes-key KEY --app-id APPID --mode safe

Each *.xml next to this script (or the files given) is POSTed to /hooks/<channel> in name order
with the query WeChat adds (signature, timestamp, nonce, openid; plus encrypt_type=aes and
msg_signature in safe and compatible mode), and its status and body are printed. Encrypted passive
replies are decrypted and shown too.

Plain mode needs only the standard library. Safe and compatible mode encrypt with wechatpy
(`pip install -r Tests/Conformance/requirements.txt`).

Exit status: 0 if every request was answered 2xx, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import http.client
import os
import re
import secrets
import string
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))


def signature(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted and joined with nothing between them."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def field(xml: str, name: str) -> str:
    try:
        return ElementTree.fromstring(xml).findtext(name) or ""
    except ElementTree.ParseError:
        return ""


def new_openid() -> str:
    return "oPx" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(25))


def as_follower(samples: list[tuple[str, str]], openid: str) -> list[tuple[str, str]]:
    pattern = r"<FromUserName><!\[CDATA\[[^\]]*\]\]></FromUserName>"
    return [(name, re.sub(pattern, f"<FromUserName><![CDATA[{openid}]]></FromUserName>", xml)) for name, xml in samples]


def compact(text: str) -> str:
    """One line per answer: drop the whitespace between XML tags."""
    return re.sub(r">\s+<", "><", text).strip()


def refresh(samples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """New MsgIds and CreateTimes ending now, so a re-run is stored again. Files that shared a
    MsgId (a retry) still share the new one; the spacing between CreateTimes is kept."""
    times = [int(t) for _, xml in samples for t in re.findall(r"<CreateTime>(\d+)</CreateTime>", xml)]
    shift = int(time.time()) - max(times, default=0)
    msg_ids: dict[str, str] = {}

    def new_msg_id(match: re.Match) -> str:
        fresh = msg_ids.setdefault(match.group(1), str(secrets.randbits(62) | (1 << 61)))
        return f"<MsgId>{fresh}</MsgId>"

    out = []
    for name, xml in samples:
        xml = re.sub(r"<CreateTime>(\d+)</CreateTime>", lambda m: f"<CreateTime>{int(m.group(1)) + shift}</CreateTime>", xml)
        xml = re.sub(r"<MsgId>(\d+)</MsgId>", new_msg_id, xml)
        out.append((name, xml))
    return out


class Sender:
    def __init__(self, args):
        self.args = args
        self.url = urllib.parse.urlsplit(args.url)
        self.path = f"/hooks/{args.channel}"
        self.crypto = None
        if args.mode != "plain":
            try:
                from wechatpy.crypto import WeChatCrypto
            except ImportError:
                sys.exit(f"--mode {args.mode} encrypts with wechatpy: pip install -r Tests/Conformance/requirements.txt")
            self.crypto = WeChatCrypto(args.token, args.aes_key, args.app_id)

    def request(self, method: str, query: dict, body: bytes = b"") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.url.hostname, self.url.port or 80, timeout=30)
        try:
            headers = {"Content-Type": "text/xml"} if method == "POST" else {}
            base = self.url.path.rstrip("/")
            connection.request(method, base + self.path + "?" + urllib.parse.urlencode(query), body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def verify(self) -> tuple[int, bytes, str]:
        timestamp, nonce, echostr = str(int(time.time())), str(secrets.randbelow(10**10)), str(secrets.randbits(63))
        query = {"signature": signature(self.args.token, timestamp, nonce), "echostr": echostr, "timestamp": timestamp, "nonce": nonce}
        status, body = self.request("GET", query)
        return status, body, echostr

    def push(self, xml: str) -> tuple[int, bytes]:
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        query = {"signature": signature(self.args.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                 "openid": field(xml, "FromUserName")}
        body = xml
        if self.crypto is not None:
            envelope = ElementTree.fromstring(self.crypto.encrypt_message(xml, nonce, timestamp))
            encrypted = envelope.findtext("Encrypt")
            query["encrypt_type"] = "aes"
            query["msg_signature"] = envelope.findtext("MsgSignature")
            if self.args.mode == "safe":
                body = (f"<xml><ToUserName><![CDATA[{field(xml, 'ToUserName')}]]></ToUserName>"
                        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
            else:  # compatible: the plaintext fields and the ciphertext side by side
                body = xml.rstrip()[: -len("</xml>")] + f"  <Encrypt><![CDATA[{encrypted}]]></Encrypt>\n</xml>"
        return self.request("POST", query, body.encode("utf-8"))

    def decrypted(self, body: bytes) -> str | None:
        """The plaintext of an encrypted passive reply, checked as WeChat checks it."""
        if self.crypto is None or b"<Encrypt>" not in body:
            return None
        try:
            root = ElementTree.fromstring(body)
            return self.crypto.decrypt_message(
                body.decode("utf-8"), root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce")
            )
        except Exception as error:  # show it rather than stop the replay
            return f"(cannot decrypt: {error!r})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the WeChat channel id, ch_…")
    parser.add_argument("--token", required=True, help="the channel's token credential")
    parser.add_argument("--mode", choices=["plain", "compatible", "safe"], help="default: safe with --aes-key, else plain")
    parser.add_argument("--aes-key", help="the channel's encodingAESKey (43 characters)")
    parser.add_argument("--app-id", help="the channel's appId")
    parser.add_argument("--verify", action="store_true", help="first do the GET URL-verification handshake")
    parser.add_argument("--fresh", action="store_true",
                        help="a new follower, MsgIds and CreateTimes, so a re-run is stored again")
    parser.add_argument("--openid", help="send as this follower (replaces every FromUserName)")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.xml next to this script)")
    args = parser.parse_args()
    args.mode = args.mode or ("safe" if args.aes_key else "plain")
    if args.mode != "plain" and not (args.aes_key and args.app_id):
        parser.error(f"--mode {args.mode} needs --aes-key and --app-id")
    if args.aes_key and len(args.aes_key) != 43:
        parser.error("--aes-key must be 43 characters")

    files = args.files or sorted(glob.glob(os.path.join(HERE, "*.xml")))
    if not files:
        parser.error("no sample files")
    samples = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            samples.append((os.path.basename(path), handle.read()))
    if args.fresh:
        samples = refresh(samples)
    if args.openid or args.fresh:
        samples = as_follower(samples, args.openid or new_openid())

    sender = Sender(args)
    print(f"channel:  {args.channel}  ({args.mode} mode)  {args.url}")
    failed = False
    try:
        width = max([len(name) for name, _ in samples] + [len("GET verification")])
        if args.verify:
            status, body, echostr = sender.verify()
            ok = status == 200 and body == echostr.encode()
            failed |= not ok
            verdict = "echostr returned" if ok else "expected " + echostr
            print(f"{'GET verification':<{width}}  {status} {compact(body.decode('utf-8', 'replace'))} ({verdict})")
        for name, xml in samples:
            status, body = sender.push(xml)
            failed |= not 200 <= status < 300
            print(f"{name:<{width}}  {status} {compact(body.decode('utf-8', 'replace'))}")
            plain = sender.decrypted(body)
            if plain is not None:
                print(f"{'':<{width}}  decrypted: {compact(plain)}")
    except OSError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
