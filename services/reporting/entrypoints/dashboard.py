"""The dashboard page: every school's module progress, readable without JavaScript or internet."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from contracts.events.learning import MODULE_COUNT
from runtime.auth import SESSION_COOKIE, Authenticator, Principal
from services.reporting.domain.progress import SchoolProgress
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.http import in_reach
from services.reporting.service_layer.queries import progress_of
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_dashboard"]

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Relational Schools Programme: progress</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}}table{{border-collapse:collapse}}
th,td{{border:1px solid #767676;padding:.4rem .7rem;text-align:left}}caption{{text-align:left;font-weight:bold}}</style>
</head><body><main><h1>Relational Schools Programme</h1>
<table><caption>Online modules completed, by school (refreshes every 5 seconds)</caption>
<thead><tr><th scope="col">Cohort</th><th scope="col">School</th><th scope="col">URN</th>
<th scope="col">Module completions</th><th scope="col">Staff started</th>
<th scope="col">Staff completed all {modules}</th></tr></thead>
<tbody>{rows}</tbody></table></main></body></html>"""


def _row(progress: SchoolProgress) -> str:
    school, modules = progress.school, progress.modules
    cells = (
        school.cohort_id,
        school.school_name,
        school.urn,
        str(modules.module_completions),
        str(modules.staff_with_completions),
        str(modules.staff_completed_all),
    )
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"


def build_dashboard(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter()
    viewer_of = Depends(authenticate.with_cookie())

    @router.get("/dashboard/login", tags=["dashboard"], summary="Open the dashboard with a token (kept in a cookie)")
    async def login(token: Annotated[str, Query(description="A token from `rsp token`")]) -> RedirectResponse:
        principal = authenticate.principal_of(token)  # refuses a bad token before any cookie is set
        POLICY.check(principal, "open_dashboard")
        page = RedirectResponse("/dashboard", status_code=303)
        page.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/dashboard")
        return page

    @router.get("/dashboard", response_class=HTMLResponse, tags=["dashboard"], summary="The progress dashboard")
    async def dashboard(caller: Principal = viewer_of) -> HTMLResponse:
        POLICY.check(caller, "open_dashboard")
        rows = "".join(_row(p) for p in in_reach(caller, await progress_of(unit_of_work())))
        empty = '<tr><td colspan="6">No schools enrolled yet.</td></tr>'
        return HTMLResponse(_PAGE.format(rows=rows or empty, modules=MODULE_COUNT))

    return router
