"""URL verification: the GET WeChat sends when the developer saves the server URL in the console.

For an Official Account the handshake is the plain signature in every mode (safe mode included):
the echostr comes back unchanged, and nothing else does.
"""

from __future__ import annotations

import secrets

import pytest

import wechat_wire as wire

MODES = ["plain", "compatible", "safe"]


@pytest.mark.parametrize("mode", MODES)
def test_verification_echoes_echostr(base_url, channels, mode):
    channel = channels[mode]
    echostr = str(secrets.randbits(63))
    response = wire.send(base_url, wire.verification(channel, echostr))
    assert response.status == 200, response.describe()
    assert response.body == echostr.encode(), f"WeChat compares the body with echostr byte for byte: {response.describe()}"


@pytest.mark.parametrize("mode", MODES)
def test_verification_echoes_a_non_numeric_echostr(base_url, channels, mode):
    echostr = "6093452113915405056_" + secrets.token_hex(8)
    response = wire.send(base_url, wire.verification(channels[mode], echostr))
    assert (response.status, response.body) == (200, echostr.encode()), response.describe()


@pytest.mark.parametrize("mode", MODES)
def test_verification_with_a_wrong_signature_is_refused(base_url, channels, mode):
    echostr = str(secrets.randbits(63))
    response = wire.send(base_url, wire.verification(channels[mode], echostr, signature="0" * 40))
    assert response.status == 401, response.describe()
    assert echostr.encode() not in response.body, response.describe()


def test_verification_signed_with_another_token_is_refused(base_url, channels):
    """A signature made with the safe channel's token does not verify the plain channel."""
    plain, safe = channels["plain"], channels["safe"]
    request = wire.verification(safe, "12345")
    request.path = plain.webhook_path
    response = wire.send(base_url, request)
    assert response.status == 401, response.describe()
    assert b"12345" not in response.body, response.describe()
