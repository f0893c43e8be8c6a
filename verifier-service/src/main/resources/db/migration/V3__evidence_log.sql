-- The transparency log of evidence (RFC 9162 hashing, computed by core's MerkleLog; the tables only
-- keep what it computes). Binary values as text so one schema serves H2 and PostgreSQL: entries in
-- base64, hashes in hex.

-- One row; every append locks it (SELECT ... FOR UPDATE) so that instances sharing the database
-- append one at a time: indexes stay unique and each append sees the tree its predecessor left.
CREATE TABLE log_state (
  id INTEGER PRIMARY KEY,
  tree_size BIGINT NOT NULL
);
INSERT INTO log_state (id, tree_size) VALUES (1, 0);

CREATE TABLE log_entries (
  entry_index BIGINT PRIMARY KEY,
  entry TEXT NOT NULL
);

-- The hash of each complete aligned subtree: level 0 is the leaf hash of entry node_index.
CREATE TABLE log_hashes (
  level INTEGER NOT NULL,
  node_index BIGINT NOT NULL,
  hash VARCHAR(64) NOT NULL,
  PRIMARY KEY (level, node_index)
);

-- Signed tree heads (their JSON), one per signed size.
CREATE TABLE log_tree_heads (
  tree_size BIGINT PRIMARY KEY,
  head TEXT NOT NULL
);

-- Evidence issued by the service: the finding row gains its log index and the token it was issued
-- to (investigators read their own evidence, auditors all).
ALTER TABLE findings ADD COLUMN log_index BIGINT;
ALTER TABLE findings ADD COLUMN owner_token_id VARCHAR(32);
ALTER TABLE findings ADD COLUMN route VARCHAR(100);
