//! Patch application over arbitrary ranges, patch merging, and hostile input.

use std::io::Cursor;

use proptest::prelude::*;

use super::*;

fn patch(offset: u64, bytes: &[u8]) -> Patch {
    Patch {
        offset,
        bytes: bytes.to_vec(),
    }
}

/// The file with every patch applied, the slow obvious way.
fn patched_whole(file: &[u8], patches: &[Patch]) -> Vec<u8> {
    let mut out = file.to_vec();
    for p in patches {
        for (i, b) in p.bytes.iter().enumerate() {
            if let Some(slot) = out.get_mut(p.offset as usize + i) {
                *slot = *b;
            }
        }
    }
    out
}

#[test]
fn a_chunk_gets_only_the_part_of_a_patch_it_overlaps() {
    let patches = [patch(3, b"ABCD"), patch(10, b"XY")];
    let mut chunk = *b"-----";
    apply_patches(&mut chunk, 5, &patches);
    assert_eq!(&chunk, b"CD---");
    let mut chunk = *b"-----";
    apply_patches(&mut chunk, 9, &patches);
    assert_eq!(&chunk, b"-XY--");
    let mut chunk = *b"--";
    apply_patches(&mut chunk, 0, &patches);
    assert_eq!(&chunk, b"--");
}

#[test]
fn patches_touch_tells_whether_a_range_needs_patching() {
    let patches = [patch(3, b"ABCD"), patch(10, b"XY")];
    assert!(!patches_touch(&patches, 0, 3));
    assert!(patches_touch(&patches, 0, 4));
    assert!(patches_touch(&patches, 6, 7));
    assert!(!patches_touch(&patches, 7, 10));
    assert!(patches_touch(&patches, 11, 100));
    assert!(!patches_touch(&patches, 12, 100));
}

#[test]
fn overlapping_patches_are_merged_with_the_one_starting_later_winning() {
    let mut found = Patches::default();
    found.push(10, b"abcd".to_vec());
    found.push(2, b"xy".to_vec());
    found.push(12, b"ZZZZ".to_vec());
    found.push(4, b"q".to_vec());
    found.push(5, Vec::new());
    assert_eq!(found.finish(), vec![patch(2, b"xyq"), patch(10, b"abZZZZ")]);
}

#[test]
fn files_without_location_metadata_get_no_patches() {
    for file in [
        &b"GIF89a\x01\x00\x01\x00\x00\x00\x00"[..],
        b"",
        b"plain text",
    ] {
        assert_eq!(location_patches(&mut Cursor::new(file)).unwrap(), vec![]);
    }
}

proptest! {
    #[test]
    fn applying_patches_chunk_by_chunk_equals_patching_the_whole_file(
        file in proptest::collection::vec(any::<u8>(), 0..300),
        raw in proptest::collection::vec((0u64..320, proptest::collection::vec(any::<u8>(), 0..20)), 0..8),
        cuts in proptest::collection::vec(0usize..300, 0..6),
    ) {
        let mut found = Patches::default();
        for (offset, bytes) in raw.clone() {
            found.push(offset, bytes);
        }
        let patches = found.finish();
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c <= file.len()).collect();
        cuts.push(0);
        cuts.push(file.len());
        cuts.sort_unstable();
        let mut streamed = Vec::new();
        for pair in cuts.windows(2) {
            let mut chunk = file[pair[0]..pair[1]].to_vec();
            apply_patches(&mut chunk, pair[0] as u64, &patches);
            streamed.extend_from_slice(&chunk);
        }
        let mut in_order: Vec<Patch> = raw.into_iter().map(|(o, b)| Patch { offset: o, bytes: b }).collect();
        in_order.sort_by_key(|p| p.offset);
        prop_assert_eq!(streamed, patched_whole(&file, &in_order));
    }

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        for magic in [
            &b"\xFF\xD8\xFF\xE1"[..],
            b"\x89PNG\r\n\x1A\n",
            b"RIFF\0\0\0\0WEBPVP8X",
            b"II*\0\x08\0\0\0",
            b"MM\0*\0\0\0\x08",
            b"\0\0\0\x18ftypheic",
            b"\0\0\0\x18ftypisom",
            b"\0\0\0\x08moov",
        ] {
            let mut file = magic.to_vec();
            file.extend_from_slice(&body);
            let patches = location_patches(&mut Cursor::new(&file)).unwrap();
            for p in &patches {
                prop_assert!(p.end() <= file.len() as u64);
            }
        }
    }
}
