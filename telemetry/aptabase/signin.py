"""The magic-link sign-in token Aptabase mails, made with PyJWT.

Aptabase signs HS256 tokens with the ASCII bytes of its secret (.NET `Encoding.ASCII`: a
non-ASCII character becomes `?`) and checks the signature, the issuer `aptabase-{region}`
and the lifetime with zero clock skew, and no audience.
"""

from __future__ import annotations

import warnings

import jwt

TOKEN_LIFETIME_SECONDS = 600
ALGORITHM = "HS256"

# The key is the server's AUTH_SECRET: its length is the server's choice, not ours, so
# PyJWT's advice to use 32 bytes or more would only be noise on every sign-in.
warnings.filterwarnings("ignore", category=jwt.InsecureKeyLengthWarning)


def issuer_for(region: str) -> str:
    return f"aptabase-{region.lower()}"


def secret_key(secret: str) -> bytes:
    return secret.encode("ascii", errors="replace")


def sign_in_token(*, name: str, email: str, region: str, secret: str, now: float) -> str:
    """The token Aptabase mails: type SignIn, valid for 10 minutes from `now`."""
    issued = int(now)
    claims = {
        "type": "SignIn",
        "name": name,
        "email": email,
        "iat": issued,
        "exp": issued + TOKEN_LIFETIME_SECONDS,
        "iss": issuer_for(region),
    }
    return jwt.encode(claims, secret_key(secret), algorithm=ALGORITHM)
