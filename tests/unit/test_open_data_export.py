"""The cohort's open data: the EES data file and its metadata pass a checker written from DfE's open data
standards, and no suppressed cell can be worked out from a total, a linked count or a rate, in the EES file or
in the council report (.ods)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from uuid import uuid4
from xml.etree import ElementTree

from services.reporting.domain.early_indicators import early_indicators
from services.reporting.domain.impact_reports import cohort_impact
from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn
from services.reporting.domain.ledger import combine
from services.reporting.domain.open_data import COUNTS, Cell, PublishedRow, published_table, suppress_table
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool
from services.reporting.domain.suppression import RATE_OF_COUNT
from services.reporting.entrypoints.council_report import CouncilReport, council_report_ods
from services.reporting.entrypoints.ees_export import ees_file_name, ees_files
from tests.ees_checker import check_ees_files

LINKED = ("suspensions", "pupils_suspended", "repeat_suspensions")


def _school(urn: str) -> ReportedSchool:
    return ReportedSchool(urn, "oxon-2026", f"School {urn}", date(2026, 9, 1), "primary", "Oxfordshire")


def _return(urn: str, period: Period, figures: ImpactFigures) -> ImpactReturn:
    return ImpactReturn(uuid4(), urn, "oxon-2026", period, 1, None, figures, datetime(2027, 1, 5, tzinfo=UTC))


def _cohort() -> list[tuple[ReportedSchool, list[ImpactReturn]]]:
    baseline, autumn = Period(2025, "baseline"), Period(2026, "autumn")
    figures = {
        "100001": (ImpactFigures(300, 2, 1, 0, 90_000, 4_000, 20), ImpactFigures(300, 0, 0, 0, 30_000, 1_200, 9)),
        "100002": (
            ImpactFigures(420, 25, 12, 1, 120_000, 6_000, 31, 430),
            ImpactFigures(410, 9, 7, 0, 40_000, 1_900, 2, 420),
        ),
        "100003": (ImpactFigures(510, 40, 21, 0, 150_000, 7_500, 48), ImpactFigures(500, 14, 13, 2, 50_000, 2_400, 15)),
        "100004": (ImpactFigures(250, 6, 6, 0, 75_000, 3_000, 11), ImpactFigures(255, 4, 3, 0, 25_000, 1_100, 7)),
    }
    return [
        (_school(urn), [_return(urn, baseline, year), _return(urn, autumn, term)])
        for urn, (year, term) in figures.items()
    ]


def _recoverable(rows: list[PublishedRow], truth: dict[tuple[str, Period], ImpactFigures]) -> list[str]:
    """Every way this test knows to work a hidden count out of what is published beside it."""
    found = []
    for period in {row.period for row in rows}:
        group = [row for row in rows if row.period == period]
        schools = [row for row in group if row.school is not None]
        [total] = [row for row in group if row.school is None]
        for count, rate in COUNTS.items():
            for row in group:
                if row.values[count] == "c" and row.values[rate] not in ("c", "x"):
                    found.append(f"{period.label} {count}: the rate of a hidden count is shown")
            hidden = [row for row in schools if row.values[count] == "c"]
            if hidden and total.values[count] != "c" and len(hidden) == 1:
                found.append(f"{period.label} {count}: total minus the shown cells gives the one hidden cell")
        for row in group:
            linked_hidden = [name for name in LINKED if row.values[name] == "c"]
            if len(linked_hidden) == 1:
                found.append(f"{period.label}: {linked_hidden[0]} = the other two suspension counts")
    return found


def test_the_ees_files_pass_the_checker_from_dfes_open_data_standards() -> None:
    data, meta = ees_files(published_table(_cohort()))
    name = ees_file_name("oxon-2026")

    problems = check_ees_files(f"{name}.csv", data.encode("utf-8"), f"{name}.meta.csv", meta.encode("utf-8"))

    assert problems == []
    rows = list(csv.DictReader(io.StringIO(data)))
    assert {row["time_period"] for row in rows} == {"202526", "202627"}
    assert {row["term"] for row in rows} == {"Total", "Autumn term"}
    assert {row["geographic_level"] for row in rows} == {"School"}


def test_the_checker_catches_what_dfe_refuses() -> None:
    data, meta = ees_files(published_table(_cohort()))
    broken = data.replace("202627", "2026-27").replace("Academic year", "Academic Year", 1)

    problems = check_ees_files("Bad Name.csv", broken.encode("utf-8"), "bad.meta.csv", meta.encode("utf-8"))

    assert any("file name" in p for p in problems)
    assert any("time_period 2026-27" in p for p in problems)
    assert any("time identifiers mixed" in p for p in problems)
    assert any("metadata file must be named" in p for p in problems)


def test_small_counts_are_suppressed_with_their_rates_and_linked_counts() -> None:
    rows = published_table(_cohort())
    by_key = {(row.school.urn if row.school else None, row.period.name): row.values for row in rows}

    # 100001's baseline: 2 suspensions of 1 pupil, so 1 repeat: all three hidden with their rates.
    assert [by_key[("100001", "baseline")][name] for name in LINKED] == ["c", "c", "c"]
    assert by_key[("100001", "baseline")]["suspension_rate"] == "c"
    # 100002's autumn: 2 persistently absent pupils, hidden with the rate; 420 pupils with absence records kept.
    assert by_key[("100002", "autumn")]["pupils_persistently_absent"] == "c"
    assert by_key[("100002", "autumn")]["persistent_absence_percent"] == "c"
    # Without DfE's denominator the persistent absence rate is unavailable, not computed over pupils on roll.
    assert by_key[("100003", "autumn")]["persistent_absence_percent"] == "x"
    # 14 suspensions of 13 pupils: the 1 repeat is hidden, and the 14 with it (13 + 1 would give it back).
    assert [by_key[("100003", "autumn")][name] for name in LINKED] == ["c", 13, "c"]
    # Shown rates to 2 dp, absence to 1 dp: 13 / 500 x 100 = 2.6; 1100 / 25000 = 4.4%; 7 / 410 = 1.7073...
    assert by_key[("100003", "autumn")]["one_or_more_suspension_rate"] == 2.6
    assert by_key[("100004", "autumn")]["overall_absence_percent"] == 4.4
    assert by_key[("100002", "autumn")]["one_or_more_suspension_rate"] == 1.71


def test_no_hidden_cell_can_be_worked_out_from_totals_links_or_rates() -> None:
    cohort = _cohort()
    rows = published_table(cohort)
    truth = {(school.urn, r.period): r.figures for school, returns in cohort for r in returns}

    assert _recoverable(rows, truth) == []


def test_secondary_suppression_hides_a_second_cell_or_the_total() -> None:
    hidden, total_hidden = suppress_table(
        [
            {
                "suspensions": 10,
                "pupils_suspended": 8,
                "repeat_suspensions": 2,
                "permanent_exclusions": 0,
                "pupils_persistently_absent": 1,
            },
            {
                "suspensions": 9,
                "pupils_suspended": 5,
                "repeat_suspensions": 4,
                "permanent_exclusions": 0,
                "pupils_persistently_absent": 9,
            },
        ]
    )

    # Repeat suspensions of 2 hidden, so suspensions too (8 + 2); then a second suspensions cell (the total shows).
    assert {"repeat_suspensions", "suspensions"} <= hidden[0]
    assert "suspensions" in hidden[1]
    assert "repeat_suspensions" in hidden[1]
    assert "pupils_persistently_absent" in hidden[1]
    assert not total_hidden & {"suspensions", "pupils_persistently_absent"}
    # A total that is itself 1 or 2 is hidden, and then no second cell is needed.
    _, small_total = suppress_table(
        [
            {
                "suspensions": 10,
                "pupils_suspended": 8,
                "repeat_suspensions": 2,
                "permanent_exclusions": 1,
                "pupils_persistently_absent": 4,
            },
            {
                "suspensions": 5,
                "pupils_suspended": 5,
                "repeat_suspensions": 0,
                "permanent_exclusions": 0,
                "pupils_persistently_absent": 9,
            },
        ]
    )
    assert {"repeat_suspensions", "suspensions", "permanent_exclusions"} <= small_total


def _ods_sheets(ods: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        root = ElementTree.fromstring(archive.read("content.xml"))
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    sheets = {}
    for table in root.iter(f"{{{ns['table']}}}table"):
        name = table.get(f"{{{ns['table']}}}name") or ""
        sheets[name] = [
            ["".join(cell.itertext()) for cell in row.findall("table:table-cell", ns)]
            for row in table.findall("table:table-row", ns)
        ]
    return sheets


def test_the_council_report_has_a_sheet_per_part_with_the_same_suppression() -> None:
    cohort = _cohort()
    rows = published_table(cohort)
    empty = combine([], [])
    report = CouncilReport(
        cohort_id="oxon-2026",
        cohort_name="Oxfordshire 2026",
        made_on=date(2027, 1, 10),
        schools=[],
        cohort_ledger=empty,
        cohort_surveys={},
        indicators=early_indicators("oxon-2026", []),
        published=rows,
        min_group=5,
    )

    sheets = _ods_sheets(council_report_ods(report))

    assert list(sheets) == [
        "About",
        "Implementation ledger",
        "Staff surveys",
        "Early indicators",
        "Outcomes like for like",
        "Impact figures",
    ]
    figures = sheets["Impact figures"]
    header, body = figures[0], figures[1:]
    assert len(body) == len(rows)
    for row, published in zip(body, rows, strict=True):
        for name, value in published.values.items():
            assert row[header.index(name)] == str(value)


def test_the_open_data_hides_everything_the_cohort_impact_table_hides_of_the_same_schools() -> None:
    cohort = _cohort()
    ours: dict[tuple[str | None, str], dict[str, Cell]] = {
        (row.school.urn if row.school else None, row.period.name): row.values for row in published_table(cohort)
    }
    table = cohort_impact("oxon-2026", cohort)

    shown_there_hidden_here = []
    for row in table.rows:
        for side, published in (("baseline", row.baseline), ("autumn", row.latest)):
            assert published is not None
            for count in RATE_OF_COUNT:
                if getattr(published, count) == "c" and ours[(row.school.urn, side)][count] != "c":
                    shown_there_hidden_here.append(f"{row.school.urn} {side} {count}")
    for side, total in (("baseline", table.baseline_total), ("autumn", table.latest_total)):
        assert total is not None
        for count in RATE_OF_COUNT:
            if getattr(total, count) == "c" and ours[(None, side)][count] != "c":
                shown_there_hidden_here.append(f"total {side} {count}")

    # Side by side, the two publications give away nothing either hides.
    assert shown_there_hidden_here == []
