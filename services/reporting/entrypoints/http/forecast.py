"""Reporting keeps each cohort's latest forecast (made by `rsp forecast`) and serves it: API and dashboard page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse

from contracts.identifiers import COHORT_ID_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.errors import ForecastRefused, NoForecast
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.dashboard.charts import band_chart
from services.reporting.entrypoints.dashboard.pages import page
from services.reporting.entrypoints.views.forecast import ForecastDocument, KeptForecast
from services.reporting.service_layer.unit_of_work import ReportingUnitOfWork

__all__ = ["build_forecast_router"]

_COHORT = Path(pattern=COHORT_ID_PATTERN, max_length=60, description="The cohort's id")


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def forecast_content(kept: KeptForecast) -> str:
    """The forecast page: what it is, the cohort's band, and each school's chance at each coming phase end."""
    f = kept.document
    months = [point.on.strftime("%b %Y") for point in f.completions]
    chart = band_chart(
        "forecast-completions",
        "Projected module completions in the cohort",
        f"Mean of {f.runs} simulated runs per school, with the band from the 5th to the 95th percentile of the runs.",
        months,
        [p.mean for p in f.completions],
        [p.low for p in f.completions],
        [p.high for p in f.completions],
    )
    rows = "".join(
        f'<tr><th scope="row">{escape(p.on.isoformat())}</th><td>{p.mean:.0f}</td><td>{p.low:.0f}</td>'
        f"<td>{p.high:.0f}</td></tr>"
        for p in f.completions
    )
    shares = "".join(
        f'<tr><th scope="row">{escape(s.phase)}</th><td>{escape(s.share_at_risk.on.isoformat())}</td>'
        f"<td>{_percent(s.share_at_risk.mean)}</td>"
        f"<td>{_percent(s.share_at_risk.low)} to {_percent(s.share_at_risk.high)}</td></tr>"
        for s in f.flagged_share
    )
    schools = []
    for school in f.schools:
        outlook = "; ".join(
            f"{o.phase} ({o.judged_on}): {_percent(o.probability_at_risk)}"
            + (f", most likely failing {o.likely_failing[0].criterion}" if o.likely_failing else "")
            for o in school.phases
        )
        h = school.history
        schools.append(
            f'<tr data-row="{escape(school.urn)}"><th scope="row">{escape(school.urn)}</th>'
            f"<td>{escape(school.phase)}</td><td>{'Yes' if school.at_risk_now else 'No'}</td>"
            f"<td>{escape(outlook) or 'no phase end to come'}</td>"
            f"<td>{h.months:g} months, {h.staff} staff, {h.module_completions} completions, "
            f"{h.circles_held} of {h.half_terms_ended} half-terms with a circle</td></tr>"
        )
    return (
        f"<h1>Forecast for cohort {escape(f.cohort_id)}</h1>"
        f'<p class="notice"><strong>This is a projection, not a measurement.</strong> {escape(f.statement)}</p>'
        f"<p>Made on {f.made_on} (kept {kept.made_at:%Y-%m-%d %H:%M} UTC) from {f.runs} simulated runs per school, "
        f"seed {f.seed}.</p>"
        f"<h2>Expected module completions</h2><figure>{chart}</figure>"
        '<div class="table-wrap" role="region" aria-labelledby="fc-caption" tabindex="0"><table>'
        '<caption id="fc-caption">Projected module completions, month by month</caption>'
        '<thead><tr><th scope="col">on</th><th scope="col">expected</th><th scope="col">low (5th percentile)</th>'
        f'<th scope="col">high (95th percentile)</th></tr></thead><tbody>{rows}</tbody></table></div>'
        "<h2>Schools flagged at risk at each phase end</h2>"
        '<div class="table-wrap" role="region" aria-labelledby="fs-caption" tabindex="0"><table>'
        '<caption id="fs-caption">Share of the cohort\'s schools flagged at risk</caption>'
        '<thead><tr><th scope="col">phase</th><th scope="col">judged on</th><th scope="col">expected</th>'
        f'<th scope="col">90% of runs between</th></tr></thead><tbody>{shares}</tbody></table></div>'
        "<h2>Each school</h2>"
        '<div class="table-wrap" role="region" aria-labelledby="fsch-caption" tabindex="0">'
        '<table id="forecast-schools">'
        '<caption id="fsch-caption">Chance of being flagged at risk at each coming phase end</caption>'
        '<thead><tr><th scope="col">URN</th><th scope="col">phase now</th><th scope="col">at risk now</th>'
        '<th scope="col">coming phase ends</th><th scope="col">history learned from</th></tr></thead>'
        f"<tbody>{''.join(schools)}</tbody></table></div>"
    )


def build_forecast_router(unit_of_work: Callable[[], ReportingUnitOfWork], authenticate: Authenticator) -> APIRouter:
    router = APIRouter(tags=["forecast"])
    caller_of = Depends(authenticate)
    viewer_of = Depends(authenticate.with_cookie())

    async def _latest(cohort_id: str) -> KeptForecast:
        uow = unit_of_work()
        async with uow:
            found = await uow.forecasts.latest(cohort_id)
        if found is None:
            raise NoForecast(cohort_id)
        return KeptForecast(made_at=found[0], document=ForecastDocument.model_validate(found[1]))

    @router.put("/cohorts/{cohort_id}/forecast", summary="Keep this as the cohort's latest forecast")
    async def keep_forecast(
        document: ForecastDocument, caller: Principal = caller_of, cohort_id: str = _COHORT
    ) -> KeptForecast:
        POLICY.check(caller, "keep_forecast")
        if document.cohort_id != cohort_id:
            raise ForecastRefused(f"cohort_id: the forecast is of {document.cohort_id!r}, not {cohort_id!r}")
        made_at = datetime.now(UTC)
        uow = unit_of_work()
        async with uow:
            await uow.forecasts.keep(cohort_id, made_at, document.model_dump(mode="json"))
            await uow.commit()
        return KeptForecast(made_at=made_at, document=document)

    @router.get("/cohorts/{cohort_id}/forecast", summary="The cohort's latest forecast")
    async def latest_forecast(caller: Principal = caller_of, cohort_id: str = _COHORT) -> KeptForecast:
        POLICY.check(caller, "read_forecast")
        return await _latest(cohort_id)

    @router.get("/dashboard/cohorts/{cohort_id}/forecast", response_class=HTMLResponse, summary="The forecast page")
    async def forecast_page(caller: Principal = viewer_of, cohort_id: str = _COHORT) -> HTMLResponse:
        POLICY.check(caller, "read_forecast")
        kept = await _latest(cohort_id)
        return HTMLResponse(page(f"Forecast for {cohort_id}", forecast_content(kept)))

    return router
