//! The `albumen` binary: hands the command line to [`albumen::cli`].
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    albumen::cli::main()
}
