-- Cohorts carry their local authority and programme plan; schools their phase, local authority, headteacher
-- (a staff member, so name and email live only in staff) and any URN they came from or went to.
ALTER TABLE cohorts
    ADD COLUMN local_authority text,
    ADD COLUMN plan jsonb;

ALTER TABLE school_enrolments
    ADD COLUMN phase text CHECK (phase IN ('nursery', 'primary', 'secondary', 'special', 'alternative_provision',
                                           'all_through')),
    ADD COLUMN local_authority text,
    ADD COLUMN headteacher_id uuid REFERENCES staff (staff_id) DEFERRABLE INITIALLY DEFERRED,
    ADD COLUMN predecessor_urn char(6),
    ADD COLUMN successor_urn char(6),
    DROP CONSTRAINT school_enrolments_status_check,
    ADD CONSTRAINT school_enrolments_status_check
        CHECK (status IN ('active', 'withdrawn', 'completed', 'converted')),
    ADD CONSTRAINT converted_schools_name_their_successor CHECK ((status = 'converted') = (successor_urn IS NOT NULL));

-- A school joins a cohort once; its journey id (journey-<cohort>-<urn>) is used once.
CREATE UNIQUE INDEX one_enrolment_per_school_per_cohort ON school_enrolments (urn, cohort_id);
