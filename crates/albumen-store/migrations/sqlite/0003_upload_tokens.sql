-- Bytes received at /v1/uploads, waiting for mediaItems.batchCreate. The token the client
-- holds is stored only as its SHA-256; the bytes are already a content-addressed blob.
CREATE TABLE upload_tokens (
    digest     TEXT   PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id  TEXT   NOT NULL,
    blob_key   TEXT   NOT NULL,
    size       BIGINT NOT NULL,
    -- What the client declared (X-Goog-Upload-Content-Type or Content-Type), if anything.
    mime_type  TEXT,
    -- X-Goog-Upload-File-Name, percent-decoded, if sent.
    file_name  TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX upload_tokens_blob ON upload_tokens (blob_key);
