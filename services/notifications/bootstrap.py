"""Notifications' composition root: the handler table, the delivery route, the sender beside the HTTP app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from runtime.errors import ConfigurationError
from runtime.handler_table import InboxDispatcher
from runtime.service import ServiceRuntime
from runtime.settings import Settings
from services.notifications.adapters.addresses import EnrolmentAddressBook
from services.notifications.adapters.notify import NotifyRoute
from services.notifications.adapters.postgres import PostgresNotificationsUnitOfWork
from services.notifications.adapters.smtp import SmtpRoute
from services.notifications.entrypoints.http import build_router
from services.notifications.service_layer.delivery import Sender
from services.notifications.service_layer.handlers import EVENT_HANDLERS, TEMPLATES
from services.notifications.service_layer.routes import Route
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

__all__ = ["bootstrap", "build_service", "delivery_route"]


def bootstrap(
    unit_of_work: Callable[[], NotificationsUnitOfWork],
) -> InboxDispatcher[NotificationsUnitOfWork]:
    """Notifications' event handling on a unit of work: Postgres in the process, a fake in unit tests."""
    return InboxDispatcher(EVENT_HANDLERS, unit_of_work)


def delivery_route(settings: Settings) -> tuple[Route, str]:
    """Notify when an API key is set, SMTP otherwise; and the organiser address invitations name."""
    smtp = SmtpRoute(
        settings.smtp_host or "127.0.0.1",
        settings.smtp_port,
        settings.smtp_sender,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
    )
    if settings.notify_api_key is None:
        return smtp, smtp.sender_address
    if not settings.notify_template_id:
        raise ConfigurationError("RSP_NOTIFY_API_KEY is set but RSP_NOTIFY_TEMPLATE_ID is not")
    notify = NotifyRoute(
        settings.notify_api_key.get_secret_value(), settings.notify_template_id, settings.notify_base_url
    )
    return notify, smtp.sender_address


def build_service(settings: Settings | None = None) -> tuple[ServiceRuntime, FastAPI]:
    runtime = ServiceRuntime("notifications", Path(__file__).parent / "migrations", settings)
    settings = runtime.settings
    unit_of_work = runtime.units_of_work(PostgresNotificationsUnitOfWork)
    runtime.consumer.subscribe(bootstrap(unit_of_work))
    route, organiser = delivery_route(settings)
    enrolment_url = settings.enrolment_url or f"http://{settings.host}:{settings.enrolment_port}"
    addresses = EnrolmentAddressBook(enrolment_url, settings.require_jwt_secret(), settings.programme_team_email)
    sender = Sender(
        unit_of_work,
        route,
        addresses,
        TEMPLATES,
        organiser,
        hold_after_send=settings.notifications_hold_after_send_seconds,
    )

    async def send_until_stopped(stop: asyncio.Event) -> None:
        try:
            await sender.run(stop)
        finally:
            await route.close()
            await addresses.close()

    runtime.run_beside(send_until_stopped)
    callback_token = settings.notify_callback_token.get_secret_value() if settings.notify_callback_token else None
    app = runtime.app(
        "RSP notifications",
        "Turns the platform's decisions into emails that arrive exactly once: journey reminders and at-risk notices "
        "to each school's leads (and the programme team), session invitations with calendar entries, sign-in "
        "invitations for the console. Addresses are asked of enrolment at the moment of sending and never kept. "
        "Sends through GOV.UK Notify or SMTP; the local stack's mailbox is shown at /mailbox.",
        [build_router(unit_of_work, route, TEMPLATES, runtime.authenticate, callback_token, settings.mailbox_dir)],
    )
    return runtime, app
