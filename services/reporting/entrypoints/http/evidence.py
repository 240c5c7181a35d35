"""Reporting's evidence API (issue 18): the implementation ledger per school and cohort, the adaptations log,
staff surveys, feedback with early indicators, outcomes like for like, and a cohort's open data (Explore
Education Statistics data file and metadata) and council report (.ods)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from contracts.calendar import HalfTermCalendar
from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN
from runtime.auth import Authenticator, Principal
from runtime.idempotency import IDEMPOTENCY_HEADER
from services.reporting.domain.early_indicators import IMPACTS
from services.reporting.domain.errors import InvalidEvidence
from services.reporting.domain.surveys import instrument_from
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.council_report import CouncilReport, SchoolEvidence, council_report_ods
from services.reporting.entrypoints.ees_export import ees_file_name, ees_files
from services.reporting.entrypoints.ods_export import ODS_MEDIA_TYPE
from services.reporting.entrypoints.views.evidence import (
    AdaptationView,
    EarlyIndicatorsView,
    FeedbackView,
    InstrumentView,
    LedgerView,
    LikeForLikeView,
    NewAdaptation,
    NewFeedback,
    QuoteDecision,
    SurveyChangesView,
    SurveyResponse,
)
from services.reporting.service_layer import evidence
from services.reporting.service_layer.evidence import CohortEvidence, EvidenceUnitOfWork

__all__ = ["build_evidence_router"]

_URN_PATH = Path(pattern=URN_PATTERN, description="The school's six-digit URN")
_COHORT_PATH = Path(pattern=COHORT_ID_PATTERN, description="The cohort's id, e.g. `oxon-2026`")
_INSTRUMENT = Query(default=None, max_length=64, description="A loaded instrument's id; left out: the programme's own")


def _today() -> date:
    return datetime.now(UTC).date()


def build_evidence_router(
    unit_of_work: Callable[[], EvidenceUnitOfWork],
    authenticate: Authenticator,
    calendar: HalfTermCalendar,
    min_group: int,
) -> APIRouter:
    router = APIRouter(tags=["evidence"])
    caller_of = Depends(authenticate)

    async def cohort_of(cohort_id: str, instrument_id: str | None = None) -> CohortEvidence:
        return await evidence.cohort_evidence(unit_of_work(), cohort_id, calendar, _today(), min_group, instrument_id)

    @router.get("/schools/{urn}/ledger", summary="A school's implementation ledger: dosage, reach, fidelity")
    async def school_ledger(caller: Principal = caller_of, urn: str = _URN_PATH) -> LedgerView:
        POLICY.check(caller, "read_school_evidence", urn)
        found = await evidence.school_ledger(unit_of_work(), urn, calendar, _today())
        return LedgerView.of(found.ledger, len(found.adaptations))

    @router.get("/cohorts/{cohort_id}/ledger", summary="A cohort's implementation ledger, its schools added up")
    async def cohort_ledger(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> LedgerView:
        POLICY.check(caller, "read_cohort_evidence")
        found = await cohort_of(cohort_id)
        return LedgerView.of(found.ledger, sum(len(s.adaptations) for s in found.schools))

    @router.post(
        "/schools/{urn}/adaptations",
        status_code=status.HTTP_201_CREATED,
        summary="Log a departure from the plan (the reason stays in reporting: no event carries it)",
    )
    async def log_adaptation(
        body: NewAdaptation, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> AdaptationView:
        POLICY.check(caller, "log_adaptation", urn)
        logged = await evidence.log_adaptation(
            unit_of_work(), urn, body.part, body.what_changed, body.reason, body.decided_on, datetime.now(UTC)
        )
        return AdaptationView.of(logged)

    @router.get("/schools/{urn}/adaptations", summary="A school's adaptations log")
    async def adaptations(caller: Principal = caller_of, urn: str = _URN_PATH) -> list[AdaptationView]:
        POLICY.check(caller, "read_adaptations", urn)
        return [AdaptationView.of(a) for a in await evidence.school_adaptations(unit_of_work(), urn)]

    @router.get("/surveys/instruments", summary="Survey instruments: the programme's own first, then those loaded")
    async def instruments(caller: Principal = caller_of) -> list[InstrumentView]:
        POLICY.check(caller, "read_instruments")
        return [InstrumentView.of(i) for i in await evidence.instruments(unit_of_work())]

    @router.post(
        "/surveys/instruments",
        status_code=status.HTTP_201_CREATED,
        summary="Load an instrument a council is licensed to use (200 when that id is already loaded)",
    )
    async def load_instrument(
        body: InstrumentView, response: Response, caller: Principal = caller_of
    ) -> InstrumentView:
        POLICY.check(caller, "load_instrument")
        instrument = instrument_from(body.model_dump())
        if not await evidence.load_instrument(unit_of_work(), instrument):
            response.status_code = status.HTTP_200_OK
        return InstrumentView.of(instrument)

    @router.post(
        "/schools/{urn}/surveys/responses",
        status_code=status.HTTP_202_ACCEPTED,
        response_class=Response,
        summary="One anonymous survey response (answers are scored into tallies and never stored)",
        description="No staff id is taken and nothing of the response is kept but its place in the school's "
        "tallies. An `Idempotency-Key` is refused here: its record would keep a digest of the answers.",
        responses={202: {"description": "Counted"}},
    )
    async def answer_survey(
        request: Request, body: SurveyResponse, caller: Principal = caller_of, urn: str = _URN_PATH
    ) -> Response:
        POLICY.check(caller, "answer_survey", urn)
        if IDEMPOTENCY_HEADER in request.headers:
            raise InvalidEvidence(
                IDEMPOTENCY_HEADER, "is not taken for survey responses: it would be stored with a digest of the answers"
            )
        await evidence.answer_survey(unit_of_work(), urn, body.instrument_id, body.wave, body.answers, min_group)
        return Response(status_code=status.HTTP_202_ACCEPTED)

    @router.get("/schools/{urn}/surveys", summary="A school's survey scores and change, with response counts")
    async def school_surveys(
        caller: Principal = caller_of, urn: str = _URN_PATH, instrument_id: str | None = _INSTRUMENT
    ) -> SurveyChangesView:
        POLICY.check(caller, "read_school_evidence", urn)
        instrument, changes = await evidence.school_surveys(unit_of_work(), urn, instrument_id, min_group)
        return SurveyChangesView.of(instrument, changes, min_group)

    @router.get("/cohorts/{cohort_id}/surveys", summary="A cohort's survey scores and change, with response counts")
    async def cohort_surveys(
        caller: Principal = caller_of, cohort_id: str = _COHORT_PATH, instrument_id: str | None = _INSTRUMENT
    ) -> SurveyChangesView:
        POLICY.check(caller, "read_cohort_evidence")
        found = await cohort_of(cohort_id, instrument_id)
        return SurveyChangesView.of(found.instrument, found.surveys, min_group)

    @router.get("/early-indicators/impacts", summary="The seed list of impacts participants may report")
    async def impacts(caller: Principal = caller_of) -> dict[str, str]:
        POLICY.check(caller, "read_instruments")
        return IMPACTS

    @router.post(
        "/schools/{urn}/feedback",
        status_code=status.HTTP_201_CREATED,
        summary="Feedback after a leadership day or circle: impacts seen, a quote and consent to publish it",
    )
    async def give_feedback(body: NewFeedback, caller: Principal = caller_of, urn: str = _URN_PATH) -> FeedbackView:
        POLICY.check(caller, "give_feedback", urn)
        given = await evidence.give_feedback(
            unit_of_work(), urn, body.occasion, body.occasion_id, body.impacts, body.quote, body.consent_to_publish
        )
        return FeedbackView.of(given)

    @router.get("/cohorts/{cohort_id}/feedback", summary="A cohort's feedback, quotes included (programme team)")
    async def cohort_feedback(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> list[FeedbackView]:
        POLICY.check(caller, "approve_quotes")
        found = await cohort_of(cohort_id)
        return [FeedbackView.of(f) for f in found.feedback]

    @router.post("/feedback/{feedback_id}/approval", summary="Approve (or keep back) a consented quote")
    async def decide_quote(feedback_id: UUID, body: QuoteDecision, caller: Principal = caller_of) -> FeedbackView:
        POLICY.check(caller, "approve_quotes")
        return FeedbackView.of(await evidence.decide_quote(unit_of_work(), feedback_id, body.approved))

    @router.get("/cohorts/{cohort_id}/early-indicators", summary="Impacts reported, and approved consented quotes")
    async def cohort_indicators(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> EarlyIndicatorsView:
        POLICY.check(caller, "read_early_indicators")
        return EarlyIndicatorsView.of((await cohort_of(cohort_id)).indicators)

    @router.get("/schools/{urn}/impact/like-for-like", summary="Each term against the same term of the baseline year")
    async def like_for_like(caller: Principal = caller_of, urn: str = _URN_PATH) -> LikeForLikeView:
        POLICY.check(caller, "read_school_impact", urn)
        school, comparisons, published = await evidence.like_for_like_of(unit_of_work(), urn)
        return LikeForLikeView.of(school.urn, comparisons, published)

    @router.get(
        "/cohorts/{cohort_id}/open-data/ees.csv",
        response_class=Response,
        summary="The cohort's figures as an Explore Education Statistics data file (UTF-8 CSV)",
    )
    async def ees_data(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> Response:
        POLICY.check(caller, "read_cohort_impact")
        data, _ = ees_files((await cohort_of(cohort_id)).published)
        return _download(data.encode("utf-8"), "text/csv; charset=utf-8", f"{ees_file_name(cohort_id)}.csv")

    @router.get(
        "/cohorts/{cohort_id}/open-data/ees.meta.csv",
        response_class=Response,
        summary="The EES metadata file that goes with the data file",
    )
    async def ees_meta(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> Response:
        POLICY.check(caller, "read_cohort_impact")
        _, meta = ees_files((await cohort_of(cohort_id)).published)
        return _download(meta.encode("utf-8"), "text/csv; charset=utf-8", f"{ees_file_name(cohort_id)}.meta.csv")

    @router.get(
        "/cohorts/{cohort_id}/council-report.ods",
        response_class=Response,
        summary="The council report: an OpenDocument spreadsheet with a sheet per part of the evidence",
    )
    async def council_report(caller: Principal = caller_of, cohort_id: str = _COHORT_PATH) -> Response:
        POLICY.check(caller, "read_cohort_impact")
        found = await cohort_of(cohort_id)
        report = CouncilReport(
            cohort_id=cohort_id,
            cohort_name=found.name,
            made_on=_today(),
            schools=[
                SchoolEvidence(
                    urn=s.school.urn,
                    school_name=s.school.school_name,
                    ledger=s.ledger,
                    surveys=found.school_surveys.get(s.school.urn, {}),
                    comparisons=found.comparisons.get(s.school.urn, []),
                    adaptations=len(s.adaptations),
                )
                for s in found.schools
            ],
            cohort_ledger=found.ledger,
            cohort_surveys=found.surveys,
            indicators=found.indicators,
            published=found.published,
            min_group=min_group,
        )
        return _download(council_report_ods(report), ODS_MEDIA_TYPE, f"rsp-council-report-{cohort_id}.ods")

    return router


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
