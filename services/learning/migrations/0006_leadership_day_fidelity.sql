-- A leadership day's fidelity checklist, recorded with its attendance: item key -> done (issue 18).
ALTER TABLE sessions ADD COLUMN fidelity jsonb;
