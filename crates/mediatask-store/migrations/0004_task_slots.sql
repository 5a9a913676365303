-- Shared task slots (ADR 0009): a job that took one of its vendor account's task slots names
-- the pool (`slot_pool`). It holds the slot while it is live (submitting, submitted, running)
-- and `slot_until_ms` has not passed; whoever drives the job (a lease renewal, a worker's
-- claim) pushes `slot_until_ms` on, so a job nobody drives any more frees its slot when its
-- last lease runs out. Times are epoch milliseconds on the database's clock, like the leases.
ALTER TABLE mediatask_jobs ADD COLUMN slot_pool TEXT;
ALTER TABLE mediatask_jobs ADD COLUMN slot_until_ms BIGINT;

-- The live slot holders of an account's pool: what a submit counts before it takes one.
CREATE INDEX mediatask_jobs_slots ON mediatask_jobs (provider, account, slot_pool, slot_until_ms)
    WHERE slot_pool IS NOT NULL AND state IN ('submitting', 'submitted', 'running');
