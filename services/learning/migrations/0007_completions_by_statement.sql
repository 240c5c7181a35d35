-- A voiding statement withdraws the completion its target recorded: found by the target's id, a batch at a time.
CREATE INDEX module_completions_by_statement ON module_completions (statement_id) WHERE statement_id IS NOT NULL;
