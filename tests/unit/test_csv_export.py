"""CSV export: RFC 4180, UTF-8, formula-looking text neutralised, numbers left as numbers."""

from __future__ import annotations

from services.reporting.entrypoints.csv_export import csv_response, csv_text


def test_lines_end_in_crlf_and_quotes_are_doubled() -> None:
    text = csv_text(["school", "note"], [['St "Mary\'s", Banbury', "two\nlines"]])

    assert text == 'school,note\r\n"St ""Mary\'s"", Banbury","two\nlines"\r\n'


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised() -> None:
    text = csv_text(["a", "b", "c", "d", "e"], [["=HYPERLINK(1)", "+1", "-2+3", "@SUM(A1)", "Plain"]])

    assert text.splitlines()[1] == "'=HYPERLINK(1),'+1,'-2+3,'@SUM(A1),Plain"


def test_numbers_stay_numbers_even_when_negative_and_c_stays_c() -> None:
    text = csv_text(["change", "count", "rate", "compared", "missing"], [[-1.25, 7, "c", True, None]])

    assert text.splitlines()[1] == "-1.25,7,c,yes,"


def test_the_file_is_utf8_text_csv_for_download() -> None:
    answer = csv_response("cohort.csv", ["school"], [["Ysgol Gymraeg Llanfair Pwllgwyngyll Ysgol Bro Dŵr"]])

    assert answer.media_type is not None
    assert answer.media_type.startswith("text/csv; charset=utf-8")
    assert answer.headers["content-disposition"] == 'attachment; filename="cohort.csv"'
    assert "Dŵr".encode() in answer.body
