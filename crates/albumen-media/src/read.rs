//! Bounds-checked integer reads over byte slices (every read is an `Option`, never a panic),
//! a short-read-tolerant reader fill, and the panic guard around third-party parsers.

use std::io::{self, Read};

use crate::ProbeError;

/// `N` bytes starting at `at`, or `None` when they run past the end.
pub(crate) fn array<const N: usize>(data: &[u8], at: usize) -> Option<[u8; N]> {
    data.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub(crate) fn u8_at(data: &[u8], at: usize) -> Option<u8> {
    data.get(at).copied()
}

pub(crate) fn u16_be(data: &[u8], at: usize) -> Option<u16> {
    array(data, at).map(u16::from_be_bytes)
}

pub(crate) fn u16_le(data: &[u8], at: usize) -> Option<u16> {
    array(data, at).map(u16::from_le_bytes)
}

pub(crate) fn u32_be(data: &[u8], at: usize) -> Option<u32> {
    array(data, at).map(u32::from_be_bytes)
}

pub(crate) fn u32_le(data: &[u8], at: usize) -> Option<u32> {
    array(data, at).map(u32::from_le_bytes)
}

pub(crate) fn i32_be(data: &[u8], at: usize) -> Option<i32> {
    array(data, at).map(i32::from_be_bytes)
}

pub(crate) fn i32_le(data: &[u8], at: usize) -> Option<i32> {
    array(data, at).map(i32::from_le_bytes)
}

pub(crate) fn u64_be(data: &[u8], at: usize) -> Option<u64> {
    array(data, at).map(u64::from_be_bytes)
}

/// Little- or big-endian 16/32-bit reads, as TIFF chooses per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endian {
    Little,
    Big,
}

impl Endian {
    pub(crate) fn u16(self, data: &[u8], at: usize) -> Option<u16> {
        match self {
            Endian::Little => u16_le(data, at),
            Endian::Big => u16_be(data, at),
        }
    }

    pub(crate) fn u32(self, data: &[u8], at: usize) -> Option<u32> {
        match self {
            Endian::Little => u32_le(data, at),
            Endian::Big => u32_be(data, at),
        }
    }
}

/// Fills `buf` as far as the reader goes; returns how many bytes were read.
pub(crate) fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<usize, ProbeError> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..) {
        if rest.is_empty() {
            break;
        }
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled = filled.saturating_add(n).min(buf.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ProbeError::Io(e)),
        }
    }
    Ok(filled)
}

/// Runs a third-party parser and turns a panic inside it into `None`.
///
/// The parsers we call are fuzzed upstream, but they face hostile bytes: a bug there must cost
/// one upload, not a worker thread.
pub(crate) fn guarded<T>(parse: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_past_the_end_are_none_not_panics() {
        let data = [1u8, 2, 3];
        assert_eq!(u16_be(&data, 1), Some(0x0203));
        assert_eq!(u16_be(&data, 2), None);
        assert_eq!(u32_le(&data, usize::MAX), None);
        assert_eq!(Endian::Little.u16(&data, 0), Some(0x0201));
    }

    #[test]
    fn a_panicking_parser_becomes_none() {
        let outcome: Option<u8> = guarded(|| panic!("a parser bug"));
        assert_eq!(outcome, None);
        assert_eq!(guarded(|| 7), Some(7));
    }
}
