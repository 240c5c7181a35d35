-- xAPI actors mapped to staff by the programme team. The key is a hash (mbox_sha1sum, or SHA-256 of an account):
-- learning never holds an email address.
CREATE TABLE xapi_actors (
    actor_key text PRIMARY KEY,
    staff_id  uuid NOT NULL,
    mapped_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX xapi_actors_by_staff ON xapi_actors (staff_id);

-- Every statement received, without its actor (only the key) and without free text.
CREATE TABLE xapi_statements (
    statement_id  uuid PRIMARY KEY,
    fingerprint   text NOT NULL,
    actor_key     text,
    verb_id       text NOT NULL,
    object_type   text NOT NULL,
    object_id     text NOT NULL,
    completes     boolean NOT NULL,
    timestamp     timestamptz NOT NULL,
    outcome       text NOT NULL,
    staff_id      uuid,
    module_number smallint,
    reason        text,
    voided_by     uuid,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX xapi_statements_unmatched ON xapi_statements (actor_key) WHERE outcome IN ('unknown_actor', 'refused');
CREATE INDEX xapi_statements_voiding ON xapi_statements (object_id) WHERE verb_id = 'http://adlnet.gov/expapi/verbs/voided';

-- Face-to-face sessions: leadership days, immersion days, practitioner training (a cohort's) and mentoring (a school's).
CREATE TABLE sessions (
    session_id    uuid PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('leadership_day', 'immersion_day', 'practitioner_training', 'mentoring')),
    cohort_id     text NOT NULL,
    urn           char(6),
    day_number    smallint,
    held_on       date NOT NULL,
    venue         text,
    status        text NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    cancel_reason text
);
CREATE INDEX sessions_by_cohort ON sessions (cohort_id);
CREATE INDEX sessions_by_school ON sessions (urn);
-- One live session per leadership day of a cohort (a cancelled one may be scheduled again).
CREATE UNIQUE INDEX sessions_one_leadership_day ON sessions (cohort_id, day_number)
    WHERE kind = 'leadership_day' AND status <> 'cancelled';

CREATE TABLE session_attendance (
    session_id uuid NOT NULL REFERENCES sessions (session_id),
    urn        char(6) NOT NULL,
    staff_ids  uuid[] NOT NULL,
    PRIMARY KEY (session_id, urn)
);
