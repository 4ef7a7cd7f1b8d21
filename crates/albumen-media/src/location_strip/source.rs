//! Bounded random reads over the file being stripped, and the windows (a JPEG segment, an
//! EXIF item) the container walkers hand to each other.

use std::io::{self, Read, Seek, SeekFrom};

use crate::read::read_up_to;

/// The largest single read: a metadata block bigger than this is not read (its location, if
/// any, stays: no reader we know of would load it either).
pub(crate) const MAX_READ: usize = 16 * 1024 * 1024;

/// A part of the file: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: u64,
    pub(crate) end: u64,
}

impl Window {
    /// The part of this window from `offset` (relative) for `len` bytes, if it fits inside.
    pub(crate) fn sub(self, offset: u64, len: u64) -> Option<Window> {
        let start = self.start.checked_add(offset)?;
        let end = start.checked_add(len)?;
        (end <= self.end).then_some(Window { start, end })
    }

    pub(crate) fn len(self) -> u64 {
        self.end.saturating_sub(self.start)
    }
}

/// Random access to the file with its length known.
pub(crate) struct Source<'a, R> {
    reader: &'a mut R,
    len: u64,
}

impl<'a, R: Read + Seek> Source<'a, R> {
    pub(crate) fn new(reader: &'a mut R) -> io::Result<Self> {
        let len = reader.seek(SeekFrom::End(0))?;
        Ok(Self { reader, len })
    }

    /// The whole file as a window.
    pub(crate) fn whole(&self) -> Window {
        Window {
            start: 0,
            end: self.len,
        }
    }

    /// Up to `max` bytes (never more than [`MAX_READ`]) from absolute offset `at`; fewer at
    /// the end of the file, none past it.
    pub(crate) fn read_at(&mut self, at: u64, max: usize) -> io::Result<Vec<u8>> {
        let available = self.len.saturating_sub(at);
        let want = max
            .min(MAX_READ)
            .min(usize::try_from(available).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(Vec::new());
        }
        self.reader.seek(SeekFrom::Start(at))?;
        let mut buf = vec![0u8; want];
        let got = read_up_to(self.reader, &mut buf).map_err(|e| match e {
            crate::ProbeError::Io(io) => io,
            other => io::Error::other(other.to_string()),
        })?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The bytes of `window` when it is at most `max` long; `None` when larger or short.
    pub(crate) fn read_window(
        &mut self,
        window: Window,
        max: usize,
    ) -> io::Result<Option<Vec<u8>>> {
        let Ok(len) = usize::try_from(window.len()) else {
            return Ok(None);
        };
        if len > max.min(MAX_READ) {
            return Ok(None);
        }
        let bytes = self.read_at(window.start, len)?;
        Ok((bytes.len() == len).then_some(bytes))
    }
}
