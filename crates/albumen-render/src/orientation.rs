//! EXIF orientation (tag 0x0112, values 1 to 8): turning stored pixels upright. Applied to the
//! small, already resized picture, where it costs microseconds.

use crate::pixels::Pixels;

/// An EXIF orientation; anything outside 1..=8 is treated as 1 (upright), as viewers do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orientation(u16);

impl Orientation {
    pub const UPRIGHT: Orientation = Orientation(1);

    pub fn from_exif(value: u16) -> Orientation {
        if (1..=8).contains(&value) {
            Orientation(value)
        } else {
            Orientation::UPRIGHT
        }
    }

    /// Orientations 5 to 8 store the picture with width and height exchanged.
    pub fn transposes(self) -> bool {
        self.0 >= 5
    }

    /// The upright picture.
    pub fn apply(self, stored: Pixels) -> Pixels {
        if self.0 == 1 {
            return stored;
        }
        let (w, h, channels) = (
            stored.width as usize,
            stored.height as usize,
            stored.channels as usize,
        );
        let (out_w, out_h) = if self.transposes() { (h, w) } else { (w, h) };
        let mut out = Vec::with_capacity(stored.data.len());
        for y in 0..out_h {
            for x in 0..out_w {
                let (sx, sy) = self.source_of(x, y, w, h);
                let from = (sy * w + sx) * channels;
                if let Some(pixel) = stored.data.get(from..from + channels) {
                    out.extend_from_slice(pixel);
                }
            }
        }
        Pixels {
            width: out_w as u32,
            height: out_h as u32,
            channels: stored.channels,
            data: out,
        }
    }

    /// The stored pixel shown at upright position (`x`, `y`) of a `w`×`h` stored picture.
    fn source_of(self, x: usize, y: usize, w: usize, h: usize) -> (usize, usize) {
        match self.0 {
            2 => (w - 1 - x, y),
            3 => (w - 1 - x, h - 1 - y),
            4 => (x, h - 1 - y),
            5 => (y, x),
            6 => (y, h - 1 - x),
            7 => (w - 1 - y, h - 1 - x),
            8 => (w - 1 - y, x),
            _ => (x, y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 grey picture whose pixel values are their stored index.
    fn numbered() -> Pixels {
        Pixels {
            width: 3,
            height: 2,
            channels: 1,
            data: vec![0, 1, 2, 3, 4, 5],
        }
    }

    #[test]
    fn each_orientation_maps_the_stored_corners_as_exif_defines() {
        // Stored:  0 1 2 / 3 4 5. Upright results, row by row, for each EXIF value.
        let expected: [(u16, u32, &[u8]); 8] = [
            (1, 3, &[0, 1, 2, 3, 4, 5]),
            (2, 3, &[2, 1, 0, 5, 4, 3]),
            (3, 3, &[5, 4, 3, 2, 1, 0]),
            (4, 3, &[3, 4, 5, 0, 1, 2]),
            (5, 2, &[0, 3, 1, 4, 2, 5]),
            (6, 2, &[3, 0, 4, 1, 5, 2]),
            (7, 2, &[5, 2, 4, 1, 3, 0]),
            (8, 2, &[2, 5, 1, 4, 0, 3]),
        ];
        for (value, width, rows) in expected {
            let upright = Orientation::from_exif(value).apply(numbered());
            assert_eq!(upright.width, width, "orientation {value}");
            assert_eq!(upright.data, rows, "orientation {value}");
        }
    }

    #[test]
    fn out_of_range_values_are_upright() {
        assert_eq!(Orientation::from_exif(0), Orientation::UPRIGHT);
        assert_eq!(Orientation::from_exif(9), Orientation::UPRIGHT);
    }
}
