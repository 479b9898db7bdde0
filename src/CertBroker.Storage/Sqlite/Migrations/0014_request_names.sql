-- What the name policy made of a waiting request, for the admin who decides it: the subject and subjectAltNames
-- that would be issued (JSON array), and the policy's findings (JSON array of "RULE dropped|refused NAME: why").
-- NULL for transactions that never waited.
ALTER TABLE transactions ADD COLUMN issued_subject TEXT;
ALTER TABLE transactions ADD COLUMN issued_subject_alt_names TEXT;
ALTER TABLE transactions ADD COLUMN name_findings TEXT;
