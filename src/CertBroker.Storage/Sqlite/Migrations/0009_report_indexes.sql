-- Reports, metrics and inventory search at fleet scale.

-- Certificates in use (neither revoked nor superseded): counting them by state and days left scans this covering
-- index, a few tens of bytes per certificate instead of whole rows with their DER, and the per-certificate metrics
-- window is a range of it. Revoked ones are counted from the partial index of 0001; superseded ones are the rest.
CREATE INDEX ix_certificates_current ON certificates (not_after, renewal_due_at)
    WHERE revoked_at IS NULL AND superseded_by IS NULL;

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

-- Metrics count certificates in use by their last renewal result; only those with an attempt are in this index
-- (a superseded certificate's last attempt is the renewal that replaced it, counted as superseded).
CREATE INDEX ix_certificates_last_renewal_result ON certificates (last_renewal_result)
    WHERE last_renewal_attempt_at IS NOT NULL AND last_renewal_result IS NOT NULL AND revoked_at IS NULL AND superseded_by IS NULL;
