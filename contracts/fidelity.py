"""The fidelity checklists a facilitator fills in with each circle and leadership day: was it delivered as
designed. The items are data (`fidelity_checklists.json`), so the programme can change them without code; an
event carries the checklist as it was answered (each item's key and whether it was done)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["FIDELITY_CHECKLISTS", "ChecklistItem", "FidelityOccasion", "check_fidelity"]

FidelityOccasion = Literal["circle", "leadership_day"]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    text: str


def _load() -> dict[FidelityOccasion, tuple[ChecklistItem, ...]]:
    raw = json.loads((Path(__file__).parent / "fidelity_checklists.json").read_text(encoding="utf-8"))
    return {
        "circle": tuple(ChecklistItem(**item) for item in raw["circle"]),
        "leadership_day": tuple(ChecklistItem(**item) for item in raw["leadership_day"]),
    }


FIDELITY_CHECKLISTS: dict[FidelityOccasion, tuple[ChecklistItem, ...]] = _load()


def check_fidelity(occasion: FidelityOccasion, answered: dict[str, bool]) -> str | None:
    """Why `answered` is not a complete answer to the occasion's checklist, or None when it is."""
    expected = [item.key for item in FIDELITY_CHECKLISTS[occasion]]
    unknown = sorted(set(answered) - set(expected))
    if unknown:
        return f"{', '.join(unknown)} is not on the {occasion.replace('_', ' ')} checklist ({', '.join(expected)})"
    missing = [key for key in expected if key not in answered]
    if missing:
        return f"every checklist item must be answered true or false; missing: {', '.join(missing)}"
    return None
