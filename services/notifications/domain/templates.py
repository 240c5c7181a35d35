"""The programme's words for each kind of message, kept as data (`templates.json`), and how a message is worded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from services.notifications.domain.errors import TemplateProblem

__all__ = ["DEFAULT_TEMPLATES", "Templates", "Wording"]

DEFAULT_TEMPLATES = Path(__file__).parents[1] / "templates.json"


@dataclass(frozen=True)
class Wording:
    """A message as its reader sees it."""

    subject: str
    body: str


@dataclass(frozen=True)
class _Template:
    essential: bool
    subject: Template
    body: Template


class Templates:
    """Every kind's subject and body, whether it is essential, and the words for reminders, sessions and roles."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._kinds: dict[str, _Template] = {}
        try:
            for kind, entry in data.items():
                if kind.startswith("_"):
                    continue
                self._kinds[kind] = _Template(
                    bool(entry["essential"]), Template(entry["subject"]), Template(entry["body"])
                )
            self._words: dict[str, dict[str, str]] = {k: dict(v) for k, v in data["_words"].items()}
        except (KeyError, TypeError, AttributeError) as bad:
            raise TemplateProblem(f"the templates file is not shaped as expected: {bad!r}") from None

    @classmethod
    def load(cls, path: Path = DEFAULT_TEMPLATES) -> Templates:
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as bad:
            raise TemplateProblem(f"cannot read the templates file {path}: {bad}") from None

    def essential(self, kind: str) -> bool:
        return self._template(kind).essential

    def word(self, group: str, key: str, **values: object) -> str:
        """The programme's words for `key` (a reminder kind, a session kind, a role)."""
        text = self._words.get(group, {}).get(key, key.replace("_", " "))
        return Template(text).safe_substitute({name: str(value) for name, value in values.items()})

    def render(self, kind: str, values: Mapping[str, object]) -> Wording:
        template = self._template(kind)
        text = {name: str(value) for name, value in values.items()}
        try:
            return Wording(template.subject.substitute(text), template.body.substitute(text))
        except (KeyError, ValueError) as missing:
            raise TemplateProblem(f"the {kind} template needs a value it was not given: {missing}") from None

    def _template(self, kind: str) -> _Template:
        template = self._kinds.get(kind)
        if template is None:
            raise TemplateProblem(f"no template for {kind!r}")
        return template
