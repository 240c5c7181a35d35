"""Reading what a form sent: typed values kept as typed, problems per field, and each write's Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile

from services.console.domain.errors import FieldError, FormRefused

__all__ = ["Form", "new_form_token"]


def new_form_token() -> str:
    """Rendered into each form once; a double submit sends it twice and so derives the same keys."""
    return secrets.token_urlsafe(16)


@dataclass
class Form:
    """A submitted form: `values` as typed (to render back), `errors` by field, `chosen` for repeated fields."""

    data: FormData
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, str]:
        return {key: value for key, value in self.data.items() if isinstance(value, str)}

    @property
    def form_token(self) -> str:
        sent = self.data.get("form_token")
        return sent if isinstance(sent, str) and 8 <= len(sent) <= 64 else new_form_token()

    def key(self, step: str, body: Any) -> str:
        """The Idempotency-Key of one write of this form: the same for a double submit of the same values, a new
        one once the values are corrected (the services refuse a key reused for a different request)."""
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:24]
        return f"console-{self.form_token}-{step}-{digest}"

    def text(self, name: str, message: str | None = None, max_length: int = 200) -> str:
        value = str(self.data.get(name) or "").strip()
        if not value and message:
            self.errors.setdefault(name, message)
        elif len(value) > max_length:
            self.errors.setdefault(name, f"Enter no more than {max_length} characters")
        return value

    def chosen(self, name: str) -> list[str]:
        return [value for value in self.data.getlist(name) if isinstance(value, str)]

    def number(self, name: str, label: str, maximum: int = 1_000_000_000) -> int | None:
        value = str(self.data.get(name) or "").strip().replace(",", "")
        if not value:
            self.errors.setdefault(name, f"Enter {label}")
            return None
        if not value.isdigit():
            self.errors.setdefault(name, f"{label[0].upper()}{label[1:]} must be a whole number, like 12")
            return None
        if int(value) > maximum:
            self.errors.setdefault(name, f"{label[0].upper()}{label[1:]} must be {maximum:,} or fewer")
            return None
        return int(value)

    def date(self, name: str, label: str) -> date | None:
        parts = [str(self.data.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")]
        if not any(parts):
            self.errors.setdefault(name, f"Enter {label}")
            return None
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            self.errors.setdefault(name, f"{label[0].upper()}{label[1:]} must be a real date, like 27 3 2027")
            return None
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.errors.setdefault(name, f"{label[0].upper()}{label[1:]} must be a real date, like 27 3 2027")
            return None

    async def file(self, name: str, message: str, max_bytes: int = 5_000_000) -> bytes:
        upload = self.data.get(name)
        if not isinstance(upload, UploadFile) or not upload.filename:
            self.errors.setdefault(name, message)
            return b""
        content = await upload.read(max_bytes + 1)
        if not content:
            self.errors.setdefault(name, "The selected file is empty")
        elif len(content) > max_bytes:
            self.errors.setdefault(name, f"The selected file must be smaller than {max_bytes // 1_000_000} MB")
        return content

    def refuse_if_wrong(self) -> None:
        if self.errors:
            raise FormRefused([FieldError(name, message) for name, message in self.errors.items()])
