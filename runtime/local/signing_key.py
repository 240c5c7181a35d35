"""The local stack's token signing key: made once, kept private in the data folder, found again on restart."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from runtime.settings import Settings

__all__ = ["load_or_create_signing_key", "with_signing_key"]


def load_or_create_signing_key(data_dir: Path) -> str:
    path = data_dir / "run" / "jwt-secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created owner-only from the start, so the key is never readable by others even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(key)
    return key


def with_signing_key(settings: Settings) -> Settings:
    """`settings` as given when RSP_JWT_SECRET is set, else with the local stack's key from its data folder."""
    if settings.jwt_secret is not None:
        return settings
    key = load_or_create_signing_key(settings.data_dir.resolve())
    return settings.model_copy(update={"jwt_secret": SecretStr(key)})
