#!/usr/bin/env python3
"""Replay the SMS (Twilio) samples against a running parleyd, signed as Twilio signs them.

    python3 samples/webhooks/sms/replay.py --url http://127.0.0.1:8080 --channel ch_x --auth-token TOKEN
    python3 samples/webhooks/sms/replay.py --url http://127.0.0.1:8080 --channel ch_x --auth-token TOKEN \\
        --public-url https://parley.example.com --fresh

Each *.form next to this script (or the files given) is one webhook body exactly as Twilio posts
it: `application/x-www-form-urlencoded`, parameters in Twilio's order, repeated names kept (a
trailing newline, should an editor add one, is not part of the body). It is POSTed to
/hooks/<channel>[?--query] in name order with `X-Twilio-Signature` =
Base64(HMAC-SHA1(key = auth token, message = URL + every parameter name followed by its value,
names sorted, a repeated name's distinct values sorted)), where URL is the gateway's public URL
(--public-url, default --url: parleyd checks the signature over PARLEY_PUBLIC_URL, never the Host
header) + /hooks/<channel> + the query. Its status and body (empty TwiML) are printed.

Without --fresh, --from or --media-base the file's bytes are sent untouched. A rewritten body is
encoded as Twilio encodes it (spaces as `+`).

--media-base URL points the MMS MediaUrl{N} values at URL instead of https://api.twilio.com, path
kept: parleyd fetches MMS media on receipt from Twilio's hosts (or its apiBaseURL host), so this
keeps those downloads on a test server.

Standard library only. Exit status: 0 if every request was answered 2xx, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import base64
import glob
import hashlib
import hmac
import http.client
import os
import re
import secrets
import sys
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNATURE_HEADER = "X-Twilio-Signature"
TWILIO_MEDIA_BASE = "https://api.twilio.com"
SID_RE = re.compile(r"^(SM|MM)[0-9a-f]{32}$")
SID_FIELDS = ("MessageSid", "SmsMessageSid", "SmsSid")


def parse(body: bytes) -> list[tuple[str, str]]:
    """The body's (name, value) pairs in order, `+` and %XX decoded as UTF-8."""
    return urllib.parse.parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body),
                                  encoding="utf-8", errors="strict")


def encode(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs).encode("ascii")


def signed_string(url: str, pairs: list[tuple[str, str]]) -> str:
    values: dict[str, set[str]] = {}
    for name, value in pairs:
        values.setdefault(name, set()).add(value)
    return url + "".join(name + value for name in sorted(values) for value in sorted(values[name]))


