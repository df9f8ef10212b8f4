-- 008_web.sql — the web portal (branch web): failed checks on the public
-- verification page of printed documents (GET /api/v1/verify/{number}),
-- counted per client address so guessing codes is rate-limited in every
-- qonaq instance on the database (service/documents.h). Rows older than the
-- window are deleted as new ones are added.
CREATE TABLE doc_verify_failures (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX doc_verify_failures_address ON doc_verify_failures (address, at);
CREATE INDEX doc_verify_failures_at ON doc_verify_failures (at);
