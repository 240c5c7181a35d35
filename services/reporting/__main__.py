"""Run the reporting service: `python -m services.reporting`."""

from __future__ import annotations

from services.reporting.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
