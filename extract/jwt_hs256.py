"""HS256 JSON Web Tokens with the standard library, as Aptabase issues and checks them.

The key is the ASCII bytes of the secret (.NET `Encoding.ASCII`: a non-ASCII character
becomes `?`). Aptabase checks the signature, the issuer `aptabase-{region}` and the
lifetime with zero clock skew, and no audience.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

TOKEN_LIFETIME_SECONDS = 600
_HEADER = {"alg": "HS256", "typ": "JWT"}


class TokenError(Exception):
    """The token cannot be accepted (the message never contains the token)."""


class TokenExpired(TokenError):
    """Well-formed and correctly signed, but past its `exp`."""


class TokenInvalid(TokenError):
    """Malformed, wrongly signed, wrong algorithm or wrong issuer."""


def issuer_for(region: str) -> str:
    return f"aptabase-{region.lower()}"


def secret_key(secret: str) -> bytes:
    return secret.encode("ascii", errors="replace")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise TokenInvalid("bad base64url segment") from None


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret_key(secret), signing_input, hashlib.sha256).digest()


def encode(claims: Mapping[str, Any], secret: str) -> str:
    """A compact HS256 JWT carrying `claims`."""
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(dict(claims), separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{_b64encode(_sign(signing_input, secret))}"


def sign_in_token(*, name: str, email: str, region: str, secret: str, now: float) -> str:
    """The magic-link token Aptabase mails: type SignIn, valid for 10 minutes from `now`."""
    issued = int(now)
    return encode(
        {
            "type": "SignIn",
            "name": name,
            "email": email,
            "iat": issued,
            "exp": issued + TOKEN_LIFETIME_SECONDS,
            "iss": issuer_for(region),
        },
        secret,
    )


def decode(token: str, secret: str, *, issuer: str, now: float) -> dict[str, Any]:
    """The claims of a valid token; TokenExpired or TokenInvalid otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenInvalid("not a compact JWT")
    header = _json_segment(parts[0])
    claims = _json_segment(parts[1])
    if header.get("alg") != "HS256":
        raise TokenInvalid("algorithm is not HS256")
    expected = _sign(f"{parts[0]}.{parts[1]}".encode("ascii", errors="replace"), secret)
    if not hmac.compare_digest(expected, _b64decode(parts[2])):
        raise TokenInvalid("bad signature")
    if claims.get("iss") != issuer:
        raise TokenInvalid("wrong issuer")
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise TokenInvalid("no lifetime")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and now < nbf:
        raise TokenInvalid("not valid yet")
    if now > exp:  # zero clock skew, as the server configures it
        raise TokenExpired("expired")
    return claims


def _json_segment(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(segment))
    except (ValueError, UnicodeDecodeError):
        raise TokenInvalid("segment is not JSON") from None
    if not isinstance(value, dict):
        raise TokenInvalid("segment is not a JSON object")
    return value
