-- Circles' copy of enrolled schools, kept from rsp.enrolment.school.enrolled.v1: only they may hold circles.
CREATE TABLE schools (
    urn         char(6) PRIMARY KEY,
    cohort_id   text NOT NULL,
    enrolled_on date NOT NULL
);
