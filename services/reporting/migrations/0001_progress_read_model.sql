-- Read models projected from the event streams; rebuilt from them if lost.
CREATE TABLE schools (
    urn         char(6) PRIMARY KEY,
    cohort_id   text NOT NULL,
    school_name text NOT NULL,
    enrolled_on date NOT NULL
);

-- No foreign key to schools: the learning stream may be projected before the enrolment stream catches up.
CREATE TABLE module_completions (
    staff_id      uuid NOT NULL,
    module_number smallint NOT NULL,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    completed_at  timestamptz NOT NULL,
    PRIMARY KEY (staff_id, module_number)
);

CREATE INDEX module_completions_by_school ON module_completions (urn);
