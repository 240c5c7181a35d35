"""The dashboard's HTML: proper headings, captioned tables with header cells, charts with a title, a
description and their data table, a skip link, visible keyboard focus, and a live region that says what changed.
Every text is escaped; nothing is loaded from outside the service."""

from __future__ import annotations

from html import escape

from services.reporting.entrypoints.csv_export import Cell
from services.reporting.entrypoints.dashboard.tables import Table

__all__ = ["cell_text", "page", "table_html"]


def cell_text(cell: Cell) -> str:
    if cell is None:
        return "n/a"
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    return str(cell)


def table_html(table: Table, prefix: str, csv_href: str) -> str:
    """A captioned table in a keyboard-scrollable region, with a link to the same table as CSV."""
    table_id = f"{prefix}-{table.name}"
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in table.header)
    rows = []
    for index, row in enumerate(table.rows):
        row_id = table.ids[index] if index < len(table.ids) else str(index)
        first = escape(cell_text(row[0]))
        if index in table.links:
            first = f'<a id="{table_id}-{escape(row_id)}-link" href="{escape(table.links[index])}">{first}</a>'
        cells = [f'<th scope="row">{first}</th>']
        cells += [
            f'<td data-column="{column}">{escape(cell_text(cell))}</td>' for column, cell in enumerate(row[1:], 1)
        ]
        rows.append(f'<tr id="{table_id}-{escape(row_id)}" data-row="{escape(row_id)}">{"".join(cells)}</tr>')
    body = "".join(rows) or f'<tr><td colspan="{len(table.header)}">Nothing recorded yet.</td></tr>'
    return (
        f'<div class="table-wrap" role="region" aria-labelledby="{table_id}-caption" tabindex="0">'
        f'<table id="{table_id}"><caption id="{table_id}-caption">{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        f'<p class="download"><a href="{escape(csv_href)}" download>Download “{escape(table.caption)}” as CSV</a></p>'
    )


def page(title: str, content: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}: Relational Schools Programme</title>
<link rel="stylesheet" href="/dashboard/static/dashboard.css">
<script src="/dashboard/static/dashboard.js" defer></script></head>
<body><a class="skip" href="#content">Skip to the figures</a>
<header><p class="service">Relational Schools Programme</p>
<nav aria-label="Dashboard"><a href="/dashboard">Cohort overview</a></nav></header>
<main id="content" tabindex="-1">{content}</main>
<aside aria-labelledby="live-heading"><h2 id="live-heading">Live events</h2>
<p id="live-status" role="status">Figures update here as events arrive, without reloading the page.</p>
<ol id="latest-events" aria-label="Latest events, newest first"></ol></aside>
</body></html>"""
