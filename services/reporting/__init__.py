"""Reporting: read models built from the event streams, the API over them and the dashboard."""
