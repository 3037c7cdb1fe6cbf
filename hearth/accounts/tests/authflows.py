"""Steps the auth tests share: a TOTP code from a secret, logging in and confirming access
through the real forms (allauth needs a fresh password confirmation before security changes)."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.test import Client

SECRET_RE = re.compile(r'id="authenticator_secret" value="([A-Z2-7]+)"')


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238: HMAC-SHA1 over the 30-second counter, dynamically truncated to six digits."""
    counter = int(at if at is not None else time.time()) // 30
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client: Client, login: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": login, "password": password})


def confirm_access(client: Client, password: str) -> None:
    """Answer allauth's "confirm it's you" step with the password."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]


def activate_totp(client: Client, password: str) -> str:
    """Turn on the authenticator app for the logged-in client; returns the secret shown."""
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302:
        confirm_access(client, password)
        response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    match = SECRET_RE.search(response.content.decode())
    assert match, "the activation page shows the secret"
    secret = match.group(1)
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret
