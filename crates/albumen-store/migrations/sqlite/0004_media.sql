-- The Photos Library: media items, albums with their ordered entries and enrichments, and
-- album sharing. One text for both dialects (DOUBLE PRECISION is REAL to SQLite).

CREATE TABLE media_items (
    id                TEXT    PRIMARY KEY,
    user_id           TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The OAuth client whose batchCreate made it; NULL for items added in the web UI.
    client_id         TEXT,
    -- Hex SHA-256 of the original bytes: the blob address.
    blob_key          TEXT    NOT NULL,
    size              BIGINT  NOT NULL,
    mime_type         TEXT    NOT NULL,
    filename          TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    width             BIGINT,
    height            BIGINT,
    -- Microseconds; the capture time, else the upload time. The listing order.
    creation_time     BIGINT  NOT NULL,
    -- yyyymmdd on the camera's clock; NULL when the file had no capture time.
    capture_date      INTEGER,
    camera_make       TEXT,
    camera_model      TEXT,
    focal_length      DOUBLE PRECISION,
    aperture_f_number DOUBLE PRECISION,
    iso_equivalent    INTEGER,
    exposure_time     DOUBLE PRECISION,
    fps               DOUBLE PRECISION,
    duration          DOUBLE PRECISION,
    -- PROCESSING, READY or FAILED for videos; NULL for photos.
    video_status      TEXT,
    -- Until when one node holds the background probe of a PROCESSING video.
    video_lease_until BIGINT,
    has_location      BOOLEAN NOT NULL,
    is_favorite       BOOLEAN NOT NULL DEFAULT FALSE,
    is_archived       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        BIGINT  NOT NULL
);
-- Identical bytes resolve to the user's existing item; blob_key first so that the
-- collector of orphaned blobs can look a blob up across users with the same index.
CREATE UNIQUE INDEX media_items_blob_user ON media_items (blob_key, user_id);
-- Keyset pages, newest or oldest first, of a user's library and of one app's items in it.
CREATE INDEX media_items_user_time ON media_items (user_id, creation_time, id);
CREATE INDEX media_items_user_client_time ON media_items (user_id, client_id, creation_time, id);
CREATE INDEX media_items_processing ON media_items (created_at) WHERE video_status = 'PROCESSING';

CREATE TABLE albums (
    id                  TEXT    PRIMARY KEY,
    user_id             TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The OAuth client whose albums.create made it; NULL for albums made in the web UI.
    client_id           TEXT,
    title               TEXT    NOT NULL,
    cover_media_item_id TEXT    REFERENCES media_items (id) ON DELETE SET NULL,
    -- Media items (not enrichments) among the entries, kept by the writes that change them.
    media_items_count   BIGINT  NOT NULL DEFAULT 0,
    created_at          BIGINT  NOT NULL,
    -- Sharing (legacy profile): all four set while shared, all NULL otherwise.
    share_token         TEXT,
    share_collaborative BOOLEAN,
    share_commentable   BOOLEAN,
    shared_at           BIGINT
);
CREATE INDEX albums_user_time ON albums (user_id, created_at, id);
CREATE INDEX albums_user_client_time ON albums (user_id, client_id, created_at, id);
CREATE UNIQUE INDEX albums_share_token ON albums (share_token);
CREATE INDEX albums_cover ON albums (cover_media_item_id);

CREATE TABLE enrichments (
    id         TEXT   PRIMARY KEY,
    album_id   TEXT   NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    -- The NewEnrichmentItem JSON as accepted.
    body_json  TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX enrichments_album ON enrichments (album_id);

-- The album order: positions are sparse (wide gaps) so that an insertion anywhere rarely
-- renumbers; exactly one of media_item_id and enrichment_id is set.
CREATE TABLE album_entries (
    album_id      TEXT   NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    media_item_id TEXT   REFERENCES media_items (id) ON DELETE CASCADE,
    enrichment_id TEXT   REFERENCES enrichments (id) ON DELETE CASCADE,
    PRIMARY KEY (album_id, position),
    UNIQUE (album_id, media_item_id),
    CHECK ((media_item_id IS NULL) <> (enrichment_id IS NULL))
);
CREATE INDEX album_entries_media_item ON album_entries (media_item_id);
CREATE INDEX album_entries_enrichment ON album_entries (enrichment_id);

-- Who sees a shared album: the owner and every user who joined.
CREATE TABLE album_members (
    album_id  TEXT   NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    user_id   TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_members_user ON album_members (user_id);
