-- Date filters without a year ("every 15 June", "every June") compare the month and day of
-- the capture date, `capture_date % 10000` (mmdd): these indexes serve them newest first,
-- for a user's library and for one app's items in it, instead of a walk through the library.
CREATE INDEX media_items_user_month_day ON media_items (user_id, (capture_date % 10000), creation_time, id);
CREATE INDEX media_items_user_client_month_day ON media_items (user_id, client_id, (capture_date % 10000), creation_time, id);
