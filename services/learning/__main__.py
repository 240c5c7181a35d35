"""Run the learning service: `python -m services.learning`."""

from __future__ import annotations

from services.learning.bootstrap import bootstrap

if __name__ == "__main__":
    runtime, app = bootstrap()
    runtime.serve(app)
