//! The `albumen` binary's library half: the command line, configuration, wiring of the
//! stores into the HTTP router, the server lifecycle and telemetry. `albumen-testkit` starts
//! the real server through [`server::Server`].
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod server;
pub mod telemetry;
