//! The committed seed corpora: `corpus/<target>/<file>`, one input per file, read whole.

use std::io;
use std::path::{Path, PathBuf};

/// The corpus directory of `target` inside this crate.
pub fn dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

/// Every input of `target`'s corpus, with its file name, in name order (so runs repeat).
pub fn load(target: &str) -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut inputs = Vec::new();
    for entry in std::fs::read_dir(dir(target))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            inputs.push((name, std::fs::read(entry.path())?));
        }
    }
    inputs.sort();
    Ok(inputs)
}

/// A stable, content-derived file name for a new corpus or finding file (FNV-1a, hex).
pub fn file_name_for(input: &[u8]) -> String {
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}
