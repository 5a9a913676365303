-- Vendor callbacks (ADR 0007): one row per (vendor, job, reported status, delivery id), so a
-- redelivered callback wakes its job once. A callback never changes a job's state: it only
-- makes the job due for a poll (mediatask_jobs.next_poll_at_ms), and the vendor API's answer
-- decides. Times are epoch milliseconds; the SQL is the subset SQLite and PostgreSQL share,
-- like 0001. `callback_id` is '' when the vendor gives no delivery id.
CREATE TABLE mediatask_callbacks (
    provider         TEXT    NOT NULL,
    job_id           TEXT    NOT NULL,
    reported_status  TEXT    NOT NULL,
    callback_id      TEXT    NOT NULL,
    received_at_ms   BIGINT  NOT NULL,
    PRIMARY KEY (provider, job_id, reported_status, callback_id)
);

CREATE INDEX mediatask_callbacks_job ON mediatask_callbacks (job_id);
