//! SQLite and PostgreSQL implementations of the core's storage ports, and their migrations.
//! One SQL text serves both dialects (numbered `$N` parameters, portable types); the
//! [`on_pool!`] macro runs it on whichever pool is configured. No `sqlx` type leaves this crate.
#![forbid(unsafe_code)]

mod clients;
mod devices;
mod error;
mod grants;
mod media;
mod pool;
mod projects;
mod quotas;
mod sessions;
mod settings;
mod time_codec;
mod uploads;
mod users;

pub use pool::{Backend, ConnectOptions, DatabaseTarget, SqlStore};
