"""Run the enrolment service: `python -m services.enrolment`."""

from __future__ import annotations

from services.enrolment.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
