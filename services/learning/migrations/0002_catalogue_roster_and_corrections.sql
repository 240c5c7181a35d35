-- The catalogue of the 15 Trauma Informed Relational Practice modules.
CREATE TABLE modules (
    number           smallint PRIMARY KEY CHECK (number BETWEEN 1 AND 15),
    title            text NOT NULL UNIQUE,
    summary          text NOT NULL,
    expected_minutes smallint NOT NULL CHECK (expected_minutes > 0)
);

INSERT INTO modules (number, title, summary, expected_minutes) VALUES
(1, 'Relational practice: why relationships come first',
    'What relational practice is, the evidence behind it, and what changes in a school that puts relationships first.', 45),
(2, 'Attachment and belonging',
    'Attachment theory for school staff: secure and insecure attachment, and how a sense of belonging supports learning.', 50),
(3, 'Adverse childhood experiences',
    'The ACEs research, what it does and does not tell us, and protective factors a school can provide.', 45),
(4, 'Trauma and the developing brain',
    'How chronic stress and trauma shape the developing brain, the stress response, and windows of tolerance.', 55),
(5, 'Regulation and co-regulation',
    'Helping children regulate: co-regulation by a calm adult, regulation plans, and the adult''s own regulation.', 50),
(6, 'Shame-sensitive practice',
    'How shame drives behaviour, and responding to mistakes and harm in ways that keep connection.', 45),
(7, 'Behaviour as communication',
    'Reading behaviour as a communication of need, and moving from sanctions to understanding and support.', 45),
(8, 'Restorative practice',
    'Restorative principles across the school: repairing harm, fair process, and high support with high challenge.', 50),
(9, 'Restorative conversations',
    'Structuring a restorative conversation after an incident: questions, scripts and follow-up.', 50),
(10, 'Circles',
    'Running check-in, reflective and problem-solving circles with pupils and staff.', 45),
(11, 'SEND and SEMH needs in mainstream',
    'Special educational needs and social, emotional and mental health needs in mainstream classrooms.', 55),
(12, 'Inclusive environments',
    'Designing classrooms, routines and spaces that reduce exclusion and help every pupil feel safe.', 45),
(13, 'Working with families',
    'Building trusting relationships with parents and carers, including families who find school hard.', 45),
(14, 'Staff wellbeing',
    'Secondary trauma, supervision and looking after the adults who look after the children.', 40),
(15, 'Leading relational culture',
    'Leading whole-school change: policy, modelling, consistency and sustaining relational practice.', 55);

ALTER TABLE module_completions
    ADD CONSTRAINT module_completions_module FOREIGN KEY (module_number) REFERENCES modules (number);

-- Learning's copy of each school's standing, from enrolled / withdrawn / completed events.
ALTER TABLE schools ADD COLUMN status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'withdrawn', 'completed'));

-- Learning's copy of the roster, from rsp.enrolment.staff.registered.v1 and .left.v1: ids only, no names.
CREATE TABLE staff (
    staff_id  uuid PRIMARY KEY,
    urn       char(6) NOT NULL,
    cohort_id text NOT NULL,
    role      text NOT NULL,
    starts_on date NOT NULL,
    left_on   date
);
CREATE INDEX staff_by_school ON staff (urn);

CREATE TABLE module_starts (
    staff_id      uuid NOT NULL,
    module_number smallint NOT NULL REFERENCES modules (number),
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    started_at    timestamptz NOT NULL,
    PRIMARY KEY (staff_id, module_number)
);
CREATE INDEX module_starts_by_school ON module_starts (urn);

-- The xAPI statement a completion came from, so voiding that statement withdraws exactly that completion.
ALTER TABLE module_completions ADD COLUMN statement_id uuid;

-- Withdrawn completions leave module_completions (the person may complete the module again) and are kept here.
CREATE TABLE completion_withdrawals (
    completion_id uuid PRIMARY KEY,
    staff_id      uuid NOT NULL,
    urn           char(6) NOT NULL,
    cohort_id     text NOT NULL,
    module_number smallint NOT NULL,
    completed_at  timestamptz NOT NULL,
    statement_id  uuid,
    reason        text NOT NULL,
    withdrawn_at  timestamptz NOT NULL
);
