"""The email fallback's sending side against a real SMTP server: aiosmtpd on 127.0.0.1 plays the
mail relay, the real binary runs `parleyd mail-test --to visitor@example.com`, and the tests read
what arrived (envelope, and the message parsed by Python's `email` package) or what parleyd said
when it could not send.

Covers: plain delivery (no credentials, the server offers no STARTTLS); STARTTLS then AUTH with the
percent-decoded credentials of PARLEY_SMTP_URL, trusting a test CA through PARLEY_SMTP_CA_FILE; the
refusals (password without STARTTLS, untrusted certificate, wrong password, refused recipient,
nothing listening, a bad URL) with a non-zero exit and a message naming the problem.

Needs PARLEYD_BIN (like the rest of the suite) and aiosmtpd + cryptography (requirements.txt).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import email.utils
import ipaddress
import os
import socket
import ssl
import subprocess
import types

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")

SENDER = "noreply@parley.test"
VISITOR = "visitor@example.com"
CLI_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """Records each accepted message; refuses the recipients given in `refuse` with their reply."""

    def __init__(self, refuse: dict[str, str] | None = None):
        self.refuse = refuse or {}
        self.messages: list[types.SimpleNamespace] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(types.SimpleNamespace(
            mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
            content=envelope.original_content, tls=session.ssl is not None,
        ))
        return "250 Message accepted for delivery"


class RecordingAuthenticator:
    """aiosmtpd's authenticator: records each attempt, accepts only the expected pair."""

    def __init__(self, login: str, password: str):
        self.expected = (login, password)
        self.attempts: list[tuple[str, str, str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode("utf-8")
        password = auth_data.password.decode("utf-8")
        self.attempts.append((mechanism, login, password, session.ssl is not None))
        # handled=False: aiosmtpd then answers a refusal with 535 itself (its default, True, sends nothing).
        return aiosmtpd_smtp.AuthResult(success=(login, password) == self.expected, handled=False)


@pytest.fixture
def smtp_server():
    """Starts aiosmtpd controllers with the given handler and options; stops them after the test."""
    started = []

    def start(handler, **options):
        controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        started.append(controller)
        return controller

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (as IP SAN) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Parley test SMTP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return types.SimpleNamespace(cert=str(cert_path), key=str(key_path))


def tls_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert, certificate.key)
    return context


def mail_test(tmp_path, url: str | None, *args: str, sender: str | None = SENDER, **env: str):
    """Runs `parleyd mail-test --to visitor@example.com` with only the given PARLEY_* variables."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    if url is not None:
        environment["PARLEY_SMTP_URL"] = url
    if sender is not None:
        environment["PARLEY_SMTP_FROM"] = sender
    environment.update(env)
    command = [os.environ["PARLEYD_BIN"], "mail-test", "--to", VISITOR, *args]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT_S)
    result.output = result.stdout + result.stderr
    return result


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_mail_test_delivers_a_readable_message(tmp_path, smtp_server):
    handler = RecordingHandler()
    server = smtp_server(handler)
    result = mail_test(tmp_path, f"smtp://127.0.0.1:{server.port}", sender=f"Acme 客服 <{SENDER}>")
    assert result.returncode == 0, result.output
    assert f"test email sent to {VISITOR}" in result.stdout
    assert len(handler.messages) == 1
    received = handler.messages[0]
    assert received.mail_from == SENDER
    assert received.rcpt_tos == [VISITOR]
    assert not received.tls, "the server offered no STARTTLS, and without a password none is required"

    raw = received.content
    for line in raw.split(b"\r\n"):
        assert len(line) <= 78, line
        assert b"\n" not in line and b"\r" not in line, "bare CR or LF in the message"
    message = parse(raw)
    assert message["Subject"] == "Parley test email · 测试邮件"
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["From"].addresses[0].display_name == "Acme 客服"
    assert [address.addr_spec for address in message["To"].addresses] == [VISITOR]
    assert message["Message-ID"].endswith("@parley.test>")
    date = email.utils.parsedate_to_datetime(message["Date"])
    assert abs((datetime.datetime.now(datetime.timezone.utc) - date).total_seconds()) < 300
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    body = message.get_content()
    assert "This is a test email from `parleyd mail-test`." in body
    assert "这是一封测试邮件：中文内容也能正常显示。" in body
    assert f"127.0.0.1:{server.port}" in body


def test_flags_take_precedence_over_the_environment(tmp_path, smtp_server):
    handler = RecordingHandler()
    server = smtp_server(handler)
    dead = free_port()
    result = mail_test(tmp_path, f"smtp://127.0.0.1:{dead}", "--smtp-url", f"smtp://127.0.0.1:{server.port}",
                       "--from", "flag@parley.test", sender="env@parley.test")
    assert result.returncode == 0, result.output
    assert [m.mail_from for m in handler.messages] == ["flag@parley.test"]


def test_starttls_then_auth_with_the_urls_percent_decoded_credentials(tmp_path, smtp_server, certificate):
    handler = RecordingHandler()
    authenticator = RecordingAuthenticator("mailer@acme.example", "p@ss:w/rd 密码")
    server = smtp_server(handler, tls_context=tls_context(certificate), require_starttls=True,
                         authenticator=authenticator, auth_require_tls=True)
    url = f"smtp://mailer%40acme.example:p%40ss%3Aw%2Frd%20%E5%AF%86%E7%A0%81@127.0.0.1:{server.port}"
    result = mail_test(tmp_path, url, PARLEY_SMTP_CA_FILE=certificate.cert)
    assert result.returncode == 0, result.output
    assert [(login, password, tls) for _, login, password, tls in authenticator.attempts] == \
        [("mailer@acme.example", "p@ss:w/rd 密码", True)]
    assert len(handler.messages) == 1 and handler.messages[0].tls
    assert "p@ss" not in result.output and "%40ss" not in result.output, "the password is never printed"
    assert parse(handler.messages[0].content)["Subject"] == "Parley test email · 测试邮件"


def test_a_wrong_password_is_refused_permanently(tmp_path, smtp_server, certificate):
    handler = RecordingHandler()
    authenticator = RecordingAuthenticator("mailer", "right")
    server = smtp_server(handler, tls_context=tls_context(certificate), require_starttls=True,
                         authenticator=authenticator, auth_require_tls=True)
    result = mail_test(tmp_path, f"smtp://mailer:wrong@127.0.0.1:{server.port}", PARLEY_SMTP_CA_FILE=certificate.cert)
    assert result.returncode != 0
    assert authenticator.attempts and authenticator.attempts[0][2] == "wrong"
    assert "refused the login of user 'mailer'" in result.stderr, result.output
    assert "535" in result.stderr and "permanent" in result.stderr
    assert handler.messages == []


def test_a_password_is_never_sent_without_starttls(tmp_path, smtp_server):
    handler = RecordingHandler()
    authenticator = RecordingAuthenticator("mailer", "secret")
    server = smtp_server(handler, authenticator=authenticator, auth_require_tls=False)  # offers AUTH in clear
    result = mail_test(tmp_path, f"smtp://mailer:secret@127.0.0.1:{server.port}")
    assert result.returncode != 0
    assert "does not offer STARTTLS" in result.stderr, result.output
    assert f"127.0.0.1:{server.port}" in result.stderr
    assert authenticator.attempts == [] and handler.messages == []


def test_an_untrusted_certificate_stops_the_send(tmp_path, smtp_server, certificate):
    handler = RecordingHandler()
    server = smtp_server(handler, tls_context=tls_context(certificate), require_starttls=True)
    result = mail_test(tmp_path, f"smtp://127.0.0.1:{server.port}")  # STARTTLS offered, CA not trusted
    assert result.returncode != 0
    assert f"TLS with SMTP server 127.0.0.1:{server.port} failed" in result.stderr, result.output
    assert handler.messages == []


def test_a_refused_recipient_shows_the_servers_reply(tmp_path, smtp_server):
    handler = RecordingHandler(refuse={VISITOR: "550 5.1.1 <visitor@example.com>: no such user here"})
    server = smtp_server(handler)
    result = mail_test(tmp_path, f"smtp://127.0.0.1:{server.port}")
    assert result.returncode != 0
    assert f"refused the recipient <{VISITOR}>" in result.stderr, result.output
    assert "550 5.1.1 <visitor@example.com>: no such user here" in result.stderr
    assert "recipient_refused" in result.stderr and "permanent" in result.stderr
    assert handler.messages == []


def test_nothing_listening_names_host_and_port(tmp_path):
    port = free_port()
    result = mail_test(tmp_path, f"smtp://127.0.0.1:{port}")
    assert result.returncode != 0
    assert f"cannot connect to SMTP server 127.0.0.1:{port}" in result.stderr, result.output
    assert "temporary" in result.stderr


@pytest.mark.parametrize("url, sender, named", [
    ("smtp://127.0.0.1:99999", SENDER, "PARLEY_SMTP_URL port"),
    ("http://127.0.0.1:25", SENDER, "PARLEY_SMTP_URL scheme"),
    ("smtp://user@127.0.0.1:25", SENDER, "PARLEY_SMTP_URL password"),
    ("smtp://127.0.0.1:25", "not-an-address", "PARLEY_SMTP_FROM"),
    ("smtp://127.0.0.1:25", None, "PARLEY_SMTP_FROM"),
])
def test_bad_settings_are_refused_naming_the_part(tmp_path, url, sender, named):
    result = mail_test(tmp_path, url, sender=sender)
    assert result.returncode != 0
    assert named in result.stderr, result.output


def test_without_an_smtp_url_it_says_what_to_set(tmp_path):
    result = mail_test(tmp_path, None)
    assert result.returncode != 0
    assert "PARLEY_SMTP_URL is not set" in result.stderr, result.output
