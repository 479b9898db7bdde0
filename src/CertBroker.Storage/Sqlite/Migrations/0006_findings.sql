-- Weak-crypto policy findings ("prohibit use of weak encryption"), per certificate. A device's findings are those of
-- its certificates. One row per (certificate, rule): a re-scan replaces a certificate's rows.

CREATE TABLE findings (
    id             INTEGER PRIMARY KEY,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    rule_id        TEXT    NOT NULL,            -- e.g. WC-RSA-01
    severity       INTEGER NOT NULL,            -- 0 Info, 1 Warn, 2 Fail
    observed       TEXT    NOT NULL,            -- what was seen, e.g. "1024 bits"
    threshold      TEXT,                        -- what the rule asks for, e.g. ">= 2048 bits"
    message        TEXT    NOT NULL,            -- "RSA key 1024 bits < 2048"
    found_at       INTEGER NOT NULL,            -- microseconds since the Unix epoch, UTC
    UNIQUE (certificate_id, rule_id)
);

-- Reports and metrics count findings by rule.
CREATE INDEX ix_findings_rule_id ON findings (rule_id, severity);

-- Where a certificate came from: 0 issued by this broker, 1 imported (issued elsewhere: NDES, a device itself).
ALTER TABLE certificates ADD COLUMN source INTEGER NOT NULL DEFAULT 0;

-- What the weak-crypto policy last ran with: the hash of its effective settings after the last complete re-scan of
-- the inventory. A different hash at start-up means the policy changed, and the inventory is checked again.
CREATE TABLE policy_state (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL             -- microseconds since the Unix epoch, UTC
);
