-- The background preview builder's queue and results: one row per distinct original
-- (its content address), so identical bytes share one preview, one thumb and one thumbhash. A row is
-- WAITING until a node leases it and builds them, then READY or FAILED.
CREATE TABLE derivatives (
    blob_key       TEXT    PRIMARY KEY,
    mime_type      TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    lease_until    BIGINT,
    preview_key    TEXT,
    preview_width  BIGINT,
    preview_height BIGINT,
    thumb_key      TEXT,
    thumb_width    BIGINT,
    thumb_height   BIGINT,
    -- Lowercase hex of at most 25 bytes.
    thumbhash      TEXT,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX derivatives_waiting ON derivatives (created_at) WHERE status = 'WAITING';
-- The orphan collector asks whether a preview blob is still someone's.
CREATE INDEX derivatives_preview ON derivatives (preview_key) WHERE preview_key IS NOT NULL;
CREATE INDEX derivatives_thumb ON derivatives (thumb_key) WHERE thumb_key IS NOT NULL;
