-- 007_apps.sql (SQLite) — the application workflow, second part (branch apps,
-- issues 5 and 6):
--  * application_documents: the documents attached to an application (type,
--    number, issuer, presented as the original or electronically, and the
--    SHA-256 of an electronic one), written on submission in the order given;
--  * property_owners.role: "owner" or "co_owner" as the address register
--    names them (seed 002: the owner's consent, and every co-owner's), so
--    consents are not named by list order; rows imported before this
--    migration are owners;
--  * an index for the officer's queue filtered by kind (the queue without a
--    kind uses applications_queue of 001).
CREATE TABLE application_documents (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    position INTEGER NOT NULL CHECK (position >= 0),
    type TEXT NOT NULL CHECK (length(type) BETWEEN 1 AND 47),
    number TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',
    form TEXT NOT NULL CHECK (form IN ('electronic', 'original')),
    digest TEXT CHECK (digest IS NULL OR (length(digest) = 64 AND digest NOT GLOB '*[^0-9a-f]*')),
    valid_until INTEGER,
    PRIMARY KEY (application_id, position),
    CHECK (digest IS NULL OR form = 'electronic')
);

ALTER TABLE property_owners ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'
    CHECK (role IN ('owner', 'co_owner'));

CREATE INDEX applications_queue_kind ON applications (region, kind, state, deadline_at, id);
