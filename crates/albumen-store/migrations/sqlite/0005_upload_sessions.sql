-- Resumable uploads (POST /v1/uploads?upload_id=...): any node may take any chunk, so the
-- session lives here. The upload_id the client holds is stored only as its SHA-256.
CREATE TABLE upload_sessions (
    digest        TEXT   PRIMARY KEY,
    user_id       TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id     TEXT   NOT NULL,
    mime_type     TEXT,
    file_name     TEXT,
    -- X-Goog-Upload-Raw-Size, if declared.
    declared_size BIGINT,
    -- Bytes committed so far; advanced only by a conditional UPDATE from the expected value.
    received      BIGINT NOT NULL,
    -- 'active', 'final' or 'cancelled'.
    state         TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX upload_sessions_expiry ON upload_sessions (expires_at);

-- Each committed chunk is a content-addressed blob of its own until the session finishes;
-- the rows go when the session is finalized or cancelled.
CREATE TABLE upload_session_chunks (
    session_digest TEXT   NOT NULL REFERENCES upload_sessions (digest) ON DELETE CASCADE,
    byte_offset    BIGINT NOT NULL,
    size           BIGINT NOT NULL,
    blob_key       TEXT   NOT NULL,
    PRIMARY KEY (session_digest, byte_offset)
);
CREATE INDEX upload_session_chunks_blob ON upload_session_chunks (blob_key);
