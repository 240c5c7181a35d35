"""Run the reporting service: `python -m services.reporting`."""

from __future__ import annotations

from services.reporting.bootstrap import bootstrap

if __name__ == "__main__":
    runtime, app = bootstrap()
    runtime.serve(app)
