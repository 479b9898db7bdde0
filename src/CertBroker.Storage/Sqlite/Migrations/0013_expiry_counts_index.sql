-- Metrics count certificates in use by profile, state and days left. Each profile's notAfter ranges are ranges of
-- this covering index, so the counts read each entry once and sort nothing; ix_certificates_current stays for the
-- per-certificate window, which reads in notAfter order across profiles.
CREATE INDEX ix_certificates_current_profile ON certificates (profile, not_after, renewal_due_at)
    WHERE revoked_at IS NULL AND superseded_by IS NULL;
