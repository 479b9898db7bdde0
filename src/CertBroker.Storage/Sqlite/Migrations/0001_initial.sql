-- Initial schema.
-- Timestamps are INTEGER microseconds since the Unix epoch, UTC: they sort and compare as numbers and keep the
-- same precision as PostgreSQL's timestamptz, so both stores round-trip identical values.
-- Serials and hex digests compare case-insensitively so an upper-case serial cannot slip past uniqueness.
-- subject_alt_names is a JSON array of strings (usable with json_each for searches).

CREATE TABLE transactions (
    id                           INTEGER PRIMARY KEY,
    profile                      TEXT    NOT NULL,
    transaction_id               TEXT    NOT NULL,
    message_type                 INTEGER NOT NULL,
    state                        INTEGER NOT NULL,  -- TransactionState: 0 Pending, 1 Issued, 2 Failed
    public_key_sha256            TEXT    NOT NULL COLLATE NOCASE,
    subject                      TEXT    NOT NULL,
    requester_address            TEXT,
    content_encryption_algorithm TEXT,
    digest_algorithm             TEXT,
    signature_algorithm          TEXT,
    fail_info                    TEXT,
    certification_request        BLOB,
    certificate_serial           TEXT COLLATE NOCASE,
    created_at                   INTEGER NOT NULL,
    updated_at                   INTEGER NOT NULL,
    UNIQUE (profile, transaction_id)
);

-- Pending approvals and failure reports filter on state and read the oldest first.
CREATE INDEX ix_transactions_state_created_at ON transactions (state, created_at);

CREATE TABLE certificates (
    id                  INTEGER PRIMARY KEY,
    serial              TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    profile             TEXT    NOT NULL,
    issuer              TEXT    NOT NULL,
    subject             TEXT    NOT NULL,
    subject_alt_names   TEXT    NOT NULL DEFAULT '[]',
    not_before          INTEGER NOT NULL,
    not_after           INTEGER NOT NULL,
    key_algorithm       TEXT    NOT NULL,
    key_size            INTEGER NOT NULL,
    signature_algorithm TEXT    NOT NULL,
    thumbprint_sha256   TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    public_key_sha256   TEXT    NOT NULL COLLATE NOCASE,
    der                 BLOB    NOT NULL,
    transaction_id      TEXT,
    issued_at           INTEGER NOT NULL,
    revoked_at          INTEGER,
    revocation_reason   INTEGER
);

-- Expiry and renewal reports scan by end of validity.
CREATE INDEX ix_certificates_not_after ON certificates (not_after);
-- Inventory search by subject.
CREATE INDEX ix_certificates_subject ON certificates (subject);
-- Every certificate ever issued for a key (renewal checks, key reuse reports).
CREATE INDEX ix_certificates_public_key_sha256 ON certificates (public_key_sha256);
-- From a transaction to its certificate.
CREATE INDEX ix_certificates_profile_transaction_id ON certificates (profile, transaction_id);
-- The CRL reads only revoked, unexpired certificates; a partial index keeps that small.
CREATE INDEX ix_certificates_revoked_not_after ON certificates (not_after) WHERE revoked_at IS NOT NULL;
