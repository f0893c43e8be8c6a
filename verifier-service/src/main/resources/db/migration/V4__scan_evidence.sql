-- A scan job issues at most one finding: it is written in the transaction that ends the job, and
-- this index refuses a second one should a resumed job ever try (NULLs, findings of requests, do
-- not collide in H2 or PostgreSQL).
CREATE UNIQUE INDEX findings_one_per_job ON findings (job_id);
