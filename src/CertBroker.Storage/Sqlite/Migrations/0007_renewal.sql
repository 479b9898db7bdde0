-- Renewal scheduling. renewal_due_at is when the device should renew (the profile's share of the lifetime or days
-- before expiry, plus jitter), in microseconds since the Unix epoch; sweeps walk the partial index on it in batches.

ALTER TABLE certificates ADD COLUMN renewal_due_at INTEGER;
ALTER TABLE certificates ADD COLUMN renewal_state INTEGER NOT NULL DEFAULT 0;  -- 0 Valid, 1 Due, 2 Overdue, 3 Expired, 4 Superseded
ALTER TABLE certificates ADD COLUMN last_renewal_attempt_at INTEGER;
ALTER TABLE certificates ADD COLUMN last_renewal_result TEXT;
ALTER TABLE certificates ADD COLUMN superseded_by TEXT COLLATE NOCASE;         -- serial of the certificate that replaced it

CREATE INDEX ix_certificates_renewal_due_at ON certificates (renewal_due_at) WHERE renewal_due_at IS NOT NULL;
