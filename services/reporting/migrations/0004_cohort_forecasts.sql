-- The latest forecast of each cohort (`rsp forecast COHORT` makes it from the journeys and stores it here), so the
-- dashboard shows it at once. Not a projection of events: a rebuild leaves it as it is.
CREATE TABLE cohort_forecasts (
    cohort_id text PRIMARY KEY,
    made_at   timestamptz NOT NULL,
    document  jsonb NOT NULL
);
