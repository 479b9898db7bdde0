-- Reports, metrics and inventory search at fleet scale.

-- Counting certificates by state and days left reads only these columns: as a covering index the count scans a few
-- tens of bytes per certificate instead of whole rows with their DER.
CREATE INDEX ix_certificates_lifecycle ON certificates (not_after, revoked_at, superseded_by, renewal_due_at);

-- Inventory text search ('q') finds substrings of subject, serial and subjectAltNames. A trigram index answers
-- that without reading every row; the exact substring test still runs on what it finds. It mirrors the certificates
-- table (external content), kept in step by the triggers below.
CREATE VIRTUAL TABLE certificate_search USING fts5 (
    subject, serial, subject_alt_names,
    content = 'certificates', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO certificate_search (certificate_search) VALUES ('rebuild');

CREATE TRIGGER certificate_search_insert AFTER INSERT ON certificates BEGIN
    INSERT INTO certificate_search (rowid, subject, serial, subject_alt_names)
    VALUES (new.id, new.subject, new.serial, new.subject_alt_names);
END;

CREATE TRIGGER certificate_search_delete AFTER DELETE ON certificates BEGIN
    INSERT INTO certificate_search (certificate_search, rowid, subject, serial, subject_alt_names)
    VALUES ('delete', old.id, old.subject, old.serial, old.subject_alt_names);
END;

CREATE TRIGGER certificate_search_update AFTER UPDATE OF subject, serial, subject_alt_names ON certificates BEGIN
    INSERT INTO certificate_search (certificate_search, rowid, subject, serial, subject_alt_names)
    VALUES ('delete', old.id, old.subject, old.serial, old.subject_alt_names);
    INSERT INTO certificate_search (rowid, subject, serial, subject_alt_names)
    VALUES (new.id, new.subject, new.serial, new.subject_alt_names);
END;

-- Metrics count certificates by their last renewal result; only those with an attempt are in this index.
CREATE INDEX ix_certificates_last_renewal_result ON certificates (last_renewal_result)
    WHERE last_renewal_attempt_at IS NOT NULL AND last_renewal_result IS NOT NULL;
