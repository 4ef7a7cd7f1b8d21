//! Byte-level mutation, the way coverage-guided fuzzers mutate, minus the coverage: bit
//! flips, boundary integers, inserted and deleted runs, repeated runs (which is how deep
//! nesting is found), tokens from the target's dictionary and splices of two inputs.

use rand::Rng;
use rand::seq::IndexedRandom;

/// Byte values at the edges of signed and unsigned ranges.
const INTERESTING_BYTES: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, b'0', b'9', b' '];
/// 32-bit values at the edges that size and offset fields trip over.
const INTERESTING_WORDS: [u32; 9] = [
    0,
    1,
    8,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
];

/// One mutant of `input`, at most `max_len` bytes long: 1 to 4 stacked edits, drawing tokens
/// from `dictionary` and splice partners from `pool`.
pub fn mutate<R: Rng>(
    rng: &mut R,
    input: &[u8],
    pool: &[Vec<u8>],
    dictionary: &[&[u8]],
    max_len: usize,
) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        edit(rng, &mut bytes, pool, dictionary);
    }
    bytes.truncate(max_len);
    bytes
}

fn edit<R: Rng>(rng: &mut R, bytes: &mut Vec<u8>, pool: &[Vec<u8>], dictionary: &[&[u8]]) {
    let len = bytes.len();
    let at = if len == 0 {
        0
    } else {
        rng.random_range(0..len)
    };
    match rng.random_range(0..10) {
        0 => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= 1 << rng.random_range(0..8);
            }
        }
        1 => {
            if let Some(byte) = bytes.get_mut(at) {
                *byte = rng.random();
            }
        }
        2 => {
            if let (Some(byte), Some(value)) = (bytes.get_mut(at), INTERESTING_BYTES.choose(rng)) {
                *byte = *value;
            }
        }
        3 => {
            let value = INTERESTING_WORDS.choose(rng).copied().unwrap_or(0);
            let word = if rng.random() {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            for (offset, byte) in word.iter().enumerate() {
                if let Some(slot) = bytes.get_mut(at + offset) {
                    *slot = *byte;
                }
            }
        }
        4 => {
            let fresh: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
            bytes.splice(at..at, fresh);
        }
        5 => {
            let end = at.saturating_add(rng.random_range(1..64)).min(len);
            bytes.drain(at..end);
        }
        6 => {
            // A run repeated many times: nesting, long names, huge counts.
            let end = at.saturating_add(rng.random_range(1..8)).min(len);
            let run = bytes.get(at..end).unwrap_or_default().to_vec();
            let times = *[2usize, 16, 256, 4096].choose(rng).unwrap_or(&2);
            let repeated = run.repeat(times);
            bytes.splice(at..at, repeated);
        }
        7 => {
            if let Some(token) = dictionary.choose(rng) {
                bytes.splice(at..at, token.iter().copied());
            }
        }
        8 => {
            if let Some(other) = pool.choose(rng).filter(|other| !other.is_empty()) {
                let from = rng.random_range(0..other.len());
                let to = rng.random_range(from..=other.len());
                let tail = other.get(from..to).unwrap_or_default().to_vec();
                bytes.truncate(at);
                bytes.extend_from_slice(&tail);
            }
        }
        _ => bytes.truncate(at),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn mutants_respect_the_length_limit_and_vary() {
        let mut rng = StdRng::seed_from_u64(1);
        let pool = vec![b"other input".to_vec()];
        let mutants: Vec<Vec<u8>> = (0..500)
            .map(|_| mutate(&mut rng, b"a(b,c)", &pool, &[b"("], 64))
            .collect();
        assert!(mutants.iter().all(|m| m.len() <= 64));
        let distinct: std::collections::BTreeSet<_> = mutants.iter().collect();
        assert!(distinct.len() > 100);
    }

    #[test]
    fn an_empty_input_can_still_grow() {
        let mut rng = StdRng::seed_from_u64(2);
        let grown = (0..200).any(|_| !mutate(&mut rng, b"", &[], &[b"x"], 64).is_empty());
        assert!(grown);
    }
}
