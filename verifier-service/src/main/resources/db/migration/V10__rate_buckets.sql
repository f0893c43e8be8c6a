-- Detection rate buckets shared by every instance on one PostgreSQL database: one row per token,
-- updated under a row lock, so N instances give a token the rate of one.
CREATE TABLE rate_buckets (
  token_id VARCHAR(64) PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL
);
