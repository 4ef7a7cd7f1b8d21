//! The `albumen` binary: hands the command line to [`albumen::cli`].
#![forbid(unsafe_code)]

use std::process::ExitCode;

/// mimalloc rather than the system allocator: many small, short-lived allocations on every
/// request from several threads (see docs/BENCHMARKS.md, benchmark 7).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    albumen::cli::main()
}
