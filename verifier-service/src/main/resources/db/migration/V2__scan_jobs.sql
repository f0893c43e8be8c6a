-- Scan jobs: bytes read so far, and a cancel request the running worker sees between batches.
ALTER TABLE jobs ADD COLUMN progress_bytes BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN DEFAULT FALSE NOT NULL;
