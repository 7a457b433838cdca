"""What the WhatsApp, Messenger and SMS sample tests share: running a samples/webhooks/<kind>/replay.py
as a subprocess, loading it as a module (its signing functions), reading its output, waiting for
stored media, and `MediaHost`, a stand-in for Meta's and Twilio's media hosts on 127.0.0.1.

parleyd downloads Messenger attachments and MMS media on receipt. The samples' URLs point at
Meta's CDN and api.twilio.com; the tests replay them with `--media-base <MediaHost URL>`, which
parleyd admits because the channels' apiBaseURL host is 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time

from fake_api import FakeAPI, Recorded

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES_ROOT = os.path.join(ROOT, "samples", "webhooks")
STORED_MEDIA_PREFIX = "/api/v1/media/"

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4", ".pdf": "application/pdf"}


def kind_of(path: str) -> str:
    """`02-image.json` -> `image`: what a sample file holds."""
    return os.path.basename(path)[3:-5]


def raw(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def samples_dir(kind: str) -> str:
    return os.path.join(SAMPLES_ROOT, kind)


def replay_script(kind: str) -> str:
    return os.path.join(samples_dir(kind), "replay.py")


def load_replay(kind: str):
    """samples/webhooks/<kind>/replay.py as a module, for its sign/refresh/post functions."""
    spec = importlib.util.spec_from_file_location(f"{kind}_replay", replay_script(kind))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_replay(kind: str, *args: str, timeout: float = 120):
    """(CompletedProcess, a description with the command and its output for assertion messages)."""
    command = [sys.executable, replay_script(kind), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return result, f"$ {' '.join(command)}\n-> exit {result.returncode}\n{result.stdout}{result.stderr}"


def answers(stdout: str) -> dict[str, tuple[int, str]]:
    """file name (or "GET verification") -> (status, the rest of the line), from replay.py's output."""
    found = {}
    for line in stdout.splitlines()[1:]:
        if line.startswith("GET verification"):
            name, rest = "GET verification", line[len("GET verification"):].strip()
        else:
            name, _, rest = line.partition(" ")
            rest = rest.strip()
        status, _, text = rest.partition(" ")
        if status.isdigit():
            found[name] = (int(status), text)
    return found


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)[:4000]


def wait_downloaded(agent, conversation_id, message_ids, timeout: float = 20.0) -> dict:
    """id -> message, once every message in `message_ids` points at a stored file (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = {m["id"]: m for m in agent.messages(conversation_id) if m["id"] in message_ids}
        done = all(m["content"].get("media", {}).get("location", "").startswith(STORED_MEDIA_PREFIX) for m in messages.values())
        if (done and len(messages) == len(message_ids)) or time.monotonic() > deadline:
            return messages
        time.sleep(0.25)


class MediaHost(FakeAPI):
    """Serves any GET: `media:<path>` as the body, the content type from the path's extension
    (none for a path without one, as a CDN may answer `application/octet-stream`)."""

    name = "fake media host"

    @staticmethod
    def body_for(path: str) -> bytes:
        return b"media:" + path.encode("utf-8")

    def answer(self, request: Recorded) -> tuple[int, dict, bytes]:
        if request.method != "GET":
            return 405, {"Content-Type": "text/plain"}, b"GET only"
        extension = os.path.splitext(request.path)[1].lower()
        content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
        if "/audioclip-" in request.path:  # Messenger voice clips are .mp4 files holding audio
            content_type = "audio/mp4"
        return 200, {"Content-Type": content_type}, self.body_for(request.path)
