-- 001_init.sql (SQLite) — the first schema of qonaq.
-- Ids are INTEGER PRIMARY KEY AUTOINCREMENT (never reused, so audit events
-- keep pointing at the right record). Dates are day numbers (qn_date_t: days
-- since 1970-01-01), times are Unix seconds, booleans 0/1, JSON is text.

CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
);

CREATE TABLE counters (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    value INTEGER NOT NULL CHECK (value > 0),
    PRIMARY KEY (name, year)
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    password_hash TEXT NOT NULL CHECK (length(password_hash) > 0),
    role TEXT NOT NULL CHECK (role IN ('host', 'citizen', 'foreigner', 'officer', 'border',
                                       'analyst', 'admin', 'system')),
    display_name TEXT NOT NULL,
    iin_bin TEXT CHECK (iin_bin IS NULL OR (length(iin_bin) = 12 AND iin_bin NOT GLOB '*[^0-9]*')),
    region TEXT,
    host_kind TEXT CHECK (host_kind IS NULL OR host_kind IN ('individual', 'legal', 'hotel')),
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at INTEGER NOT NULL,
    CHECK (role <> 'officer' OR region IS NOT NULL)
);
CREATE INDEX accounts_role ON accounts (role, id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    csrf_hash TEXT NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_account ON api_keys (account_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    success INTEGER NOT NULL CHECK (success IN (0, 1)),
    at INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('foreigner', 'stateless', 'citizen')),
    surname TEXT NOT NULL CHECK (length(surname) > 0),
    given_names TEXT NOT NULL,
    citizenship TEXT NOT NULL CHECK (length(citizenship) = 3 AND citizenship NOT GLOB '*[^A-Z]*'),
    birth_date INTEGER,
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F', 'X')),
    iin TEXT UNIQUE CHECK (iin IS NULL OR (length(iin) = 12 AND iin NOT GLOB '*[^0-9]*')),
    created_at INTEGER NOT NULL
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (kind IN ('passport', 'stateless_travel', 'refugee_travel',
                                       'residence_permit', 'other')),
    number TEXT NOT NULL CHECK (length(number) BETWEEN 1 AND 32),
    country TEXT NOT NULL CHECK (length(country) = 3 AND country NOT GLOB '*[^A-Z]*'),
    issued INTEGER,
    expires INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (country, number),
    CHECK (issued IS NULL OR expires IS NULL OR expires >= issued)
);
CREATE INDEX documents_person ON documents (person_id);

CREATE TABLE visas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    number TEXT NOT NULL CHECK (length(number) > 0),
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL,
    entries TEXT NOT NULL CHECK (entries IN ('single', 'double', 'multiple')),
    created_at INTEGER NOT NULL,
    CHECK (valid_to >= valid_from)
);
CREATE INDEX visas_person ON visas (person_id, valid_from);

CREATE TABLE crossings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'exit')),
    day INTEGER NOT NULL,
    checkpoint TEXT NOT NULL CHECK (length(checkpoint) > 0),
    document_id INTEGER REFERENCES documents (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX crossings_person ON crossings (person_id, day, id);

CREATE TABLE hosts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER UNIQUE REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('individual', 'legal', 'hotel')),
    iin_bin TEXT NOT NULL UNIQUE CHECK (length(iin_bin) = 12 AND iin_bin NOT GLOB '*[^0-9]*'),
    name TEXT NOT NULL CHECK (length(name) > 0),
    created_at INTEGER NOT NULL
);

CREATE TABLE addresses (
    code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32),
    region TEXT NOT NULL CHECK (length(region) > 0),
    address_text TEXT NOT NULL
);
CREATE INDEX addresses_region ON addresses (region);

