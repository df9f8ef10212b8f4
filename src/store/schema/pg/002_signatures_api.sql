-- 002_signatures_api.sql (PostgreSQL) — issue 5 in the service layer (sigapi):
-- the trust generation, login challenges, signer bindings for login by
-- signature, stored signature documents and details, the one-time-code key.

-- Raised by every change to trusted_cas / crls; services compare it with the
-- trust set they cached.
CREATE TABLE trust_generation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO trust_generation (id, value) VALUES (1, 1);

-- Login challenges, by SHA-256 of the text; used once, expire.
CREATE TABLE login_challenges (
    hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE INDEX login_challenges_expires ON login_challenges (expires_at);

-- Who may log in to an account by signature: a person (IIN), acting for
-- themself (bin = '') or for a legal entity (bin).
CREATE TABLE signer_bindings (
    iin TEXT NOT NULL CHECK (length(iin) = 12 AND iin ~ '^[0-9]+$'),
    bin TEXT NOT NULL CHECK (bin = '' OR (length(bin) = 12 AND bin ~ '^[0-9]+$')),
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (iin, bin, account_id)
);

-- What was signed and how it verified, beside the signatures row.
CREATE TABLE signature_details (
    signature_id BIGINT PRIMARY KEY REFERENCES signatures (id),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('application', 'consent', 'notification')),
    subject_id BIGINT NOT NULL,
    document BYTEA NOT NULL,
    doc_sha256 TEXT NOT NULL CHECK (length(doc_sha256) = 64),
    cert_der BYTEA NOT NULL,
    signer_iin TEXT NOT NULL,
    signer_bin TEXT NOT NULL,
    subject_dn TEXT NOT NULL,
    issuer_dn TEXT NOT NULL,
    serial_hex TEXT NOT NULL,
    signing_time BIGINT NOT NULL,
    key_type TEXT NOT NULL
);
CREATE INDEX signature_details_subject ON signature_details (subject_kind, subject_id);

-- Server secrets kept with the data (the one-time-code HMAC key).
CREATE TABLE service_secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at);
CREATE INDEX otp_codes_created ON otp_codes (account_id, created_at);
CREATE INDEX sms_outbox_phone ON sms_outbox (phone, id);
