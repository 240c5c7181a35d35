"""The thin shared runtime: settings, logging, telemetry, database, broker and Temporal factories, local stack.

Nothing in here knows about the programme's domain.
"""
