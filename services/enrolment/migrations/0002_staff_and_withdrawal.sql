ALTER TABLE school_enrolments
    ADD COLUMN ended_on date,
    ADD COLUMN end_reason text;

-- Names and emails live only here; every other service knows a staff member by staff_id. Erasure empties them
-- and keeps the row, so ids, roles and dates (and every aggregate built on them) stay true.
CREATE TABLE staff (
    staff_id      uuid PRIMARY KEY,
    urn           char(6) NOT NULL CHECK (urn ~ '^[0-9]{6}$'),
    name          text,
    email         text,
    role          text NOT NULL CHECK (role IN ('headteacher', 'senior_leader', 'teacher', 'teaching_assistant',
                                                 'support_staff', 'other')),
    starts_on     date NOT NULL,
    left_on       date CHECK (left_on IS NULL OR left_on >= starts_on),
    erased_on     date,
    registered_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((erased_on IS NULL) = (name IS NOT NULL AND email IS NOT NULL))
);

CREATE UNIQUE INDEX one_registration_per_email_per_school ON staff (urn, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX staff_by_school ON staff (urn);
