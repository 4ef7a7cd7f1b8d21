-- Fills a migrated PostgreSQL database with @N@ media items of one user and one client,
-- created at random times over the ten years before @END@ (microseconds), and an album
-- holding @ALBUM_N@ of them. Placeholders are replaced by bench/listing.sh.
BEGIN;
INSERT INTO media_items (id, user_id, client_id, blob_key, size, mime_type, filename,
    description, kind, width, height, creation_time, capture_date, camera_make, camera_model,
    focal_length, aperture_f_number, iso_equivalent, exposure_time, fps, duration,
    video_status, video_lease_until, has_location, is_favorite, is_archived, created_at)
SELECT 'A' || upper(substr(md5(random()::text) || md5(random()::text) || md5(i::text), 1, 75)),
    '@USER@', '@CLIENT@', lpad(to_hex(i), 64, '0'),
    1000000 + i % 4000000,
    CASE WHEN i % 20 = 0 THEN 'video/mp4' ELSE 'image/jpeg' END,
    CASE WHEN i % 20 = 0 THEN 'VID_' ELSE 'IMG_' END || lpad(i::text, 7, '0')
        || CASE WHEN i % 20 = 0 THEN '.mp4' ELSE '.jpg' END, '',
    CASE WHEN i % 20 = 0 THEN 'video' ELSE 'photo' END,
    4032, 3024, ct,
    -- One in ten files carries no capture time.
    CASE WHEN i % 10 = 3 THEN NULL
         ELSE to_char(to_timestamp(ct / 1000000.0) AT TIME ZONE 'UTC', 'YYYYMMDD')::integer END,
    'Google', 'Pixel 7', 6.8, 1.85, 100, 0.01,
    CASE WHEN i % 20 = 0 THEN 30.0 END, CASE WHEN i % 20 = 0 THEN 12.5 END,
    CASE WHEN i % 20 = 0 THEN 'READY' END, NULL,
    i % 3 = 0, i % 50 = 0, i % 200 = 0, ct
FROM (SELECT i, @END@ - floor(random() * @SPAN@)::bigint AS ct
      FROM generate_series(1, @N@) AS i) AS timed;
INSERT INTO albums (id, user_id, client_id, title, media_items_count, created_at)
VALUES ('@ALBUM@', '@USER@', '@CLIENT@', 'Benchmark album', @ALBUM_N@, @END@);
-- Members picked at random across the decade, in date order (as an app adding a trip's
-- photos would leave them).
INSERT INTO album_entries (album_id, position, media_item_id)
SELECT '@ALBUM@', ROW_NUMBER() OVER (ORDER BY creation_time, id) * 1048576, id
FROM (SELECT id, creation_time FROM media_items ORDER BY random() LIMIT @ALBUM_N@) AS members;
COMMIT;
-- A library grown over years has statistics (autovacuum analyzes after bulk changes).
ANALYZE;
