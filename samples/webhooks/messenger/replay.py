#!/usr/bin/env python3
"""Replay the Messenger samples against a running parleyd, signed as Meta signs them.

    python3 samples/webhooks/messenger/replay.py --url http://127.0.0.1:8080 --channel ch_x --app-secret SECRET
    python3 samples/webhooks/messenger/replay.py --url http://127.0.0.1:8080 --channel ch_x --app-secret SECRET \\
        --page-id 104938271650392 --verify-token VERIFY --fresh

Each *.json next to this script (or the files given) is one Page webhook body
(`{"object": "page", "entry": [{"id", "time", "messaging": [...]}]}`). It is POSTed to
/hooks/<channel> in name order with `Content-Type: application/json`, `X-Hub-Signature-256:
sha256=<hex HMAC-SHA256(key = app secret, message = the exact bytes sent)>` (and the legacy
`X-Hub-Signature: sha1=…` Meta still sends beside it), and its status and body are printed.

Without --fresh, --psid, --page-id or --media-base the file's bytes are sent untouched
(indentation and all), so the signature covers exactly what is on disk. A rewritten body is sent
the way Meta serializes it: compact, non-ASCII as \\uXXXX escapes, `/` as `\\/`.

--verify-token first runs Meta's subscription handshake: GET /hooks/<channel>?hub.mode=subscribe&
hub.verify_token=…&hub.challenge=<number>, which must answer 200 with the challenge.

--media-base URL points the attachment URLs (image, audio, video, file) at URL instead of Meta's
CDN hosts, path and query kept: parleyd downloads attachments on receipt, so this keeps those
downloads on a test server (parleyd fetches only from the channel's mediaDomains over https, or
from its apiBaseURL host).

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
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import meta_replay as meta  # noqa: E402  (beside this folder: what the Messenger and WhatsApp scripts share)
# The customer every sample comes from (a page-scoped id, PSID) and the Page it writes to.
SAMPLE_PSID = "7204618895562310"
SAMPLE_PAGE_ID = "104938271650392"
MEDIA_TYPES = {"image", "audio", "video", "file"}
TIME_KEYS = {"time", "timestamp", "watermark"}








def new_psid() -> str:
    return str(secrets.randbelow(9 * 10**15) + 10**15)


def new_mid() -> str:
    return "m_" + base64.urlsafe_b64encode(secrets.token_bytes(66)).decode("ascii").rstrip("=")[:86]




def times(value) -> list[int]:
    found: list[int] = []

    def note(key, item):
        if key in TIME_KEYS and isinstance(item, int) and not isinstance(item, bool):
            found.append(item)
        return item

    meta.walk(value, note)
    return found


def replace_id(body: dict, old: str, new: str) -> dict:
    return json.loads(json.dumps(body, ensure_ascii=False).replace(f'"{old}"', f'"{new}"'))


def refresh(samples: list[tuple[str, dict]], psid: str | None) -> list[tuple[str, dict]]:
    """New mids (files that shared one, a redelivery, still share the new one; reactions,
    deliveries and edits keep naming the same message), times ending now with their spacing
    kept, and the customer replaced by `psid` (or a new one), so a re-run is stored again."""
    shift = int(time.time() * 1000) - max((t for _, body in samples for t in times(body)), default=0)
    psid = psid or new_psid()
    mids: dict[str, str] = {}

    def visit(key, item):
        if isinstance(item, str) and item.startswith("m_") and key in ("mid", None):
            return mids.setdefault(item, new_mid())
        if key in TIME_KEYS and isinstance(item, int) and not isinstance(item, bool):
            return item + shift
        return item

    return [(name, meta.walk(replace_id(body, SAMPLE_PSID, psid), visit)) for name, body in samples]


def with_media_base(body: dict, base: str) -> dict:
    """Attachment URLs (image, audio, video, file; not stickers, which are not downloaded) moved
    to `base`, path and query kept."""
    target = urllib.parse.urlsplit(base)
    for entry in body.get("entry", []):
        for event in entry.get("messaging", []):
            for attachment in (event.get("message") or {}).get("attachments") or []:
                payload = attachment.get("payload") or {}
                if attachment.get("type") in MEDIA_TYPES and isinstance(payload.get("url"), str) and "sticker_id" not in payload:
                    old = urllib.parse.urlsplit(payload["url"])
                    payload["url"] = urllib.parse.urlunsplit(
                        (target.scheme, target.netloc, target.path.rstrip("/") + old.path, old.query, ""))
    return body








def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="parleyd base URL (default %(default)s)")
    parser.add_argument("--channel", required=True, help="the Messenger channel id, ch_…")
    parser.add_argument("--app-secret", required=True, help="the channel's appSecret credential (the Meta app's App Secret)")
    parser.add_argument("--verify-token", help="first run the hub.challenge handshake with this verifyToken")
    parser.add_argument("--fresh", action="store_true",
                        help="new mids, times ending now and a new customer, so a re-run is stored again")
    parser.add_argument("--psid", help="send as this customer (a page-scoped id; replaces the samples' sender)")
    parser.add_argument("--page-id", help=f"address the samples to this Page (the channel's pageId; the samples use "
                                          f"{SAMPLE_PAGE_ID}, and parleyd skips entries for other Pages)")
    parser.add_argument("--media-base", help="serve attachment URLs from this base URL instead of Meta's CDN hosts")
    parser.add_argument("files", nargs="*", help="sample files (default: every *.json next to this script)")
    args = parser.parse_args()
    if not args.app_secret.strip():
        parser.error("--app-secret is empty")
    for option, value in (("--psid", args.psid), ("--page-id", args.page_id)):
        if value is not None and not re.fullmatch(r"[0-9]{5,20}", value):
            parser.error(f"{option} must be digits")
    if args.media_base is not None:
        base = urllib.parse.urlsplit(args.media_base)
        if base.scheme not in ("http", "https") or not base.netloc or base.query:
            parser.error("--media-base must be an http(s) URL without a query")

    samples = meta.load(parser, args.files, HERE)
    if args.fresh or args.psid or args.page_id or args.media_base:
        parsed = meta.parse(parser, samples)
        if args.fresh:
            parsed = refresh(parsed, args.psid)
        elif args.psid:
            parsed = [(name, replace_id(body, SAMPLE_PSID, args.psid)) for name, body in parsed]
        if args.page_id:
            parsed = [(name, replace_id(body, SAMPLE_PAGE_ID, args.page_id)) for name, body in parsed]
        if args.media_base:
            parsed = [(name, with_media_base(body, args.media_base)) for name, body in parsed]
        samples = [(name, meta.meta_json(body)) for name, body in parsed]

    return meta.replay(args, samples, "messenger")


if __name__ == "__main__":
    sys.exit(main())
