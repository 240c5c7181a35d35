"""Run the learning service: `python -m services.learning`."""

from __future__ import annotations

from services.learning.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
