-- What GET /xapi/statements answers: the statement as received, every agent reduced to a key (an mbox to its
-- mbox_sha1sum, an account's name to a digest, no names), with the authority learning gave it. Statements
-- stored before this migration have none and are not found by id.
ALTER TABLE xapi_statements ADD COLUMN document jsonb;
