"""A cohort's impact figures as an Explore Education Statistics data file and its `.meta.csv`: UTF-8 CSV,
snake_case headers, the mandatory time and geography columns, GSS symbols, suppression as `open_data` applies."""

from __future__ import annotations

from services.reporting.domain.open_data import EES_META_COLUMNS, PublishedRow, ees_data_rows, ees_meta_rows
from services.reporting.entrypoints.csv_export import csv_text

__all__ = ["ees_file_name", "ees_files"]


def ees_file_name(cohort_id: str) -> str:
    """Lower case, letters, digits, hyphens and underscores only, no time period (DfE's file name rules)."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in cohort_id.lower())
    return f"rsp_impact_{safe}"


def ees_files(rows: list[PublishedRow]) -> tuple[str, str]:
    """(data file, metadata file) as text; encode as UTF-8."""
    data = ees_data_rows(rows)
    header = list(data[0]) if data else []
    data_text = csv_text(header, ([row[name] for name in header] for row in data))
    meta_text = csv_text(EES_META_COLUMNS, ([row[name] for name in EES_META_COLUMNS] for row in ees_meta_rows()))
    return data_text, meta_text
