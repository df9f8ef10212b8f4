-- 002_control.sql — stay control (issue 7, branch ctlapi): the border crossing
-- feed, documents that extend a stay, and detected violations.
--  * crossings.region: the region code of the checkpoint (violations found from
--    a crossing are filed there); a unique natural key (person, day, kind,
--    checkpoint) makes the feed idempotent without a client key.
--  * stay_documents: a temporary residence permit, an extension visa or an exit
--    visa (after a lost passport) of a person, with its validity. The
--    applications service adds a row when it grants one; the exit check and
--    the overstay detection read them. application_id links the grant.
--  * violations.dedup_key: the natural key of a detected violation (unique;
--    NULL for those recorded otherwise), so a detection run twice records
--    nothing twice.
ALTER TABLE crossings ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX crossings_natural ON crossings (person_id, day, kind, checkpoint);
CREATE INDEX crossings_entry_day ON crossings (kind, day);

CREATE TABLE stay_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (kind IN ('permit', 'extension_visa', 'exit_visa')),
    number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 32),
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL,
    application_id INTEGER REFERENCES applications (id),
    created_at INTEGER NOT NULL,
    CHECK (valid_to >= valid_from),
    UNIQUE (kind, number)
);
CREATE INDEX stay_documents_person ON stay_documents (person_id, valid_from);

ALTER TABLE violations ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX violations_dedup ON violations (dedup_key);
CREATE INDEX violations_person ON violations (subject_person_id);
CREATE INDEX violations_notification ON violations (notification_id);
CREATE INDEX violations_kind ON violations (kind, region, state);
