-- The audit trail. Append-only: rows are never updated; the oldest are deleted only to keep the configured
-- retention cap (CertBroker:Audit:MaxRecords). AUTOINCREMENT keeps IDs ascending and never reused, so an ID is a
-- stable position in the trail for paging and export.

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    time           INTEGER NOT NULL,            -- microseconds since the Unix epoch, UTC
    action         TEXT    NOT NULL,
    outcome        INTEGER NOT NULL,            -- AuditOutcome: 0 Success, 1 Failure
    actor          TEXT    NOT NULL,
    source_address TEXT,
    target         TEXT,
    profile        TEXT,
    details        TEXT
);

CREATE INDEX ix_audit_events_time ON audit_events (time);
CREATE INDEX ix_audit_events_action ON audit_events (action);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
