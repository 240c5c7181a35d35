"""A checker of Explore Education Statistics data files, written from DfE's published open data standards
(analysts' guide, "Open Data Standards"): file names, UTF-8 CSV with snake_case headers, the mandatory time
and geography columns and their allowed values, the columns each geographic level requires, GSS symbols in
indicator cells, and a `.meta.csv` with exactly the mandatory metadata columns agreeing with the data file.
Returns every problem found, so a test can assert there are none."""

from __future__ import annotations

import csv
import io
import re

__all__ = ["check_ees_files"]

_MANDATORY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
_META_COLUMNS = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
)
_SIX_DIGITS = {"Academic year", "Financial year", "Tax year", "Autumn term", "Spring term", "Summer term"}
_FOUR_DIGITS = {"Calendar year", "Reporting year"}
_LEVEL_COLUMNS = {
    "National": (),
    "Regional": ("region_code", "region_name"),
    "Local authority": ("old_la_code", "new_la_code", "la_name"),
    "School": ("school_name", "school_urn", "school_laestab", "old_la_code", "new_la_code", "la_name"),
}
_GEOGRAPHY = {
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "school_name",
    "school_urn",
    "school_laestab",
}
_SYMBOLS = {"c", "x", "z", "low", "u"}
_UNITS = {"", "£", "£m", "%", "pp"}
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_FILE = re.compile(r"^[a-z0-9_-]+$")


def _rows(raw: bytes, where: str, problems: list[str]) -> list[dict[str, str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{where}: not UTF-8")
        return []
    return list(csv.DictReader(io.StringIO(text)))


def check_ees_files(name: str, data: bytes, meta_name: str, meta: bytes) -> list[str]:
    problems: list[str] = []
    stem = name.removesuffix(".csv")
    if not name.endswith(".csv") or not _FILE.match(stem):
        problems.append(f"file name {name!r}: lower case letters, digits, _ and - only, ending .csv")
    if meta_name != f"{stem}.meta.csv":
        problems.append(f"metadata file must be named {stem}.meta.csv, not {meta_name}")
    rows = _rows(data, "data file", problems)
    meta_rows = _rows(meta, "metadata file", problems)
    if not rows:
        return [*problems, "data file has no rows"]
    columns = list(rows[0])
    for column in columns:
        if not _SNAKE.match(column):
            problems.append(f"column {column!r} is not snake_case starting with a letter")
    for column in _MANDATORY:
        if column not in columns:
            problems.append(f"mandatory column {column} is missing")
    identifiers = {row["time_identifier"] for row in rows}
    if len(identifiers) > 1:
        problems.append(f"time identifiers mixed: {sorted(identifiers)}")
    for number, row in enumerate(rows, start=2):
        period, identifier = row.get("time_period", ""), row.get("time_identifier", "")
        if identifier in _SIX_DIGITS:
            if not re.fullmatch(r"[0-9]{6}", period) or int(period[4:]) != (int(period[:4]) + 1) % 100:
                problems.append(f"row {number}: time_period {period} is not six digits of consecutive years")
        elif identifier in _FOUR_DIGITS:
            if not re.fullmatch(r"[0-9]{4}", period):
                problems.append(f"row {number}: time_period {period} is not four digits")
        else:
            problems.append(f"row {number}: time_identifier {identifier!r} is not allowed")
        level = row.get("geographic_level", "")
        if level not in _LEVEL_COLUMNS:
            problems.append(f"row {number}: geographic_level {level!r} is not one this checker knows")
            continue
        for column in _LEVEL_COLUMNS[level]:
            if not row.get(column):
                problems.append(f"row {number}: {level} rows need {column}")
        if not row.get("country_code") or not row.get("country_name"):
            problems.append(f"row {number}: country_code and country_name must be filled")
    if meta_rows and list(meta_rows[0]) != list(_META_COLUMNS):
        problems.append(f"metadata columns must be exactly {', '.join(_META_COLUMNS)}")
    described = {}
    for meta_row in meta_rows:
        col = meta_row.get("col_name", "")
        described[col] = meta_row
        if col not in columns:
            problems.append(f"metadata describes {col}, which the data file lacks")
        if meta_row.get("col_type") not in ("Filter", "Indicator"):
            problems.append(f"{col}: col_type must be Filter or Indicator")
        if not meta_row.get("label"):
            problems.append(f"{col}: label must be filled")
        if meta_row.get("indicator_unit", "") not in _UNITS:
            problems.append(f"{col}: indicator_unit {meta_row.get('indicator_unit')!r} is not allowed")
        dp = meta_row.get("indicator_dp", "")
        if dp and not dp.isdigit():
            problems.append(f"{col}: indicator_dp must be a whole number or blank")
        if meta_row.get("col_type") == "Filter" and (meta_row.get("indicator_unit") or dp):
            problems.append(f"{col}: a filter has no indicator unit or decimal places")
        grouping = meta_row.get("filter_grouping_column", "")
        if grouping and grouping not in columns:
            problems.append(f"{col}: filter_grouping_column {grouping} is not a column")
    for column in columns:
        if column in _MANDATORY or column in _GEOGRAPHY:
            continue
        if column not in described and len({row[column] for row in rows}) > 1:
            problems.append(f"column {column} has no metadata")
    for column, meta_row in described.items():
        for number, row in enumerate(rows, start=2):
            value = row.get(column, "")
            if meta_row.get("col_type") == "Filter" and not value:
                problems.append(f"row {number}: filter {column} is blank")
            if meta_row.get("col_type") == "Indicator" and value not in _SYMBOLS:
                try:
                    float(value)
                except ValueError:
                    problems.append(
                        f"row {number}: indicator {column} = {value!r} is neither a number nor a GSS symbol"
                    )
    return problems
