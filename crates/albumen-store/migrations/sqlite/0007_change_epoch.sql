-- A counter that moves whenever a record that decides who may call an API changes (users,
-- clients, grants, tokens, projects, their enabled APIs, consent screens, quota limits).
-- Every node caches those decisions in memory and polls this one row to learn that another
-- node, or the command line, changed something. Triggers keep it exact whoever writes.
CREATE TABLE change_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT  NOT NULL
);
INSERT INTO change_epoch (id, value) VALUES (1, 0);

CREATE TRIGGER users_changed_update AFTER UPDATE ON users
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER users_changed_delete AFTER DELETE ON users
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER projects_changed_update AFTER UPDATE ON projects
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER projects_changed_delete AFTER DELETE ON projects
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER project_apis_changed_insert AFTER INSERT ON project_apis
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER project_apis_changed_delete AFTER DELETE ON project_apis
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER consent_screens_changed_insert AFTER INSERT ON consent_screens
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER consent_screens_changed_update AFTER UPDATE ON consent_screens
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER oauth_clients_changed_update AFTER UPDATE ON oauth_clients
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER oauth_clients_changed_delete AFTER DELETE ON oauth_clients
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER grants_changed_update AFTER UPDATE ON grants
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER grants_changed_delete AFTER DELETE ON grants
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER oauth_tokens_changed_update AFTER UPDATE ON oauth_tokens
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER oauth_tokens_changed_delete AFTER DELETE ON oauth_tokens
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER quota_limits_changed_insert AFTER INSERT ON quota_limits
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER quota_limits_changed_update AFTER UPDATE ON quota_limits
BEGIN UPDATE change_epoch SET value = value + 1; END;
CREATE TRIGGER quota_limits_changed_delete AFTER DELETE ON quota_limits
BEGIN UPDATE change_epoch SET value = value + 1; END;
