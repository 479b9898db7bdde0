-- State every node of a cluster must agree on, kept here rather than in files or memory.

-- The CRL counter of each CA (RFC 5280 §5.2.3), keyed by the CA certificate's subject key identifier (hex).
CREATE TABLE crl_numbers (
    issuer      TEXT    PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- The newest CRLs each CA signed (the store keeps a few per issuer); every node serves the newest.
CREATE TABLE crls (
    issuer      TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    this_update INTEGER NOT NULL,            -- microseconds since the Unix epoch, UTC
    next_update INTEGER NOT NULL,
    der         BLOB    NOT NULL,
    PRIMARY KEY (issuer, number)
) WITHOUT ROWID;

-- Failure counts of the challenge and sign-in lockouts (FailureKind), one row per key. A row whose window and
-- lockout have ended (expires_at) is swept when new keys arrive; the store caps the number of rows.
CREATE TABLE failure_counts (
    kind         INTEGER NOT NULL,
    subject      TEXT    NOT NULL,           -- profile or user name; '' when none
    source       TEXT    NOT NULL,           -- source address, or its /64; '' when none
    count        INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    last_failure INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (kind, subject, source)
) WITHOUT ROWID;

CREATE INDEX failure_counts_expiry ON failure_counts (expires_at);

-- Work only one node may do at a time (the webhook delivery): the holder renews before expires_at.
CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Facts recorded once for the installation, such as the CA certificate every node must sign with.
CREATE TABLE installation (
    key         TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL
);
