#!/usr/bin/env python3
"""Replay the WhatsApp Cloud API samples against a running parleyd, signed as Meta signs them.

    python3 samples/webhooks/whatsapp/replay.py --url http://127.0.0.1:8080 --channel ch_x --app-secret SECRET
    python3 samples/webhooks/whatsapp/replay.py --url http://127.0.0.1:8080 --channel ch_x --app-secret SECRET \\
        --verify-token VERIFY --fresh

Each *.json next to this script (or the files given) is one webhook body
(`{"object": "whatsapp_business_account", "entry": [...]}`). It is POSTed to /hooks/<channel> in
name order with `Content-Type: application/json`, `X-Hub-Signature-256: sha256=<hex
HMAC-SHA256(key = app secret, message = the exact bytes sent)>` (and the legacy
`X-Hub-Signature: sha1=…` Meta still sends beside it), and its status and body are printed.

Without --fresh, --wa-id or --phone-number-id the file's bytes are sent untouched (indentation and
all), so the signature covers exactly what is on disk. A rewritten body is sent the way Meta
serializes it: compact, non-ASCII as \\uXXXX escapes, `/` as `\\/`.

--verify-token first runs Meta's subscription handshake: GET /hooks/<channel>?hub.mode=subscribe&
hub.verify_token=…&hub.challenge=<number>, which must answer 200 with the challenge.

Standard library only. Exit status: 0 if every request was answered 2xx, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import meta_replay as meta  # noqa: E402  (beside this folder: what the Messenger and WhatsApp scripts share)
# The customer every sample comes from (wa_id, and the business-scoped user id beside it), and
# the business number the samples are addressed to.
SAMPLE_WA_ID = "16505551234"
SAMPLE_USER_ID = "US.13491208655302741918"
SAMPLE_PHONE_NUMBER_ID = "106540352242922"
WAMID_PREFIX = "wamid."








def new_wa_id() -> str:
    return "1650" + "".join(secrets.choice("0123456789") for _ in range(7))


def new_wamid(old: str, wa_id: str) -> str:
    """A wamid shaped like `old`: base64 of 0x1c 0x18 <len> <wa_id> 0x15 0x02 0x00 <kind> 0x18
    <len> <hex id> 0x00, with the customer's number and a new hex id."""
    try:
        raw = base64.b64decode(old[len(WAMID_PREFIX):], validate=True)
        marker = raw.index(b"\x15\x02\x00")
        kind, length = raw[marker + 3], raw[marker + 5]
    except (ValueError, IndexError):
        kind, length = 0x12, 20
    hex_id = secrets.token_hex(length).upper()[:length].encode("ascii")
    raw = b"\x1c\x18" + bytes([len(wa_id)]) + wa_id.encode("ascii") + b"\x15\x02\x00" + bytes([kind, 0x18, length]) + hex_id + b"\x00"
    return WAMID_PREFIX + base64.b64encode(raw).decode("ascii")




def timestamps(value) -> list[int]:
    found: list[int] = []

    def note(key, item):
        if key == "timestamp" and isinstance(item, str) and item.isdigit():
            found.append(int(item))
        return item

    meta.walk(value, note)
    return found


def as_customer(body: dict, wa_id: str, user_id: str) -> dict:
    text = json.dumps(body, ensure_ascii=False).replace(f'"{SAMPLE_WA_ID}"', f'"{wa_id}"').replace(f'"{SAMPLE_USER_ID}"', f'"{user_id}"')
    return json.loads(text)


def refresh(samples: list[tuple[str, dict]], wa_id: str | None) -> list[tuple[str, dict]]:
    """New wamids (files that shared one, a redelivery, still share the new one; statuses and
    replies keep naming the same business message), timestamps ending now with their spacing
    kept, and the customer replaced by `wa_id` (or a new one), so a re-run is stored again."""
    shift = int(time.time()) - max((t for _, body in samples for t in timestamps(body)), default=0)
    wa_id = wa_id or new_wa_id()
    user_id = "US." + "".join(secrets.choice("0123456789") for _ in range(20))
    wamids: dict[str, str] = {}

    def visit(key, item):
        if isinstance(item, str) and item.startswith(WAMID_PREFIX):
            return wamids.setdefault(item, new_wamid(item, wa_id))
        if key == "timestamp" and isinstance(item, str) and item.isdigit():
            return str(int(item) + shift)
        return item

    return [(name, meta.walk(as_customer(body, wa_id, user_id), visit)) for name, body in samples]


def to_number(body: dict, phone_number_id: str) -> dict:
    """Every change addressed to `phone_number_id`: parleyd skips changes for other numbers."""
    for entry in body.get("entry", []):
        for change in entry.get("changes", []):
            metadata = (change.get("value") or {}).get("metadata")
            if isinstance(metadata, dict):
                metadata["phone_number_id"] = phone_number_id
    return body








def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the WhatsApp channel id, ch_…")
    parser.add_argument("--app-secret", required=True, help="the channel's appSecret credential (the Meta app's App Secret)")
    parser.add_argument("--verify-token", help="first run the hub.challenge handshake with this verifyToken")
    parser.add_argument("--fresh", action="store_true",
                        help="new wamids, timestamps ending now and a new customer, so a re-run is stored again")
    parser.add_argument("--wa-id", help="send as this customer (digits; replaces the samples' wa_id)")
    parser.add_argument("--phone-number-id", help=f"address the samples to this business number id "
                                                  f"(the channel's phoneNumberId; the samples use {SAMPLE_PHONE_NUMBER_ID})")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.json next to this script)")
    args = parser.parse_args()
    if not args.app_secret.strip():
        parser.error("--app-secret is empty")
    for option, value in (("--wa-id", args.wa_id), ("--phone-number-id", args.phone_number_id)):
        if value is not None and not re.fullmatch(r"[0-9]{5,20}", value):
            parser.error(f"{option} must be digits")

    samples = meta.load(parser, args.files, HERE)
    if args.fresh or args.wa_id or args.phone_number_id:
        parsed = meta.parse(parser, samples)
        if args.fresh:
            parsed = refresh(parsed, args.wa_id)
        elif args.wa_id:
            parsed = [(name, as_customer(body, args.wa_id, "US." + secrets.token_hex(10))) for name, body in parsed]
        if args.phone_number_id:
            parsed = [(name, to_number(body, args.phone_number_id)) for name, body in parsed]
        samples = [(name, meta.meta_json(body)) for name, body in parsed]

    return meta.replay(args, samples, "whatsapp")


if __name__ == "__main__":
    sys.exit(main())
