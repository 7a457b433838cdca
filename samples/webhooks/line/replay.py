#!/usr/bin/env python3
"""Replay the LINE samples against a running parleyd, signed as LINE signs them.

    python3 samples/webhooks/line/replay.py --url http://127.0.0.1:8080 --channel ch_x --channel-secret SECRET
    python3 samples/webhooks/line/replay.py --url http://127.0.0.1:8080 --channel ch_x --channel-secret SECRET --fresh

Each *.json next to this script (or the files given) is one webhook body
(`{"destination": …, "events": [...]}`). It is POSTed to /hooks/<channel> in name order with
`Content-Type: application/json; charset=utf-8` and `x-line-signature` =
Base64(HMAC-SHA256(key = channel secret, message = the exact bytes sent)), and its status and
body are printed. Without --fresh/--user-id the file's bytes are sent untouched (indentation and
all), so the signature covers exactly what is on disk.

Standard library only. Exit status: 0 if every request was answered 2xx, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import base64
import glob
import hashlib
import hmac
import http.client
import json
import os
import secrets
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNATURE_HEADER = "x-line-signature"
# The user every sample comes from.
SAMPLE_USER = "U206d25c2ea6bd87c17655609a1c37cb8"
ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def new_ulid() -> str:
    stamp = int(time.time() * 1000)
    return "".join(ULID_ALPHABET[(stamp >> (5 * i)) & 31] for i in reversed(range(10))) + \
        "".join(secrets.choice(ULID_ALPHABET) for _ in range(16))


def refresh(samples: list[tuple[str, dict]], user_id: str | None) -> list[tuple[str, dict]]:
    """New webhookEventIds (files that shared one, a redelivery, still share the new one) and
    reply tokens, timestamps ending now with their spacing kept, and the user replaced by
    `user_id` (or a new one), so a re-run is stored again."""
    stamps = [e.get("timestamp", 0) for _, body in samples for e in body.get("events", [])]
    shift = int(time.time() * 1000) - max(stamps, default=0)
    event_ids: dict[str, str] = {}
    user_id = user_id or "U" + secrets.token_hex(16)
    out = []
    for name, body in samples:
        text = json.dumps(body, ensure_ascii=False).replace(SAMPLE_USER, user_id)
        body = json.loads(text)
        for event in body.get("events", []):
            if "webhookEventId" in event:
                event["webhookEventId"] = event_ids.setdefault(event["webhookEventId"], new_ulid())
            if isinstance(event.get("timestamp"), int):
                event["timestamp"] += shift
            if "replyToken" in event:
                event["replyToken"] = secrets.token_hex(16)
        out.append((name, body))
    return out


def post(url: urllib.parse.SplitResult, path: str, body: bytes, signature: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request("POST", url.path.rstrip("/") + path, body=body, headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "LineBotWebhook/2.0", SIGNATURE_HEADER: signature,
        })
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the LINE channel id, ch_…")
    parser.add_argument("--channel-secret", required=True, help="the channel's channelSecret credential")
    parser.add_argument("--fresh", action="store_true",
                        help="new webhookEventIds, timestamps ending now and a new user, so a re-run is stored again")
    parser.add_argument("--user-id", help="send as this LINE user (replaces the samples' userId)")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.json next to this script)")
    args = parser.parse_args()

    files = args.files or sorted(glob.glob(os.path.join(HERE, "*.json")))
    if not files:
        parser.error("no sample files")
    samples: list[tuple[str, bytes]] = []
    for path in files:
        if not os.path.isfile(path):
            parser.error(f"no such sample file: {path}")
        with open(path, "rb") as handle:
            samples.append((os.path.basename(path), handle.read()))
    if args.fresh or args.user_id:
        parsed = [(name, json.loads(raw)) for name, raw in samples]
        if args.fresh:
            parsed = refresh(parsed, args.user_id)
        else:
            parsed = [(name, json.loads(json.dumps(body, ensure_ascii=False).replace(SAMPLE_USER, args.user_id))) for name, body in parsed]
        samples = [(name, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) for name, body in parsed]

    url = urllib.parse.urlsplit(args.url)
    path = f"/hooks/{args.channel}"
    print(f"channel:  {args.channel}  (line)  {args.url}")
    width = max(len(name) for name, _ in samples)
    failed = False
    try:
        for name, body in samples:
            status, answer = post(url, path, body, sign(body, args.channel_secret))
            failed |= not 200 <= status < 300
            print(f"{name:<{width}}  {status} {answer.decode('utf-8', 'replace').strip()}".rstrip())
    except OSError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
