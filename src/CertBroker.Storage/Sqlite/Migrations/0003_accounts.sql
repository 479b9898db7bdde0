-- Admin accounts and API tokens.
-- User names and token names compare case-insensitively (ASCII), as the admin API promises.
-- Passwords are stored as PasswordHasher strings, token secrets as their SHA-256 (lower-case hex): never in clear.
-- version is the optimistic concurrency stamp: an update applies only while it still matches, then increments it.

CREATE TABLE accounts (
    id                    INTEGER PRIMARY KEY,
    user_name             TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    role                  INTEGER NOT NULL,            -- Role: 1 Administrator, 2 SecurityAdministrator, 3 Auditor, 4 Monitoring
    password_hash         TEXT    NOT NULL,
    password_set_at       INTEGER NOT NULL,
    is_bootstrap_password INTEGER NOT NULL DEFAULT 0,
    must_change_password  INTEGER NOT NULL DEFAULT 0,
    failure_count         INTEGER NOT NULL DEFAULT 0,
    locked_until          INTEGER,
    disabled              INTEGER NOT NULL DEFAULT 0,
    version               INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    role        INTEGER NOT NULL,
    secret_hash TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER
);
