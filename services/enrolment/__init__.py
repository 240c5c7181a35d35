"""Enrolment: cohorts, the schools in them and (later) their staff."""
