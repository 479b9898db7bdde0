-- State every node of a cluster must agree on, as SQLite's 0018_cluster_state has it.

CREATE TABLE crl_numbers (
    issuer      TEXT    PRIMARY KEY,
    last_number BIGINT  NOT NULL
);

CREATE TABLE crls (
    issuer      TEXT    NOT NULL,
    number      BIGINT  NOT NULL,
    this_update BIGINT  NOT NULL,
    next_update BIGINT  NOT NULL,
    der         BYTEA   NOT NULL,
    PRIMARY KEY (issuer, number)
);

CREATE TABLE failure_counts (
    kind         BIGINT  NOT NULL,
    subject      TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    count        BIGINT  NOT NULL,
    window_start BIGINT  NOT NULL,
    last_failure BIGINT  NOT NULL,
    locked_until BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    PRIMARY KEY (kind, subject, source)
);

CREATE INDEX failure_counts_expiry ON failure_counts (expires_at);

CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at BIGINT  NOT NULL
);

CREATE TABLE installation (
    key         TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    recorded_at BIGINT  NOT NULL
);
