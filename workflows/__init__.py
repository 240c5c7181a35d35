"""Temporal workflows (deterministic, no I/O), the worker that runs them and the bridge that feeds them events."""
