#!/usr/bin/env python3
"""Replay the Telegram samples against a running parleyd, headed as Telegram's webhook sender heads them.

    python3 samples/webhooks/telegram/replay.py --url http://127.0.0.1:8080 --channel ch_x --secret S
    python3 samples/webhooks/telegram/replay.py --url http://127.0.0.1:8080 --channel ch_x --secret S --fresh

Each *.json next to this script (or the files given) is one Bot API `Update`. It is POSTed to
/hooks/<channel> in name order with `Content-Type: application/json` and the
`X-Telegram-Bot-Api-Secret-Token` header (the channel's secretToken credential, as given to
setWebhook), and its status and body are printed. Telegram has no signature: the secret header is
the whole authentication.

Standard library only. Exit status: 0 if every request was answered 2xx, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import re
import secrets
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# The customer every sample comes from (a private chat: the chat id is the user id).
SAMPLE_CUSTOMER = 5829304711


def replace_ints(value, old: int, new: int):
    if isinstance(value, dict):
        return {k: replace_ints(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_ints(v, old, new) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and value == old:
        return new
    return value


def shift_dates(value, shift: int):
    if isinstance(value, dict):
        return {k: (v + shift if k in ("date", "edit_date") and isinstance(v, int) and v > 0 else shift_dates(v, shift))
                for k, v in value.items()}
    if isinstance(value, list):
        return [shift_dates(v, shift) for v in value]
    return value


def dates(value) -> list[int]:
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in ("date", "edit_date") and isinstance(v, int) and v > 0]
        return found + [d for v in value.values() for d in dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in dates(v)]
    return []


def refresh(samples: list[tuple[str, dict]], chat_id: int | None) -> list[tuple[str, dict]]:
    """New update_ids (files that shared one, a redelivery, still share the new one), dates ending
    now with their spacing kept, new callback query ids, and the customer replaced by `chat_id`
    (or a new one), so a re-run is stored again."""
    shift = int(time.time()) - max((d for _, update in samples for d in dates(update)), default=0)
    base = secrets.randbelow(10**8) + 10**8
    update_ids: dict[int, int] = {}
    chat_id = chat_id or secrets.randbelow(8 * 10**9) + 10**9
    out = []
    for name, update in samples:
        update = shift_dates(replace_ints(update, SAMPLE_CUSTOMER, chat_id), shift)
        if "update_id" in update:
            update["update_id"] = update_ids.setdefault(update["update_id"], base + len(update_ids))
        if isinstance(update.get("callback_query"), dict):
            update["callback_query"]["id"] = str(secrets.randbits(62))
        out.append((name, update))
    return out


def post(url: urllib.parse.SplitResult, path: str, body: bytes, secret: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request("POST", url.path.rstrip("/") + path, body=body,
                           headers={"Content-Type": "application/json", SECRET_HEADER: secret})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the Telegram channel id, ch_…")
    parser.add_argument("--secret", required=True, help="the channel's secretToken credential")
    parser.add_argument("--fresh", action="store_true",
                        help="new update_ids, dates ending now and a new customer, so a re-run is stored again")
    parser.add_argument("--chat-id", type=int, help="send as this customer: replaces the samples' private chat id (= user id)")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.json next to this script)")
    args = parser.parse_args()
    if not SECRET_RE.match(args.secret):
        parser.error("--secret must be 1-256 characters from A-Z, a-z, 0-9, _ and - (setWebhook's secret_token)")

    files = args.files or sorted(glob.glob(os.path.join(HERE, "*.json")))
    if not files:
        parser.error("no sample files")
    samples: list[tuple[str, dict | bytes]] = []
    for path in files:
        if not os.path.isfile(path):
            parser.error(f"no such sample file: {path}")
        with open(path, "rb") as handle:
            raw = handle.read()
        samples.append((os.path.basename(path), raw))
    if args.fresh or args.chat_id:
        parsed = [(name, json.loads(raw)) for name, raw in samples]
        if args.fresh:
            parsed = refresh(parsed, args.chat_id)
        else:
            parsed = [(name, replace_ints(update, SAMPLE_CUSTOMER, args.chat_id)) for name, update in parsed]
        samples = [(name, json.dumps(update, ensure_ascii=False).encode("utf-8")) for name, update in parsed]

    url = urllib.parse.urlsplit(args.url)
    path = f"/hooks/{args.channel}"
    print(f"channel:  {args.channel}  (telegram)  {args.url}")
    width = max(len(name) for name, _ in samples)
    failed = False
    try:
        for name, body in samples:
            status, answer = post(url, path, body, args.secret)
            failed |= not 200 <= status < 300
            text = answer.decode("utf-8", "replace").strip()
            print(f"{name:<{width}}  {status} {text}".rstrip())
    except OSError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
