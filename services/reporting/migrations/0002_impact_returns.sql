-- Impact returns schools submit to reporting: every version is kept; the highest version of a period is current.
-- Unlike the read models these are reporting's own records, not rebuilt from another service's stream.
CREATE TABLE impact_returns (
    return_id                  uuid PRIMARY KEY,
    urn                        char(6) NOT NULL,
    cohort_id                  text NOT NULL,
    academic_year              smallint NOT NULL,  -- the year it starts in: 2025 for 2025/26
    period                     text NOT NULL CHECK (period IN ('baseline', 'autumn', 'spring', 'summer')),
    version                    integer NOT NULL CHECK (version >= 1),
    replaces                   uuid REFERENCES impact_returns (return_id),
    pupils_on_roll             integer NOT NULL CHECK (pupils_on_roll >= 1),
    suspensions                integer NOT NULL CHECK (suspensions >= 0),
    pupils_suspended           integer NOT NULL CHECK (pupils_suspended BETWEEN 0 AND pupils_on_roll),
    permanent_exclusions       integer NOT NULL CHECK (permanent_exclusions BETWEEN 0 AND pupils_on_roll),
    possible_sessions          bigint NOT NULL CHECK (possible_sessions >= 1),
    sessions_missed            bigint NOT NULL CHECK (sessions_missed BETWEEN 0 AND possible_sessions),
    pupils_persistently_absent integer NOT NULL CHECK (pupils_persistently_absent BETWEEN 0 AND pupils_on_roll),
    submitted_at               timestamptz NOT NULL,
    UNIQUE (urn, cohort_id, academic_year, period, version)
);

CREATE INDEX impact_returns_by_cohort ON impact_returns (cohort_id);
