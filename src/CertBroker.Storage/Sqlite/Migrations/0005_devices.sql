-- Device inventory and one-time enrolment challenges.
-- A device is found again by its identity: a kind (SubjectCn, San, SerialNumber, MacAddress, or Manual for a device
-- an admin added without one) and a normalised key. Enrolments create or update devices; admins add and edit the
-- metadata columns, which enrolments never overwrite.

CREATE TABLE devices (
    id                   INTEGER PRIMARY KEY,
    identity_kind        TEXT    NOT NULL,
    identity_key         TEXT    NOT NULL COLLATE NOCASE,
    name                 TEXT,
    manufacturer         TEXT,
    model                TEXT,
    serial_number        TEXT    COLLATE NOCASE,
    mac_address          TEXT    COLLATE NOCASE,
    ip_address           TEXT,
    location             TEXT,
    owner                TEXT,
    asset_tag            TEXT,
    notes                TEXT,
    first_seen           INTEGER,            -- first enrolment, microseconds since the Unix epoch; NULL until one
    last_seen            INTEGER,
    last_profile         TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (identity_kind, identity_key)
);

CREATE INDEX ix_devices_serial_number ON devices (serial_number);
CREATE INDEX ix_devices_mac_address ON devices (mac_address);

-- The device a certificate was issued to; NULL for certificates issued before the inventory existed or whose device
-- was deleted (the store clears the link before deleting the device).
ALTER TABLE certificates ADD COLUMN device_id INTEGER REFERENCES devices (id);
CREATE INDEX ix_certificates_device_id ON certificates (device_id, not_after);

-- One-time challenge passwords. Only a SHA-256 of the password is kept: the passwords are long random strings, so a
-- fast hash is enough and lets the enrolment path find the row by its hash. A row is used once: consumed_* records
-- the transaction it authorised, so a re-send of that same transaction is still recognised.
CREATE TABLE challenges (
    id                   INTEGER PRIMARY KEY,
    password_sha256      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    profile              TEXT    NOT NULL COLLATE NOCASE,
    binding_kind         TEXT,               -- commonName, san, macAddress, serialNumber; NULL when unbound
    binding_value        TEXT,
    created_by           TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    consumed_at          INTEGER,
    consumed_transaction TEXT
);

-- The cap on outstanding passwords counts unconsumed, unexpired rows per profile.
CREATE INDEX ix_challenges_outstanding ON challenges (profile, expires_at) WHERE consumed_at IS NULL;
