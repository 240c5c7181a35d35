-- Each cohort's leadership-day dates as enrolment planned them (CohortCreated, LeadershipDayRescheduled): enrolment
-- owns the plan; learning holds a leadership day only on the date the plan gives it. Day n is element n.
CREATE TABLE cohort_plans (
    cohort_id       text PRIMARY KEY,
    leadership_days date[] NOT NULL
);
