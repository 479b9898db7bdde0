-- The approval queue. A request a Manual profile queues stays a transactions row (so re-sends and CertPoll find it
-- by transactionID as before) and carries what an admin needs to decide, and later the decision.
-- subject_alt_names and findings are JSON arrays of strings; NULL means none. device_id refers to the device
-- inventory when device matching found one. The challenge value itself is never stored.

ALTER TABLE transactions ADD COLUMN subject_alt_names TEXT;
ALTER TABLE transactions ADD COLUMN key_algorithm TEXT;
ALTER TABLE transactions ADD COLUMN key_size INTEGER;
ALTER TABLE transactions ADD COLUMN challenge_mode TEXT;
ALTER TABLE transactions ADD COLUMN findings TEXT;
ALTER TABLE transactions ADD COLUMN device_id INTEGER;
ALTER TABLE transactions ADD COLUMN expires_at INTEGER;     -- set when queued; NULL for requests never queued
ALTER TABLE transactions ADD COLUMN decision INTEGER;       -- RequestDecision: 1 Approved, 2 Rejected, 3 Expired
ALTER TABLE transactions ADD COLUMN decided_by TEXT;
ALTER TABLE transactions ADD COLUMN decided_at INTEGER;
ALTER TABLE transactions ADD COLUMN decision_reason TEXT;

-- The queue lists and the expiry sweep read only queued requests; a partial index keeps them apart from the
-- (far more numerous) transactions that were issued at once.
CREATE INDEX ix_transactions_queue ON transactions (expires_at) WHERE expires_at IS NOT NULL;
