-- The trigram index of 0009 no longer grows inside the enrolment's transaction: tokenising every new certificate
-- there cost each enrolment several times what indexing the same certificates in batches costs. New certificates are
-- indexed in batches, in id order, behind the watermark below; a search reads the index up to the watermark and
-- tests the few certificates above it directly, so its results are complete at any time.
-- Certificates are never deleted by the service, and ids only grow, so everything at or below the watermark is in
-- the index and nothing above it is.
CREATE TABLE certificate_search_state (
    singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
    indexed_through INTEGER NOT NULL
);

INSERT INTO certificate_search_state (singleton, indexed_through)
SELECT 1, COALESCE(MAX(id), 0) FROM certificates;

DROP TRIGGER certificate_search_insert;
DROP TRIGGER certificate_search_delete;
DROP TRIGGER certificate_search_update;

-- Only an indexed certificate has entries to remove: an external-content index must be told the exact values it holds.
CREATE TRIGGER certificate_search_delete AFTER DELETE ON certificates
WHEN old.id <= (SELECT indexed_through FROM certificate_search_state) BEGIN
    INSERT INTO certificate_search (certificate_search, rowid, subject, serial, subject_alt_names)
    VALUES ('delete', old.id, old.subject, old.serial, old.subject_alt_names);
END;

CREATE TRIGGER certificate_search_update AFTER UPDATE OF subject, serial, subject_alt_names ON certificates
WHEN old.id <= (SELECT indexed_through FROM certificate_search_state) BEGIN
    INSERT INTO certificate_search (certificate_search, rowid, subject, serial, subject_alt_names)
    VALUES ('delete', old.id, old.subject, old.serial, old.subject_alt_names);
    INSERT INTO certificate_search (rowid, subject, serial, subject_alt_names)
    VALUES (new.id, new.subject, new.serial, new.subject_alt_names);
END;
