-- 009_control.sql — stay control, part 2 (issue 7): the
-- self-registration of immigrants (MVD Order No. 923, in force 2026-07-01).
--  * self_registrations: one row per self-registration application, with the
--    person (by the identity document on record), the address and period of
--    stay, the deadline of Order 923 (30th calendar day after the crossing,
--    or 5 working days after a change of address), the host who must
--    confirm, the text the host signs, and the host's answer. Detection and
--    the exit check read the confirmed ones (the host's confirmation informs
--    the internal affairs bodies); the host's list reads the pending ones.
CREATE TABLE self_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'address_change')),
    host_iin_bin TEXT NOT NULL CHECK (length(host_iin_bin) = 12 AND host_iin_bin NOT GLOB '*[^0-9]*'),
    address_code TEXT NOT NULL,
    region TEXT NOT NULL,
    arrival_date INTEGER NOT NULL,
    stay_to INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('awaiting_host', 'confirmed', 'refused')),
    document TEXT NOT NULL,
    signature_id INTEGER REFERENCES signatures (id),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    CHECK (stay_to >= arrival_date)
);
CREATE INDEX self_registrations_person ON self_registrations (person_id, arrival_date);
CREATE INDEX self_registrations_host ON self_registrations (host_iin_bin, state, id);