CREATE TABLE property_owners (
    address_code TEXT NOT NULL REFERENCES addresses (code) ON DELETE CASCADE,
    owner_iin TEXT NOT NULL CHECK (length(owner_iin) = 12 AND owner_iin NOT GLOB '*[^0-9]*'),
    share_num INTEGER NOT NULL CHECK (share_num > 0),
    share_den INTEGER NOT NULL CHECK (share_den >= share_num),
    PRIMARY KEY (address_code, owner_iin)
);
CREATE INDEX property_owners_owner ON property_owners (owner_iin);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 32),
    host_account_id INTEGER NOT NULL REFERENCES accounts (id),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    entry_date INTEGER NOT NULL,
    checkpoint TEXT NOT NULL,
    arrival_date INTEGER NOT NULL,
    address_code TEXT,
    stay_from INTEGER NOT NULL,
    stay_to INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    deadline INTEGER NOT NULL,
    on_time INTEGER NOT NULL CHECK (on_time IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'cancelled')),
    created_at INTEGER NOT NULL,
    payload TEXT NOT NULL,
    CHECK (arrival_date >= entry_date),
    CHECK (stay_to >= stay_from)
);
CREATE INDEX notifications_host_date ON notifications (host_account_id, arrival_date DESC, id DESC);
CREATE INDEX notifications_person ON notifications (person_id, arrival_date);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 32),
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    state TEXT NOT NULL CHECK (length(state) BETWEEN 1 AND 32),
    applicant_account_id INTEGER NOT NULL REFERENCES accounts (id),
    region TEXT NOT NULL,
    deadline_at INTEGER,
    payload TEXT NOT NULL,
    decision TEXT,
    reasons TEXT,
    appeal_state TEXT CHECK (appeal_state IS NULL OR appeal_state IN ('filed', 'upheld', 'rejected')),
    appeal_text TEXT,
    appeal_at INTEGER,
    officer_account_id INTEGER REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1)
);
CREATE INDEX applications_queue ON applications (region, state, deadline_at, id);
CREATE INDEX applications_deadline ON applications (deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX applications_applicant ON applications (applicant_account_id, id);

CREATE TABLE signatures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER REFERENCES applications (id),
    doc_ref TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('signature', 'consent')),
    signer_iin_bin TEXT NOT NULL CHECK (length(signer_iin_bin) = 12 AND signer_iin_bin NOT GLOB '*[^0-9]*'),
    role TEXT NOT NULL CHECK (role IN ('applicant', 'owner', 'co_owner', 'host', 'officer',
                                       'representative')),
    cms BLOB NOT NULL,
    result TEXT NOT NULL,
    verified_at INTEGER,
    created_at INTEGER NOT NULL,
    CHECK (application_id IS NOT NULL OR doc_ref IS NOT NULL)
);
CREATE INDEX signatures_application ON signatures (application_id, id);
CREATE INDEX signatures_doc ON signatures (doc_ref);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    ref TEXT,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notices_account ON notices (account_id, created_at DESC, id DESC);

CREATE TABLE violations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('art518', 'art517')),
    subject_person_id INTEGER REFERENCES persons (id),
    subject_account_id INTEGER REFERENCES accounts (id),
    subject_iin_bin TEXT,
    facts TEXT NOT NULL,
    article TEXT NOT NULL,
    fine_mci INTEGER NOT NULL DEFAULT 0 CHECK (fine_mci >= 0),
    fine_amount INTEGER NOT NULL DEFAULT 0 CHECK (fine_amount >= 0),
    state TEXT NOT NULL CHECK (state IN ('open', 'fined', 'closed')),
    region TEXT NOT NULL,
    notification_id INTEGER REFERENCES notifications (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (subject_person_id IS NOT NULL OR subject_account_id IS NOT NULL
           OR subject_iin_bin IS NOT NULL)
);
CREATE INDEX violations_region ON violations (region, state, created_at DESC, id DESC);

CREATE TABLE trusted_cas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (length(name) > 0),
    der BLOB NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE crls (
    ca_id INTEGER PRIMARY KEY REFERENCES trusted_cas (id) ON DELETE CASCADE,
    der BLOB NOT NULL,
    this_update INTEGER NOT NULL,
    next_update INTEGER NOT NULL
);

CREATE TABLE otp_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    doc_digest TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX otp_codes_account ON otp_codes (account_id, doc_digest, id);

CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL CHECK (length(phone) > 0),
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX sms_outbox_pending ON sms_outbox (id) WHERE sent_at IS NULL;

CREATE TABLE mobile_citizens (
    iin TEXT PRIMARY KEY CHECK (length(iin) = 12 AND iin NOT GLOB '*[^0-9]*'),
    phone TEXT NOT NULL CHECK (length(phone) > 0)
);

CREATE TABLE idempotency (
    account_id INTEGER NOT NULL,
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
    body_digest TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_digest TEXT,
    after_digest TEXT,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
