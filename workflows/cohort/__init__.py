"""The Cohort workflow: a cohort's leadership-day calendar."""
