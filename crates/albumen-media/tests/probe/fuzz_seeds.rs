//! The files these tests build, kept as seeds of the `media_probe` and `location_strip` fuzz
//! targets (crates/albumen-fuzz, docs/FUZZING.md) when `ALBUMEN_WRITE_FUZZ_SEEDS` is set:
//! `ALBUMEN_WRITE_FUZZ_SEEDS=1 cargo test -p albumen-media --test probe`.

use std::path::Path;

use crate::samples;

const TARGETS: [&str; 2] = ["media_probe", "location_strip"];

/// Writes `file` into both media corpora under a content-derived name, if asked to.
pub fn keep(file: &[u8]) {
    if std::env::var_os("ALBUMEN_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let hash = file.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../albumen-fuzz/corpus");
    for target in TARGETS {
        let dir = corpora.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{hash:016x}")), file).unwrap();
    }
}

#[test]
fn every_sample_can_become_a_fuzz_seed() {
    for (_, sample) in samples::all() {
        keep(&sample);
    }
}
