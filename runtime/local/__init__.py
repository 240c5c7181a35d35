"""The local stack: Postgres, NATS and Temporal from PyPI packages, and the platform's processes, on this machine."""
