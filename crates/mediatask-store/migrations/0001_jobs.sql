-- The job journal: one row per logical job. Times are epoch milliseconds, JSON is text, and
-- the SQL is the subset SQLite and PostgreSQL share, so one migration folder serves both.
CREATE TABLE mediatask_jobs (
    id                TEXT    PRIMARY KEY NOT NULL,
    provider          TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    account           TEXT    NOT NULL,
    request           TEXT    NOT NULL,
    request_sha256    TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    version           BIGINT  NOT NULL DEFAULT 1,
    attempts          BIGINT  NOT NULL DEFAULT 0,
    recovery_attempts BIGINT  NOT NULL DEFAULT 0,
    vendor_task_id    TEXT,
    handle            TEXT,
    snapshot          TEXT,
    last_status       TEXT,
    result            TEXT,
    artifacts         TEXT,
    expires_at_ms     BIGINT,
    error             TEXT,
    created_at_ms     BIGINT  NOT NULL,
    updated_at_ms     BIGINT  NOT NULL,
    submitted_at_ms   BIGINT,
    finished_at_ms    BIGINT,
    next_poll_at_ms   BIGINT,
    lease_owner       TEXT,
    lease_until_ms    BIGINT,
    lease_seq         BIGINT  NOT NULL DEFAULT 0
);

CREATE INDEX mediatask_jobs_vendor_task ON mediatask_jobs (provider, vendor_task_id);
CREATE INDEX mediatask_jobs_state ON mediatask_jobs (state, created_at_ms);
-- Open jobs by due time: what workers claim from.
CREATE INDEX mediatask_jobs_due ON mediatask_jobs (next_poll_at_ms)
    WHERE state IN ('queued', 'submitting', 'submitted', 'running');
