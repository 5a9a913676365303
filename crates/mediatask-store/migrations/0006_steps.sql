-- Multi-step jobs (ADR 0010): one logical job a vendor serves as several of its own jobs in
-- sequence (RecCloud video translation: preview, then synthesis). Each step is a row of its
-- own, journaled write-ahead like any job, naming the logical job (`parent_id`) and its place
-- in the sequence (`step`, from 0). Steps are driven by whoever drives their parent: claims
-- skip them, and a step's task slot stays live while its parent is leased. A step's id is
-- derived from (parent, step), and this index makes a second insert of the same step fail, so
-- two drivers racing after a restart cannot start one step twice.
ALTER TABLE mediatask_jobs ADD COLUMN parent_id TEXT;
ALTER TABLE mediatask_jobs ADD COLUMN step BIGINT;
CREATE UNIQUE INDEX mediatask_jobs_steps ON mediatask_jobs (parent_id, step)
    WHERE parent_id IS NOT NULL;
