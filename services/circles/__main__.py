"""Run the circles service: `python -m services.circles`."""

from __future__ import annotations

from services.circles.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
