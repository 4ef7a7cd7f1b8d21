-- Settings shared by every node, created once (e.g. the session cookie key).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Failed sign-ins per account or address, in a sliding window.
CREATE TABLE sign_in_failures (
    key          TEXT    PRIMARY KEY,
    window_start BIGINT  NOT NULL,
    failures     INTEGER NOT NULL
);

-- Browser sessions; the cookie carries the secret, the table only its SHA-256.
CREATE TABLE web_sessions (
    digest     TEXT   PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE projects (
    id         TEXT   PRIMARY KEY,
    number     BIGINT NOT NULL,
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX projects_number_key ON projects (number);

CREATE TABLE project_owners (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_owners_user ON project_owners (user_id);

CREATE TABLE project_apis (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    service    TEXT NOT NULL,
    PRIMARY KEY (project_id, service)
);

CREATE TABLE consent_screens (
    project_id          TEXT   PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    app_name            TEXT   NOT NULL,
    support_email       TEXT   NOT NULL,
    logo_url            TEXT,
    user_type           TEXT   NOT NULL,
    publishing_status   TEXT   NOT NULL,
    verification_status TEXT   NOT NULL,
    -- Space-separated lower-case emails (at most 100).
    test_users          TEXT   NOT NULL,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE oauth_clients (
    client_id          TEXT   PRIMARY KEY,
    project_id         TEXT   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name               TEXT   NOT NULL,
    client_type        TEXT   NOT NULL,
    -- Newline-separated lists (neither may contain a newline).
    redirect_uris      TEXT   NOT NULL,
    javascript_origins TEXT   NOT NULL,
    created_at         BIGINT NOT NULL,
    deleted_at         BIGINT
);
CREATE INDEX oauth_clients_project ON oauth_clients (project_id);

-- Client secrets, stored only as SHA-256 digests.
CREATE TABLE client_secrets (
    id          TEXT   PRIMARY KEY,
    client_id   TEXT   NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    digest      TEXT   NOT NULL,
    last_four   TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);

CREATE TABLE grants (
    id           TEXT   PRIMARY KEY,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    TEXT   NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    project_id   TEXT   NOT NULL,
    scopes       TEXT   NOT NULL,
    consented_at BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX grants_user_client_key ON grants (user_id, client_id);

CREATE TABLE auth_codes (
    digest                TEXT    PRIMARY KEY,
    grant_id              TEXT    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    client_id             TEXT    NOT NULL,
    user_id               TEXT    NOT NULL,
    redirect_uri          TEXT    NOT NULL,
    scopes                TEXT    NOT NULL,
    code_challenge        TEXT,
    code_challenge_method TEXT,
    nonce                 TEXT,
    offline               BOOLEAN NOT NULL,
    created_at            BIGINT  NOT NULL,
    expires_at            BIGINT  NOT NULL,
    used_at               BIGINT
);

-- Access and refresh tokens, stored only as SHA-256 digests.
CREATE TABLE oauth_tokens (
    digest       TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL,
    grant_id     TEXT    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    client_id    TEXT    NOT NULL,
    project_id   TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    offline      BOOLEAN NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    from_code    TEXT,
    from_refresh TEXT
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
CREATE INDEX oauth_tokens_from_code ON oauth_tokens (from_code);
CREATE INDEX oauth_tokens_from_refresh ON oauth_tokens (from_refresh);

CREATE TABLE device_authorizations (
    device_digest    TEXT   PRIMARY KEY,
    user_code        TEXT   NOT NULL,
    client_id        TEXT   NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    scopes           TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    interval_seconds BIGINT NOT NULL,
    last_polled_at   BIGINT,
    status           TEXT   NOT NULL,
    user_id          TEXT,
    grant_id         TEXT
);
CREATE UNIQUE INDEX device_authorizations_user_code_key ON device_authorizations (user_code);

CREATE TABLE signing_keys (
    kid        TEXT   PRIMARY KEY,
    -- Hex of the PKCS#8 DER private key.
    pkcs8      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
