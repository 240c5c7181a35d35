"""Secrets the console hands out (sign-in links, session cookies) and the hashes it keeps of them."""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["form_token_matches", "hash_of", "new_secret", "request_token"]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_of(secret: str) -> str:
    """What is stored: the SHA-256 of a secret with 256 bits of entropy needs no salt or slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def request_token(csrf_secret: str) -> str:
    """The CSRF token every form of a session carries (the session's secret never leaves the server)."""
    return hmac.new(csrf_secret.encode(), b"console-form", hashlib.sha256).hexdigest()


def form_token_matches(csrf_secret: str, sent: str) -> bool:
    return hmac.compare_digest(request_token(csrf_secret), sent)
