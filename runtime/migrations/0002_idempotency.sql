-- Idempotency-Key answers, per caller (a digest of role and subject, so no user names are kept here).
-- The row is inserted in the same transaction as the request's writes; status_code stays NULL until the
-- answer is stored right after.
CREATE TABLE idempotency_keys (
    caller           text NOT NULL,
    key              text NOT NULL,
    fingerprint      bytea NOT NULL,
    status_code      integer,
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
