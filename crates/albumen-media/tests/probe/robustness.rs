//! Hostile input: `sniff` and `probe` return, never panic, on arbitrary, truncated and mutated
//! bytes.

use albumen_media::{Limits, probe, probe_reader, sniff};
use proptest::prelude::*;

use crate::samples;

#[test]
fn every_prefix_of_every_sample_probes_without_panicking() {
    let limits = Limits::default();
    for (name, sample) in samples::all() {
        // Each sample is valid whole (or, for the bare EXIF block, at least recognised).
        assert!(sniff(&sample).is_some(), "{name}");
        for cut in 0..=sample.len() {
            let prefix = &sample[..cut];
            let _ = sniff(prefix);
            let _ = probe(prefix, &limits);
        }
    }
}

#[test]
fn the_valid_samples_probe_successfully() {
    let limits = Limits::default();
    for (name, sample) in samples::all() {
        if name == "exif-tiff" {
            continue;
        }
        let found = probe(&sample, &limits);
        assert!(found.is_ok(), "{name}: {found:?}");
        let through_reader = probe_reader(std::io::Cursor::new(&sample), &limits);
        assert_eq!(found.ok(), through_reader.ok(), "{name}");
    }
}

fn sample_strategy() -> impl Strategy<Value = Vec<u8>> {
    let all: Vec<Vec<u8>> = samples::all().into_iter().map(|(_, s)| s).collect();
    proptest::sample::select(all)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = sniff(&bytes);
        let _ = probe(&bytes, &Limits::default());
        let _ = probe_reader(std::io::Cursor::new(&bytes), &Limits::default());
    }

    #[test]
    fn magic_bytes_followed_by_garbage_never_panic(
        sample in sample_strategy(),
        keep in 4usize..80,
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = sample[..keep.min(sample.len())].to_vec();
        bytes.extend_from_slice(&tail);
        let _ = probe(&bytes, &Limits::default());
        let _ = probe_reader(std::io::Cursor::new(&bytes), &Limits::default());
    }

    #[test]
    fn mutated_samples_never_panic(
        sample in sample_strategy(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = sample;
        for (at, value) in edits {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        let _ = probe(&bytes, &Limits::default());
        let truncated = &bytes[..cut.index(bytes.len() + 1)];
        let _ = probe(truncated, &Limits::default());
        let _ = probe_reader(std::io::Cursor::new(truncated), &Limits::default());
    }
}
