//! `Pixels`: a packed 8-bit RGB or RGBA picture, the one shape every stage passes on.

/// Row-major, tightly packed, 8 bits a channel; `channels` is 3 (RGB) or 4 (RGBA, straight
/// alpha).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub data: Vec<u8>,
}

impl Pixels {
    /// Whether any pixel is less than fully opaque.
    pub fn has_transparency(&self) -> bool {
        self.channels == 4
            && self
                .data
                .chunks_exact(4)
                .any(|pixel| pixel.last() != Some(&u8::MAX))
    }

    /// The same picture without its alpha channel.
    pub fn into_rgb(self) -> Pixels {
        if self.channels == 3 {
            return self;
        }
        let data = self
            .data
            .chunks_exact(4)
            .flat_map(|pixel| pixel.iter().take(3).copied())
            .collect();
        Pixels {
            channels: 3,
            data,
            ..self
        }
    }

    /// The same picture as RGBA (opaque where it had no alpha).
    pub fn into_rgba(self) -> Pixels {
        if self.channels == 4 {
            return self;
        }
        let data = self
            .data
            .chunks_exact(3)
            .flat_map(|pixel| pixel.iter().copied().chain([u8::MAX]))
            .collect();
        Pixels {
            channels: 4,
            data,
            ..self
        }
    }
}
