//! The Library API's JSON methods end to end: uploads become items, albums hold them, and
//! every reader sees only what its app created.

mod crash;
mod crash_load;
mod flow;
mod isolation;
mod isolation_model;
mod isolation_reads;
mod legacy;
mod limits;
mod pages;
pub(crate) mod support;
mod videos;
