//! MP4 / QuickTime location: `©xyz` (ISO 6709 text) and 3GPP `loci` atoms anywhere under
//! `moov` (user data, iTunes-style `ilst`), and the `com.apple.quicktime.location.*` entries
//! of `mdta` metadata (`keys` + `ilst`). Boxes are walked by reading headers only.

use std::io::{self, Read, Seek};

use super::Patches;
use super::source::{Source, Window};
use crate::read::{u32_be, u64_be};

/// Boxes visited at most in one file.
const MAX_BOXES: usize = 20_000;
/// Container nesting followed at most (`moov/trak/udta/meta/ilst/item`).
const MAX_DEPTH: u8 = 6;
/// The largest `keys` box read.
const MAX_KEYS_BYTES: usize = 1024 * 1024;
/// Atom bodies zeroed at most this long (a location atom is a few dozen bytes).
const MAX_BLANK: u64 = 64 * 1024;
const LOCATION_KEY_PREFIX: &[u8] = b"com.apple.quicktime.location.";
/// What a removed key is renamed to (cut or padded with dots to the original length).
const REMOVED_KEY: &[u8] = b"albumen.removed";

/// One box: where it is, its type and where its body lies.
#[derive(Debug, Clone, Copy)]
struct Atom {
    at: u64,
    kind: [u8; 4],
    body: Window,
}

/// Walks the top level to `moov` and strips it.
pub(crate) fn strip<R: Read + Seek>(
    source: &mut Source<'_, R>,
    out: &mut Patches,
) -> io::Result<()> {
    let mut budget = MAX_BOXES;
    let top = children(source, source.whole(), &mut budget)?;
    for atom in top {
        if &atom.kind == b"moov" {
            walk(source, atom.body, out, &mut budget, 0)?;
        }
    }
    Ok(())
}

/// The boxes laid one after another in `window`, stopping at the first malformed header.
fn children<R: Read + Seek>(
    source: &mut Source<'_, R>,
    window: Window,
    budget: &mut usize,
) -> io::Result<Vec<Atom>> {
    let mut atoms = Vec::new();
    let mut at = window.start;
    while *budget > 0 && at < window.end {
        *budget -= 1;
        let header = source.read_at(at, 16)?;
        let (Some(size32), Some(kind)) = (u32_be(&header, 0), header.get(4..8)) else {
            break;
        };
        let (header_len, size) = match size32 {
            0 => (8, window.end - at),
            1 => match u64_be(&header, 8) {
                Some(size) => (16, size),
                None => break,
            },
            n => (8, u64::from(n)),
        };
        let Some(whole) = window
            .sub(at - window.start, size)
            .filter(|_| size >= header_len)
        else {
            break;
        };
        let mut kind_bytes = [0u8; 4];
        kind_bytes.copy_from_slice(kind);
        atoms.push(Atom {
            at,
            kind: kind_bytes,
            body: Window {
                start: at + header_len,
                end: whole.end,
            },
        });
        at = whole.end;
    }
    Ok(atoms)
}

/// Strips the location atoms among the children of a container box.
fn walk<R: Read + Seek>(
    source: &mut Source<'_, R>,
    container: Window,
    out: &mut Patches,
    budget: &mut usize,
    depth: u8,
) -> io::Result<()> {
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    for atom in children(source, container, budget)? {
        match &atom.kind {
            b"\xA9xyz" | b"loci" => blank_atom(atom, out),
            b"trak" | b"udta" | b"ilst" => walk(source, atom.body, out, budget, depth + 1)?,
            b"meta" => {
                let items = meta_children(source, atom.body)?;
                walk(source, items, out, budget, depth + 1)?;
                mdta_location(source, items, out, budget)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Retypes an atom to `free` and zeroes its body, so readers skip it.
fn blank_atom(atom: Atom, out: &mut Patches) {
    out.push(atom.at + 4, b"free".to_vec());
    let len = atom.body.len().min(MAX_BLANK);
    out.zero(atom.body.start, usize::try_from(len).unwrap_or(0));
}

/// The children of a `meta` box: QuickTime's has none of ISO's version and flags.
fn meta_children<R: Read + Seek>(source: &mut Source<'_, R>, body: Window) -> io::Result<Window> {
    let head = source.read_at(body.start, 8)?;
    let quicktime = head.get(4..8) == Some(b"hdlr") || head.get(4..8) == Some(b"keys");
    let skip = if quicktime { 0 } else { 4 };
    Ok(body
        .sub(skip, body.len().saturating_sub(skip))
        .unwrap_or(body))
}

/// `mdta` metadata: renames the location keys in `keys` and blanks their values in `ilst`.
fn mdta_location<R: Read + Seek>(
    source: &mut Source<'_, R>,
    items: Window,
    out: &mut Patches,
    budget: &mut usize,
) -> io::Result<()> {
    let atoms = children(source, items, budget)?;
    let Some(keys) = atoms.iter().find(|a| &a.kind == b"keys") else {
        return Ok(());
    };
    let Some(body) = source.read_window(keys.body, MAX_KEYS_BYTES)? else {
        return Ok(());
    };
    let mut removed = Vec::new();
    let mut at = 8usize;
    let count = u32_be(&body, 4).unwrap_or(0);
    for index in 1..=count {
        let Some(size) = u32_be(&body, at).and_then(|s| usize::try_from(s).ok()) else {
            break;
        };
        let Some(name) = body
            .get(at + 8..at.saturating_add(size))
            .filter(|_| size >= 8)
        else {
            break;
        };
        if name.starts_with(LOCATION_KEY_PREFIX) {
            removed.push(index);
            let renamed: Vec<u8> = REMOVED_KEY
                .iter()
                .copied()
                .chain(std::iter::repeat(b'.'))
                .take(name.len())
                .collect();
            out.push(keys.body.start + (at + 8) as u64, renamed);
        }
        at += size;
    }
    if removed.is_empty() {
        return Ok(());
    }
    for ilst in atoms.iter().filter(|a| &a.kind == b"ilst") {
        for item in children(source, ilst.body, budget)? {
            if !removed.contains(&u32::from_be_bytes(item.kind)) {
                continue;
            }
            for data in children(source, item.body, budget)? {
                // `data`: type (4 bytes) and locale (4 bytes), then the value.
                if &data.kind == b"data"
                    && let Some(value) = data.body.sub(8, data.body.len().saturating_sub(8))
                {
                    let len = value.len().min(MAX_BLANK);
                    out.push(value.start, vec![b' '; usize::try_from(len).unwrap_or(0)]);
                }
            }
        }
    }
    Ok(())
}
