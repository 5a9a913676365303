-- Shared rate limits (ADR 0006): the sliding-window log of admissions of every gate key, and
-- one row per key that admitters lock, so that one admission of a key is decided at a time.
-- Times are microseconds since the Unix epoch on the database's clock (PostgreSQL:
-- clock_timestamp(); SQLite: the machine's clock, read inside the write lock). The SQL is the
-- subset SQLite and PostgreSQL share, like 0001.
CREATE TABLE mediatask_rate_gates (
    gate_key    TEXT    PRIMARY KEY NOT NULL,
    -- the latest clock reading of an admitter: the clock of a key never runs backwards
    touched_us  BIGINT  NOT NULL
);

CREATE TABLE mediatask_rate_admissions (
    gate_key     TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    admitted_us  BIGINT  NOT NULL,
    -- NULL while the request is in flight
    done_us      BIGINT,
    window_us    BIGINT  NOT NULL,
    -- when the entry leaves the window: answer + window, or (in flight) admission + hold +
    -- window, after which a request whose process died counts as answered
    expires_us   BIGINT  NOT NULL,
    PRIMARY KEY (gate_key, id)
);

-- Live entries of a key, and expired ones to prune.
CREATE INDEX mediatask_rate_admissions_expiry ON mediatask_rate_admissions (gate_key, expires_us);
