-- Evidence a council can stand behind (issue 18): the implementation ledger's facts, staff surveys, early
-- indicators and the adaptations log.

-- Fidelity checklists as recorded with each circle and leadership day (item key -> done); null when none was.
ALTER TABLE circles_held ADD COLUMN fidelity jsonb;
ALTER TABLE sessions_attended ADD COLUMN fidelity jsonb;

-- First starts of modules (reach: who started). A projection like the others: rebuilt from the streams.
CREATE TABLE module_starts (
    staff_id      uuid NOT NULL,
    module_number smallint NOT NULL,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    PRIMARY KEY (staff_id, module_number)
);
CREATE INDEX module_starts_by_school ON module_starts (urn);

-- What a facilitator logs when a school departs from the plan. The reason stays here: no event carries it.
CREATE TABLE adaptations (
    adaptation_id uuid PRIMARY KEY,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    part          text NOT NULL,
    what_changed  text NOT NULL,
    reason        text NOT NULL,
    decided_on    date NOT NULL,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX adaptations_by_school ON adaptations (urn);

-- Survey instruments a council loaded (the programme's own default lives in the code).
CREATE TABLE survey_instruments (
    instrument_id text PRIMARY KEY,
    definition    jsonb NOT NULL
);

-- Staff survey answers are never stored: each response is scored and added into a tally. A school's pending
-- tally joins its released one once it holds the minimum group. No staff id, no time, no order: nothing here
-- tells one response from another.
CREATE TABLE survey_tallies (
    instrument_id text NOT NULL,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    wave          text NOT NULL CHECK (wave IN ('before', 'after', 'follow_up')),
    released      boolean NOT NULL,
    respondents   integer NOT NULL CHECK (respondents >= 0),
    points        jsonb NOT NULL,
    PRIMARY KEY (instrument_id, urn, cohort_id, wave, released)
);

-- Feedback after a leadership day or circle: impacts seen, an optional quote and consent to publish it without
-- a name. Nothing about who gave it.
CREATE TABLE feedback (
    feedback_id        uuid PRIMARY KEY,
    cohort_id          text NOT NULL,
    urn                char(6) NOT NULL,
    occasion           text NOT NULL CHECK (occasion IN ('leadership_day', 'circle')),
    occasion_id        uuid NOT NULL,
    impacts            text[] NOT NULL,
    quote              text,
    consent_to_publish boolean NOT NULL,
    quote_status       text NOT NULL
        CHECK (quote_status IN ('none', 'not_consented', 'awaiting_approval', 'approved', 'rejected'))
);
CREATE INDEX feedback_by_cohort ON feedback (cohort_id);

ALTER TABLE impact_returns ADD COLUMN pupils_with_absence_records integer
    CHECK (pupils_with_absence_records IS NULL OR pupils_with_absence_records >= pupils_persistently_absent);
