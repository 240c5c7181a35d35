-- The headteacher's name as a GIAS extract gave it at enrolment. Personal data: it lives only here (never in an
-- event, log or trace) and is emptied with staff names when the school's retention period ends.
ALTER TABLE school_enrolments ADD COLUMN headteacher_name text;
