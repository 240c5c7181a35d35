-- Learning's copy of enrolled schools, kept from rsp.enrolment.school.enrolled.v1.
CREATE TABLE schools (
    urn       char(6) PRIMARY KEY,
    cohort_id text NOT NULL
);

CREATE TABLE module_completions (
    completion_id uuid PRIMARY KEY,
    staff_id      uuid NOT NULL,
    urn           char(6) NOT NULL REFERENCES schools (urn),
    cohort_id     text NOT NULL,
    module_number smallint NOT NULL CHECK (module_number BETWEEN 1 AND 15),
    completed_at  timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (staff_id, module_number)
);

CREATE INDEX module_completions_by_school ON module_completions (urn);
