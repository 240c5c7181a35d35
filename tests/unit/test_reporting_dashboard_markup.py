"""The dashboard's markup without a server: charts are images with a title and a description, suppressed values
draw no bar, and tables have a caption, header cells, escaped text and a CSV link."""

from __future__ import annotations

import re

from services.reporting.entrypoints.dashboard.charts import Bars, Series, bar_chart, line_chart
from services.reporting.entrypoints.dashboard.pages import page, table_html
from services.reporting.entrypoints.dashboard.tables import Table


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = line_chart("c1", "Progress", "Totals by month", ["Sep 2026", "Oct 2026"], [Series("Modules", [1, 3])])

    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Progress</title>' in svg
    assert '<desc id="c1-desc">Totals by month</desc>' in svg


def test_a_suppressed_value_draws_no_bar_but_a_c() -> None:
    svg = bar_chart("c2", "Change", "d", ["Suspensions"], [Bars("100001", [None]), Bars("100002", [-1.5])])

    assert len(re.findall(r"<rect x=", svg)) == 1
    assert ">c</text>" in svg


def test_a_table_has_caption_headers_escaped_cells_and_its_csv() -> None:
    table = Table("schools", "Schools <A&B>", ("School", "At risk"), [("<script>", True)], ["123456"])

    html = table_html(table, "cohort-x", "/dashboard/cohorts/x/schools.csv")

    assert '<caption id="cohort-x-schools-caption">Schools &lt;A&amp;B&gt;</caption>' in html
    assert '<th scope="col">School</th>' in html
    assert '<th scope="row">&lt;script&gt;</th>' in html
    assert '<td data-column="1">Yes</td>' in html
    assert 'href="/dashboard/cohorts/x/schools.csv"' in html
    assert 'role="region"' in html


def test_a_page_has_a_skip_link_a_main_landmark_and_a_live_status() -> None:
    html = page("Overview", "<h1>Overview</h1>")

    assert '<html lang="en">' in html
    assert '<a class="skip" href="#content">' in html
    assert '<main id="content"' in html
    assert 'role="status"' in html
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []
