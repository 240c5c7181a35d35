-- The fidelity checklist a facilitator fills in when recording a circle held: item key -> done (issue 18).
ALTER TABLE circles ADD COLUMN fidelity jsonb;
