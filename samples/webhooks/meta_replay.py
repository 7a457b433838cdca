"""What the WhatsApp and Messenger replay scripts share: Meta's webhook signing and
serialization, the hub.challenge handshake, reading the sample files and replaying them.

Standard library only; imported by samples/webhooks/{whatsapp,messenger}/replay.py.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import hmac
import http.client
import json
import os
import secrets
import sys
import urllib.parse

SIGNATURE_HEADER = "X-Hub-Signature-256"
LEGACY_SIGNATURE_HEADER = "X-Hub-Signature"
USER_AGENT = "facebookexternalua"


def sign(body: bytes, app_secret: str) -> str:
    """`sha256=<lowercase hex HMAC-SHA256(app secret, body)>`, the X-Hub-Signature-256 value."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def sign_legacy(body: bytes, app_secret: str) -> str:
    return "sha1=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


def meta_json(payload) -> bytes:
    """Compact JSON the way Meta posts it: ASCII only (\\uXXXX escapes) and escaped slashes."""
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode("ascii")


def walk(value, visit):
    """`value` with `visit(key, item)` applied to every (key, scalar) pair, depth first."""
    if isinstance(value, dict):
        return {k: (walk(v, visit) if isinstance(v, (dict, list)) else visit(k, v)) for k, v in value.items()}
    if isinstance(value, list):
        return [walk(v, visit) if isinstance(v, (dict, list)) else visit(None, v) for v in value]
    return value


def request(url: urllib.parse.SplitResult, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request(method, url.path.rstrip("/") + path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post(url: urllib.parse.SplitResult, path: str, body: bytes, app_secret: str, timeout: float = 30) -> tuple[int, bytes]:
    return request(url, "POST", path, body, {
        "Content-Type": "application/json", "User-Agent": USER_AGENT, "Accept": "*/*",
        LEGACY_SIGNATURE_HEADER: sign_legacy(body, app_secret), SIGNATURE_HEADER: sign(body, app_secret),
    }, timeout)


def verify(url: urllib.parse.SplitResult, path: str, verify_token: str) -> tuple[bool, str]:
    challenge = str(secrets.randbelow(9 * 10**9) + 10**9)
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token})
    status, answer = request(url, "GET", f"{path}?{query}", headers={"User-Agent": USER_AGENT})
    text = answer.decode("utf-8", "replace").strip()
    ok = status == 200 and text == challenge
    return ok, f"{status} {text}" + (" (challenge returned)" if ok else f" (expected 200 {challenge})")


def load(parser: argparse.ArgumentParser, files: list[str], here: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the files given, or of every *.json beside the script, in name order."""
    files = files or sorted(glob.glob(os.path.join(here, "*.json")))
    if not files:
        parser.error("no sample files")
    samples: list[tuple[str, bytes]] = []
    for path in files:
        if not os.path.isfile(path):
            parser.error(f"no such sample file: {path}")
        with open(path, "rb") as handle:
            samples.append((os.path.basename(path), handle.read()))
    return samples


def parse(parser: argparse.ArgumentParser, samples: list[tuple[str, bytes]]) -> list[tuple[str, dict]]:
    try:
        return [(name, json.loads(raw)) for name, raw in samples]
    except ValueError as error:
        parser.error(f"a sample is not JSON: {error}")


def replay(args, samples: list[tuple[str, bytes]], kind: str) -> int:
    """Optionally the handshake, then every sample POSTed signed; prints each answer. 0 when
    every request was answered 2xx (and the challenge echoed), 1 otherwise."""
    url = urllib.parse.urlsplit(args.url)
    path = f"/hooks/{args.channel}"
    print(f"channel:  {args.channel}  ({kind})  {args.url}")
    width = max([len(name) for name, _ in samples] + [len("GET verification")])
    failed = False
    try:
        if args.verify_token is not None:
            ok, line = verify(url, path, args.verify_token)
            failed |= not ok
            print(f"{'GET verification':<{width}}  {line}")
        for name, body in samples:
            status, answer = post(url, path, body, args.app_secret)
            failed |= not 200 <= status < 300
            print(f"{name:<{width}}  {status} {answer.decode('utf-8', 'replace').strip()}".rstrip())
    except OSError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    return 1 if failed else 0
