//! Fuzzing on the stable toolchain: one target per parser of untrusted input ([`targets`]),
//! a mutation engine that needs no compiler instrumentation ([`engine`], [`mutate`]), and the
//! committed seed corpora under `corpus/<target>/` ([`corpus`]). `cargo test` replays every
//! corpus file and a fixed number of mutants of each; the ignored `fuzz_for_a_while` test runs
//! long. docs/FUZZING.md says how to run, read and extend it.

pub mod corpus;
pub mod engine;
pub mod mutate;
pub mod targets;
