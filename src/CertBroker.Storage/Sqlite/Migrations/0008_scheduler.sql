-- The scheduler's persistent job store (Quartz.NET ADO tables), so schedules and misfires survive restarts.
-- Which jobs run when is recorded here, separately from the inventory tables it works on.

CREATE TABLE scheduler_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
