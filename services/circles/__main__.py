"""Run the circles service: `python -m services.circles`."""

from __future__ import annotations

from services.circles.bootstrap import bootstrap

if __name__ == "__main__":
    runtime, app = bootstrap()
    runtime.serve(app)
