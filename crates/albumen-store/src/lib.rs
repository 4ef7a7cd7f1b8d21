//! SQLite and PostgreSQL implementations of the core's storage ports, and their migrations.
//! One SQL text serves both dialects (numbered `$N` parameters, portable types); the
//! [`on_pool!`] macro runs it on whichever pool is configured. No `sqlx` type leaves this crate.
#![forbid(unsafe_code)]

mod album_entries;
mod album_lookup;
mod album_shares;
mod albums;
mod changes;
mod clients;
mod derivatives;
mod devices;
mod dialect;
mod error;
mod grants;
mod keyset;
mod media;
mod media_items;
mod media_search;
mod pool;
mod projects;
mod quotas;
mod sessions;
mod settings;
mod time_codec;
mod upload_sessions;
mod uploads;
mod users;

pub use pool::{Backend, ConnectOptions, DatabaseTarget, SqlStore};
