-- Fills a migrated SQLite database with @N@ media items of one user and one client, created
-- at random times over the ten years before @END@ (microseconds), and an album holding
-- @ALBUM_N@ of them. Placeholders are replaced by bench/listing.sh.
PRAGMA cache_size = -1000000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @N@),
timed AS (SELECT i, @END@ - abs(random()) % @SPAN@ AS ct FROM n)
INSERT INTO media_items (id, user_id, client_id, blob_key, size, mime_type, filename,
    description, kind, width, height, creation_time, capture_date, camera_make, camera_model,
    focal_length, aperture_f_number, iso_equivalent, exposure_time, fps, duration,
    video_status, video_lease_until, has_location, is_favorite, is_archived, created_at)
SELECT 'A' || substr(hex(randomblob(38)), 1, 75), '@USER@', '@CLIENT@', printf('%064x', i),
    1000000 + i % 4000000,
    CASE WHEN i % 20 = 0 THEN 'video/mp4' ELSE 'image/jpeg' END,
    printf(CASE WHEN i % 20 = 0 THEN 'VID_%07d.mp4' ELSE 'IMG_%07d.jpg' END, i), '',
    CASE WHEN i % 20 = 0 THEN 'video' ELSE 'photo' END,
    4032, 3024, ct,
    -- One in ten files carries no capture time.
    CASE WHEN i % 10 = 3 THEN NULL ELSE CAST(strftime('%Y%m%d', ct / 1000000, 'unixepoch') AS INTEGER) END,
    'Google', 'Pixel 7', 6.8, 1.85, 100, 0.01,
    CASE WHEN i % 20 = 0 THEN 30.0 END, CASE WHEN i % 20 = 0 THEN 12.5 END,
    CASE WHEN i % 20 = 0 THEN 'READY' END, NULL,
    i % 3 = 0, i % 50 = 0, i % 200 = 0, ct
FROM timed;
INSERT INTO albums (id, user_id, client_id, title, media_items_count, created_at)
VALUES ('@ALBUM@', '@USER@', '@CLIENT@', 'Benchmark album', @ALBUM_N@, @END@);
-- Members picked at random across the decade, in date order (as an app adding a trip's
-- photos would leave them).
INSERT INTO album_entries (album_id, position, media_item_id)
SELECT '@ALBUM@', ROW_NUMBER() OVER (ORDER BY creation_time, id) * 1048576, id
FROM (SELECT id, creation_time FROM media_items ORDER BY random() LIMIT @ALBUM_N@);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
