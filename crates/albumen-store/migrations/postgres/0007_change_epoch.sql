-- A counter that moves whenever a record that decides who may call an API changes (users,
-- clients, grants, tokens, projects, their enabled APIs, consent screens, quota limits).
-- Every node caches those decisions in memory and polls this one row to learn that another
-- node, or the command line, changed something. Triggers keep it exact whoever writes.
CREATE TABLE change_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT  NOT NULL
);
INSERT INTO change_epoch (id, value) VALUES (1, 0);

CREATE FUNCTION bump_change_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_epoch SET value = value + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER project_apis_changed AFTER INSERT OR DELETE ON project_apis
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER consent_screens_changed AFTER INSERT OR UPDATE ON consent_screens
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER oauth_clients_changed AFTER UPDATE OR DELETE ON oauth_clients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER grants_changed AFTER UPDATE OR DELETE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER oauth_tokens_changed AFTER UPDATE OR DELETE ON oauth_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
CREATE TRIGGER quota_limits_changed AFTER INSERT OR UPDATE OR DELETE ON quota_limits
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch();
