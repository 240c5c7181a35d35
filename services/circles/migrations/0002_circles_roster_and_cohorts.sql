-- Whether a school is still in an active cohort, from rsp.enrolment.school.withdrawn.v1 / completed.v1.
ALTER TABLE schools
    ADD COLUMN status   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'completed')),
    ADD COLUMN ended_on date;

CREATE INDEX schools_by_cohort ON schools (cohort_id);

-- Cohorts' dates and circles expected per half-term, from rsp.enrolment.cohort.created.v1.
CREATE TABLE cohorts (
    cohort_id             text PRIMARY KEY,
    starts_on             date NOT NULL,
    ends_on               date NOT NULL,
    circles_per_half_term integer NOT NULL CHECK (circles_per_half_term >= 0)
);

-- Registered staff by id only (names stay in enrolment), from rsp.enrolment.staff.registered.v1 / left.v1.
-- starts_on stays NULL while a departure has arrived before the registration it belongs to.
CREATE TABLE staff (
    staff_id  uuid PRIMARY KEY,
    urn       char(6) NOT NULL,
    starts_on date,
    left_on   date
);

-- Circles. Nothing here names a pupil. `reflection` is free text for the school and the programme team only:
-- it is never put in an event, a log line or a trace.
CREATE TABLE circles (
    circle_id             uuid PRIMARY KEY,
    urn                   char(6) NOT NULL REFERENCES schools (urn),
    cohort_id             text NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('reflective', 'practice_discussion', 'decision_making')),
    module_number         smallint CHECK (module_number BETWEEN 1 AND 15),
    scheduled_for         date NOT NULL,
    facilitator_staff_id  uuid NOT NULL,
    status                text NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    held_on               date,
    participant_count     integer CHECK (participant_count >= 1),
    participant_staff_ids uuid[] NOT NULL DEFAULT '{}',
    themes                text[] NOT NULL DEFAULT '{}',
    reflection            text,
    cancelled_on          date,
    recorded_at           timestamptz NOT NULL DEFAULT now(),
    changed_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'held') = (held_on IS NOT NULL AND participant_count IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL)),
    CHECK (module_number IS NULL OR kind = 'reflective')
);

CREATE INDEX circles_by_school ON circles (urn, scheduled_for);
CREATE INDEX circles_held_by_cohort ON circles (cohort_id, urn) WHERE status = 'held';
