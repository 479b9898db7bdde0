-- Renewal scheduling. renewal_due_at is when the device should renew (the profile's share of the lifetime or days
-- before expiry, plus jitter), in microseconds since the Unix epoch; sweeps walk the partial index on it in batches.

ALTER TABLE certificates ADD COLUMN renewal_due_at INTEGER;
ALTER TABLE certificates ADD COLUMN renewal_state INTEGER NOT NULL DEFAULT 0;  -- 0 Valid, 1 Due, 2 Overdue, 3 Expired, 4 Superseded
ALTER TABLE certificates ADD COLUMN last_renewal_attempt_at INTEGER;
ALTER TABLE certificates ADD COLUMN last_renewal_result TEXT;
ALTER TABLE certificates ADD COLUMN superseded_by TEXT COLLATE NOCASE;         -- serial of the certificate that replaced it

CREATE INDEX ix_certificates_renewal_due_at ON certificates (renewal_due_at) WHERE renewal_due_at IS NOT NULL;

-- The smallest expiry-alert threshold (in days) already sent for the certificate, so each threshold fires once per
-- certificate: a threshold t is due when not_after is within t days and this is NULL or larger than t.
ALTER TABLE certificates ADD COLUMN expiry_alert_days INTEGER;

-- The sweeps only look at certificates whose renewal is still open (Valid, Due, Overdue). These partial indexes keep
-- renewed and expired certificates out of their way, so a sweep's cost follows the certificates it marks rather than
-- the size of the inventory. Queries repeat "renewal_state < 3" literally so SQLite can use them.
CREATE INDEX ix_certificates_renewal_open ON certificates (renewal_state, renewal_due_at) WHERE renewal_state < 3;
CREATE INDEX ix_certificates_open_not_after ON certificates (not_after) WHERE renewal_state < 3;
