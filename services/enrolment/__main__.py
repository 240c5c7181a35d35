"""Run the enrolment service: `python -m services.enrolment`."""

from __future__ import annotations

from services.enrolment.bootstrap import bootstrap

if __name__ == "__main__":
    runtime, app = bootstrap()
    runtime.serve(app)
