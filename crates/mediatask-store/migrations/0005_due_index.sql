-- The claim's index, fixed for a journal of a million open jobs (tests/scale.rs). 0001's
-- `mediatask_jobs_due (next_poll_at_ms) WHERE state IN (open)` could not bound the claim:
-- its test `next_poll_at_ms IS NULL OR next_poll_at_ms <= now` is no index range, and
-- PostgreSQL's now (`clock_timestamp()`, volatile) is no index key, so a claim walked every
-- open job in index order (2.4 s over 1,000,000 with nothing due); SQLite, without
-- statistics, preferred `mediatask_jobs_state` for the bare `state IN (…)` and sorted every
-- open job per claim.
--
-- The key is the job's due time while it is open (a job without a poll time is due since
-- ever, as before) and NULL once it ended; the index holds open jobs only. The claim asks
-- `<key> <= (SELECT now)` (the clock read once) ordered by `<key>, id`: a range scan that stops
-- after the batch, on both engines, and no bare state term for another index to take. Both
-- engines prove the index's `IS NOT NULL` from the claim's `<=`. Same SQL subset as 0001; the
-- key must match `sql::DUE_KEY` character for character.
DROP INDEX mediatask_jobs_due;
CREATE INDEX mediatask_jobs_due_at ON mediatask_jobs (
    (CASE WHEN state IN ('queued', 'submitting', 'submitted', 'running')
        THEN COALESCE(next_poll_at_ms, 0) END),
    id)
    WHERE (CASE WHEN state IN ('queued', 'submitting', 'submitted', 'running')
        THEN COALESCE(next_poll_at_ms, 0) END) IS NOT NULL;
