"""Run the console: `python -m services.console`."""

from __future__ import annotations

from services.console.bootstrap import build_service

if __name__ == "__main__":
    runtime, app = build_service()
    runtime.serve(app)
