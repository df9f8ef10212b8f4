-- 003_apps.sql — the application workflow (branch apps, issue 6): pending
-- consents of owners, the history of events of an application, the
-- population register (where a person is registered) and the senior
-- officers who decide appeals.
CREATE TABLE app_consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    owner_iin TEXT NOT NULL CHECK (length(owner_iin) = 12 AND owner_iin NOT GLOB '*[^0-9]*'),
    role TEXT NOT NULL CHECK (role IN ('owner', 'co_owner')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'signed', 'refused', 'closed')),
    document TEXT NOT NULL,
    signature_id INTEGER REFERENCES signatures (id),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    UNIQUE (application_id, owner_iin)
);
CREATE INDEX app_consents_owner ON app_consents (owner_iin, state, id);

CREATE TABLE app_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    event TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor_account_id INTEGER,
    actor_role TEXT NOT NULL,
    text TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX app_events_application ON app_events (application_id, id);

CREATE TABLE population_register (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_key TEXT NOT NULL CHECK (length(person_key) BETWEEN 1 AND 64),
    address_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('temporary', 'permanent')),
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    application_id INTEGER REFERENCES applications (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX population_register_person ON population_register (person_key, valid_from);

CREATE TABLE senior_officers (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    created_at INTEGER NOT NULL
);
