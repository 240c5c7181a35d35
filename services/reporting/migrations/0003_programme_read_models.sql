-- Every part of the programme, projected from the event streams. Each table holds facts as the events stated
-- them (keyed so a fact arrives once), and figures are worked out when read: the streams are consumed by one
-- durable consumer per event type, so events of different types may arrive in any order, and facts that do
-- not depend on order give the same tables live and when rebuilt (`rsp rebuild-reporting`).

ALTER TABLE schools ADD COLUMN phase text, ADD COLUMN local_authority text;

CREATE TABLE cohorts (
    cohort_id       text PRIMARY KEY,
    name            text NOT NULL,
    local_authority text NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    plan            jsonb NOT NULL
);

-- A school withdrawn from, or completing, one cohort (it may join a later cohort).
CREATE TABLE school_endings (
    urn       char(6) NOT NULL,
    cohort_id text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('withdrawn', 'completed')),
    ended_on  date NOT NULL,
    PRIMARY KEY (urn, cohort_id, kind)
);

-- Staff as ids and roles only. A departure may be seen before the registration: `registered` says which came.
CREATE TABLE staff (
    staff_id   uuid PRIMARY KEY,
    urn        char(6) NOT NULL,
    cohort_id  text,
    role       text,
    starts_on  date,
    left_on    date,
    registered boolean NOT NULL DEFAULT false
);
CREATE INDEX staff_by_school ON staff (urn);

-- Every completion learning recorded, and whether it was withdrawn (a withdrawal may arrive first).
CREATE TABLE module_completion_records (
    completion_id uuid PRIMARY KEY,
    staff_id      uuid NOT NULL,
    module_number smallint NOT NULL,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    completed_at  timestamptz,
    withdrawn_at  timestamptz
);
CREATE INDEX module_completion_records_by_school ON module_completion_records (urn);

-- Completions projected before completion ids were kept count as they were (a rebuild replaces them).
INSERT INTO module_completion_records (completion_id, staff_id, module_number, urn, cohort_id, completed_at)
SELECT md5(staff_id::text || '/' || module_number)::uuid, staff_id, module_number, urn, cohort_id, completed_at
FROM module_completions;
DROP TABLE module_completions;

CREATE TABLE circles_held (
    circle_id         uuid PRIMARY KEY,
    urn               char(6) NOT NULL,
    cohort_id         text NOT NULL,
    kind              text NOT NULL,
    held_on           date NOT NULL,
    half_term         text,
    participant_count integer NOT NULL
);
CREATE INDEX circles_held_by_school ON circles_held (urn);

-- Leadership days, mentoring sessions and immersion days a school attended (one row per session and school).
CREATE TABLE sessions_attended (
    kind       text NOT NULL CHECK (kind IN ('leadership_day', 'mentoring', 'immersion_day')),
    session_id uuid NOT NULL,
    urn        char(6) NOT NULL,
    cohort_id  text NOT NULL,
    day_number integer,
    held_on    date NOT NULL,
    staff_ids  uuid[] NOT NULL,
    PRIMARY KEY (kind, session_id, urn)
);
CREATE INDEX sessions_attended_by_school ON sessions_attended (urn);

CREATE TABLE practitioners_trained (
    session_id uuid NOT NULL,
    staff_id   uuid NOT NULL,
    urn        char(6) NOT NULL,
    cohort_id  text NOT NULL,
    trained_on date NOT NULL,
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX practitioners_trained_by_school ON practitioners_trained (urn);

-- The journey's decisions. The current phase is the one entered latest in the journey (highest month); the
-- school is at risk when its latest flag is later than its latest clearing.
CREATE TABLE journey_phases (
    urn        char(6) NOT NULL,
    cohort_id  text NOT NULL,
    phase      text NOT NULL,
    month      smallint NOT NULL,
    entered_on date NOT NULL,
    PRIMARY KEY (urn, cohort_id, phase)
);

CREATE TABLE journey_flags (
    event_id   uuid PRIMARY KEY,
    urn        char(6) NOT NULL,
    cohort_id  text NOT NULL,
    phase      text NOT NULL,
    reasons    text[] NOT NULL,
    flagged_on date NOT NULL,
    flagged_at timestamptz NOT NULL
);
CREATE INDEX journey_flags_by_school ON journey_flags (urn);

CREATE TABLE journey_clearings (
    event_id   uuid PRIMARY KEY,
    urn        char(6) NOT NULL,
    cohort_id  text NOT NULL,
    cleared_on date NOT NULL,
    cleared_at timestamptz NOT NULL
);
CREATE INDEX journey_clearings_by_school ON journey_clearings (urn);

CREATE TABLE journey_endings (
    urn       char(6) NOT NULL,
    cohort_id text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('completed', 'withdrawn')),
    ended_on  date NOT NULL,
    phase     text,
    at_risk   boolean,
    summary   jsonb,
    PRIMARY KEY (urn, cohort_id, kind)
);

-- The live feed: every event reporting consumed, with its envelope, in the order reporting received them.
-- Not a read model (a rebuild leaves it alone): SSE readers resume from a position after reconnecting.
CREATE TABLE event_feed (
    position   bigserial PRIMARY KEY,
    event_id   uuid NOT NULL UNIQUE,
    type       text NOT NULL,
    source     text NOT NULL,
    time       timestamptz NOT NULL,
    subject    text,
    urn        char(6),
    data       jsonb NOT NULL
);
