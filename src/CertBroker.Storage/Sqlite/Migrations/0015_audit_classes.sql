-- Retention per class: security events (class 0) and what anonymous callers can cause at will (class 1: failed
-- sign-ins, wrong challenges, refused requests) are each capped on their own, so a flood of the second never evicts
-- the first. audit_class_counts holds each class's row count, so the trim on every append is an index seek.
ALTER TABLE audit_events ADD COLUMN class INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER audit_events_append_only;

UPDATE audit_events SET class = 1
WHERE action IN ('auth.login-failed', 'challenge.failed', 'challenge.source-locked-out', 'enrolment.rejected');

CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE INDEX ix_audit_events_class ON audit_events (class, id);

CREATE TABLE audit_class_counts (
    class INTEGER PRIMARY KEY,
    kept  INTEGER NOT NULL
);

INSERT INTO audit_class_counts (class, kept)
SELECT c.class, (SELECT count(*) FROM audit_events e WHERE e.class = c.class)
FROM (SELECT 0 AS class UNION ALL SELECT 1) c;