def sign(url: str, pairs: list[tuple[str, str]], auth_token: str) -> str:
    """Twilio's X-Twilio-Signature for a POST of `pairs` to `url`."""
    mac = hmac.new(auth_token.encode("utf-8"), signed_string(url, pairs).encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def new_number() -> str:
    return "+1415" + "".join(secrets.choice("0123456789") for _ in range(7))


def new_sid(old: str) -> str:
    return (old[:2] if SID_RE.match(old) else "SM") + secrets.token_hex(16)


def refresh(samples: list[tuple[str, list]], sender: str | None) -> list[tuple[str, list]]:
    """New MessageSids (SM/MM + 32 hex; files that shared one, a redelivery, still share the new
    one; it is replaced inside MediaUrls too) and the sender replaced by `sender` (or a new
    number), so a re-run is stored again as a new conversation."""
    sender = sender or new_number()
    sids: dict[str, str] = {}
    out = []
    for name, pairs in samples:
        olds = {value for key, value in pairs if key in SID_FIELDS and value}
        mapping = {old: sids.setdefault(old, new_sid(old)) for old in olds}
        fresh = []
        for key, value in pairs:
            for old, new in mapping.items():
                value = value.replace(old, new)
            fresh.append((key, value))
        out.append((name, as_sender(fresh, sender)))
    return out


def as_sender(pairs: list[tuple[str, str]], sender: str) -> list[tuple[str, str]]:
    return [(key, sender if key == "From" else value) for key, value in pairs]


def with_media_base(pairs: list[tuple[str, str]], base: str) -> list[tuple[str, str]]:
    base = base.rstrip("/")
    return [(key, base + value[len(TWILIO_MEDIA_BASE):] if re.fullmatch(r"MediaUrl\d+", key) and value.startswith(TWILIO_MEDIA_BASE + "/")
             else value) for key, value in pairs]


def post(url: urllib.parse.SplitResult, path: str, body: bytes, signature: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request("POST", url.path.rstrip("/") + path, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1", "Accept": "*/*",
            "I-Twilio-Idempotency-Token": str(uuid.uuid4()), "X-Home-Region": "us1", SIGNATURE_HEADER: signature,
        })
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the SMS channel id, ch_…")
    parser.add_argument("--auth-token", required=True, help="the channel's authToken credential")
    parser.add_argument("--public-url", help="the gateway's public URL Twilio signs (PARLEY_PUBLIC_URL; default --url)")
    parser.add_argument("--query", default="", help="a query string to add to the webhook URL (signed with it), e.g. src=twilio")
    parser.add_argument("--fresh", action="store_true",
                        help="new MessageSids and a new sender, so a re-run is stored again as a new conversation")
    parser.add_argument("--from", dest="sender", help="send as this number (replaces the samples' From), e.g. +14155550123")
    parser.add_argument("--media-base", help=f"serve MMS media from this base URL instead of {TWILIO_MEDIA_BASE}")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.form next to this script)")
    args = parser.parse_args()
    if not args.auth_token.strip():
        parser.error("--auth-token is empty")
    if args.sender is not None and not re.fullmatch(r"\+?[0-9]{3,15}", args.sender):
        parser.error("--from must be a phone number such as +14155550123")
    for option, value in (("--url", args.url), ("--public-url", args.public_url), ("--media-base", args.media_base)):
        if value is not None:
            split = urllib.parse.urlsplit(value)
            if split.scheme not in ("http", "https") or not split.netloc or split.query:
                parser.error(f"{option} must be an http(s) URL without a query")
    query = args.query.lstrip("?")

    files = args.files or sorted(glob.glob(os.path.join(HERE, "*.form")))
    if not files:
        parser.error("no sample files")
    samples: list[tuple[str, bytes]] = []
    for path in files:
        if not os.path.isfile(path):
            parser.error(f"no such sample file: {path}")
        with open(path, "rb") as handle:
            samples.append((os.path.basename(path), handle.read().rstrip(b"\r\n")))
    try:
        parsed = [(name, parse(raw)) for name, raw in samples]
    except (ValueError, UnicodeError) as error:
        parser.error(f"a sample is not a form body: {error}")
    if args.fresh or args.sender or args.media_base:
        if args.fresh:
            parsed = refresh(parsed, args.sender)
        elif args.sender:
            parsed = [(name, as_sender(pairs, args.sender)) for name, pairs in parsed]
        if args.media_base:
            parsed = [(name, with_media_base(pairs, args.media_base)) for name, pairs in parsed]
        samples = [(name, encode(pairs)) for name, pairs in parsed]

    url = urllib.parse.urlsplit(args.url)
    path = f"/hooks/{args.channel}" + (f"?{query}" if query else "")
    signed_url = (args.public_url or args.url).rstrip("/") + path
    print(f"channel:  {args.channel}  (sms)  {args.url}  signed for {signed_url}")
    width = max(len(name) for name, _ in samples)
    failed = False
    try:
        for (name, body), (_, pairs) in zip(samples, parsed):
            status, answer = post(url, path, body, sign(signed_url, pairs, args.auth_token))
            failed |= not 200 <= status < 300
            print(f"{name:<{width}}  {status} {answer.decode('utf-8', 'replace').strip()}".rstrip())
    except OSError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
