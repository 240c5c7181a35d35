"""Run the notifications service: `python -m services.notifications`."""

from __future__ import annotations

from services.notifications.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
