//! Reads every text value of every table of a SQLite database, to check what is stored.

use sqlx::{Column, Connection, Row, SqliteConnection, TypeInfo, ValueRef};

/// All values of all tables, as one string.
pub async fn dump_sqlite(path: &std::path::Path) -> String {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let mut dump = String::new();
    for table in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM \"{table}\"")))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for row in rows {
            for column in row.columns() {
                let raw = row.try_get_raw(column.ordinal()).unwrap();
                if raw.is_null() || raw.type_info().name() != "TEXT" {
                    continue;
                }
                let value: String = row.get(column.ordinal());
                dump.push_str(&value);
                dump.push('\n');
            }
        }
    }
    dump
}
