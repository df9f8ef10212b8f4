-- 006_notif.sql (SQLite) — notifications of arrival and the HTTP API (branch
-- notif, issue 4 audit):
--  * notifications.region and .citizenship: the region of the address and the
--    foreigner's citizenship as submitted, as columns, so an officer's list
--    (region + date) and the aggregates (GROUP BY region / citizenship) are
--    index lookups instead of scans of the payload. Filled from the payload
--    of the rows already on record (or the address register's region).
--  * notifications.dup_key: "host:person:arrival day" of a notification
--    recorded with the duplicate check (the API's submissions); NULL for
--    rows recorded without it and for rejected or cancelled ones. Unique.
--  * migration_cards: the card a foreigner filled at the border (number,
--    entry date, checkpoint, the border mark), one per notification that
--    carried it, linked to the person.
--  * login_gates: one row per login name and per client address, locked by
--    the login's check-and-count so concurrent attempts are counted one by
--    one (an upsert takes the row lock on PostgreSQL; SQLite has one writer).
ALTER TABLE notifications ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN citizenship TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN dup_key TEXT;
UPDATE notifications SET
    region = COALESCE(
        NULLIF(CASE WHEN json_valid(payload)
                    THEN CAST(json_extract(payload, '$.address.region') AS TEXT) END, ''),
        (SELECT a.region FROM addresses a WHERE a.code = notifications.address_code), ''),
    citizenship = COALESCE(
        CASE WHEN json_valid(payload)
             THEN CAST(json_extract(payload, '$.foreigner.citizenship') AS TEXT) END,
        (SELECT p.citizenship FROM persons p WHERE p.id = notifications.person_id), '');
CREATE INDEX notifications_region_date ON notifications (region, arrival_date DESC, id DESC);
CREATE INDEX notifications_status_date ON notifications (status, arrival_date DESC, id DESC);
CREATE INDEX notifications_arrival ON notifications (arrival_date DESC, id DESC);
CREATE INDEX notifications_stats ON notifications (arrival_date, region, citizenship, on_time);
CREATE UNIQUE INDEX notifications_dup ON notifications (dup_key);

CREATE TABLE migration_cards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    notification_id INTEGER UNIQUE REFERENCES notifications (id),
    number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 32),
    entry_date INTEGER NOT NULL,
    checkpoint TEXT NOT NULL,
    border_mark TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX migration_cards_person ON migration_cards (person_id, entry_date, id);
CREATE INDEX migration_cards_number ON migration_cards (number);

CREATE TABLE login_gates (
    name TEXT PRIMARY KEY,
    touched_at INTEGER NOT NULL
);
