-- Library API quotas. A project without a row here has the default limits.
CREATE TABLE quota_limits (
    project_id                 TEXT   PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    requests_per_day           BIGINT NOT NULL,
    media_bytes_per_day        BIGINT NOT NULL,
    writes_per_minute_per_user BIGINT NOT NULL
);

-- One counter per project, metric, subject (a user id, or '' for the whole project) and
-- window; charged with one INSERT .. ON CONFLICT .. DO UPDATE .. RETURNING.
CREATE TABLE quota_counters (
    project_id   TEXT   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    metric       TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    window_end   BIGINT NOT NULL,
    used         BIGINT NOT NULL,
    PRIMARY KEY (project_id, metric, subject, window_start)
);
-- Pruning deletes the windows that have ended.
CREATE INDEX quota_counters_window_end ON quota_counters (window_end);
