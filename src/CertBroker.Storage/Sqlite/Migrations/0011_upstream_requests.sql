-- Requests relayed to the upstream SCEP CA of a Backend=Ndes profile (NDES, or any SCEP CA). One row per device
-- transaction; the device's transaction stays Pending while its row is Pending (0, the upstream could not be
-- reached yet: the PKCSReq is sent again) or Submitted (1, the upstream answered PENDING: it is polled). Times are
-- microseconds since the Unix epoch, as elsewhere.
CREATE TABLE upstream_requests (
    profile                 TEXT    NOT NULL COLLATE NOCASE,
    transaction_id          TEXT    NOT NULL,
    upstream_transaction_id TEXT    NOT NULL,
    state                   INTEGER NOT NULL,        -- 0 Pending, 1 Submitted, 2 Issued, 3 Failed
    attempts                INTEGER NOT NULL DEFAULT 0,
    next_attempt_at         INTEGER,
    last_error              TEXT,
    cipher                  TEXT,
    digest                  TEXT,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    PRIMARY KEY (profile, transaction_id)
);

-- The job walks only what is still open.
CREATE INDEX ix_upstream_requests_due ON upstream_requests (next_attempt_at) WHERE state < 2;
