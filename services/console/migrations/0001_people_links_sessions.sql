-- The console's own tables: who may sign in, their one-time sign-in links and their sessions.
-- It holds no programme data: everything else is read from and written to the other services' APIs.
CREATE TABLE people (
    person_id uuid PRIMARY KEY,
    email text NOT NULL UNIQUE,           -- lower-cased; never leaves this table (no event, log or token)
    role text NOT NULL CHECK (role IN ('programme_admin', 'facilitator', 'school')),
    schools text[] NOT NULL DEFAULT '{}',
    invited_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of each link's secret is kept: someone reading this table cannot sign in with it.
CREATE TABLE sign_in_links (
    link_hash text PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE sessions (
    session_hash text PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES people (person_id) ON DELETE CASCADE,
    csrf_secret text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
