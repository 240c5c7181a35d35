CREATE TABLE cohorts (
    cohort_id  text PRIMARY KEY,
    name       text NOT NULL,
    starts_on  date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE school_enrolments (
    enrolment_id bigserial PRIMARY KEY,
    urn          char(6) NOT NULL CHECK (urn ~ '^[0-9]{6}$'),
    school_name  text NOT NULL,
    cohort_id    text NOT NULL REFERENCES cohorts (cohort_id),
    enrolled_on  date NOT NULL,
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'completed'))
);

-- A school is in at most one active cohort at a time; the database holds the line under concurrent requests.
CREATE UNIQUE INDEX one_active_enrolment_per_school ON school_enrolments (urn) WHERE status = 'active';
CREATE INDEX school_enrolments_by_cohort ON school_enrolments (cohort_id);
