//! Prints what the probe learns from files on disk, for manual checks against real media:
//! `cargo run -p albumen-media --example probe -- FILE...`.

use std::fs::File;
use std::io::BufReader;

use albumen_media::{Limits, probe_reader};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let limits = Limits::default();
    for path in std::env::args().skip(1) {
        let started = std::time::Instant::now();
        let outcome = probe_reader(BufReader::new(File::open(&path)?), &limits);
        let took = started.elapsed();
        match outcome {
            Ok(found) => println!("{path} ({took:?}): {found:?}"),
            Err(e) => println!("{path} ({took:?}): {} ({e})", e.code()),
        }
    }
    Ok(())
}
