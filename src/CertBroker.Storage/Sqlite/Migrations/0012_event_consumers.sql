-- How far each consumer of the audit trail's lifecycle events (the webhook) has passed them on. The events themselves
-- are the audit events the sweeps write in the same transaction as each change, so a consumer that restarts goes on
-- from its position and loses nothing.
CREATE TABLE event_consumers (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,            -- id of the last audit event passed on
    updated_at INTEGER NOT NULL             -- microseconds since the Unix epoch, UTC
);
