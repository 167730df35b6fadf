-- XiVO REST API 1.0: HTTP Digest replay protection. Each (nonce, nc) pair a
-- state-changing request (any method but GET and HEAD) was accepted with: a
-- request is allowed only when its INSERT adds the row (the primary key refuses
-- a second one). Rows are swept once their nonce has expired.
CREATE TABLE xivo_digest_nonce_counts (
    nonce      TEXT    NOT NULL,
    nc         INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (nonce, nc)
);
CREATE INDEX xivo_digest_nonce_counts_by_expiry ON xivo_digest_nonce_counts (expires_at);
