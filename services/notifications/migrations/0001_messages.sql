-- Notifications keeps ids, roles and dates, never an address: addresses are asked of enrolment at each send.

-- Schools it may write to, from rsp.enrolment.school.* (their published names go into the messages).
CREATE TABLE schools (
    urn         char(6) PRIMARY KEY,
    cohort_id   text NOT NULL,
    school_name text NOT NULL,
    active      boolean NOT NULL DEFAULT true
);
CREATE INDEX schools_cohort ON schools (cohort_id) WHERE active;

-- Staff by id and role, from rsp.enrolment.staff.*: the school's leads are its headteacher and senior leaders.
CREATE TABLE staff (
    staff_id uuid PRIMARY KEY,
    urn      char(6) NOT NULL,
    role     text NOT NULL,
    left_on  date
);
CREATE INDEX staff_school ON staff (urn);

-- One row per message to one person. `message_id` is derived from `dedupe_key` (the event and the person), so a
-- redelivered event finds its messages already there; it is also the SMTP Message-ID and the Notify reference.
-- `values` holds what the template needs (school name, dates), never an address; `calendar` the invitation's
-- UID, SEQUENCE and METHOD.
CREATE TABLE messages (
    message_id      uuid PRIMARY KEY,
    dedupe_key      text NOT NULL UNIQUE,
    kind            text NOT NULL,
    audience        text NOT NULL CHECK (audience IN ('staff', 'programme_team')),
    urn             char(6),
    cohort_id       text,
    staff_id        uuid,
    template_values jsonb NOT NULL,
    calendar        jsonb,
    status          text NOT NULL CHECK (status IN (
                        'pending', 'held_for_digest', 'digested', 'sending', 'sent', 'delivered', 'failed',
                        'skipped', 'in_doubt')),
    outcome         text,
    route           text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    digest_id       uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX messages_held ON messages (staff_id) WHERE status = 'held_for_digest';
CREATE INDEX messages_sending ON messages (message_id) WHERE status = 'sending';

-- Each session's calendar entry: its SEQUENCE rises with every change the attendees are told of (RFC 5545).
CREATE TABLE session_calendars (
    session_id uuid PRIMARY KEY,
    sequence   integer NOT NULL
);

-- What each person chose, by staff id.
CREATE TABLE preferences (
    staff_id          uuid PRIMARY KEY,
    weekly_digest     boolean NOT NULL DEFAULT false,
    non_essential_off boolean NOT NULL DEFAULT false,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
