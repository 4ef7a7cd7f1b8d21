//! The play-button overlay Google draws on video stills (left off with `-no`): a translucent
//! dark disc with a white triangle, centred, sized from the picture's short side.

use crate::pixels::Pixels;

/// Draws the overlay onto `pixels` (RGB or RGBA), anti-aliased by 4×4 supersampling.
pub(crate) fn draw_play_button(pixels: &mut Pixels) {
    let (w, h) = (f64::from(pixels.width), f64::from(pixels.height));
    let radius = (w.min(h) * 0.18).max(4.0);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let channels = usize::from(pixels.channels);
    let x0 = (cx - radius).floor().max(0.0) as u32;
    let x1 = ((cx + radius).ceil() as u32).min(pixels.width);
    let y0 = (cy - radius).floor().max(0.0) as u32;
    let y1 = ((cy + radius).ceil() as u32).min(pixels.height);
    for y in y0..y1 {
        for x in x0..x1 {
            let (disc, triangle) = coverage(f64::from(x), f64::from(y), cx, cy, radius);
            if disc == 0.0 {
                continue;
            }
            let at = (y as usize * pixels.width as usize + x as usize) * channels;
            let Some((colour, alpha)) = pixels
                .data
                .get_mut(at..at + channels)
                .and_then(|pixel| pixel.split_at_mut_checked(3))
            else {
                continue;
            };
            for value in colour {
                let base = f64::from(*value);
                // The disc darkens to 45 %, the triangle is white over it.
                let darkened = base + (base * 0.45 - base) * disc;
                let lit = darkened + (255.0 - darkened) * triangle;
                *value = lit.round().clamp(0.0, 255.0) as u8;
            }
            if let Some(value) = alpha.first_mut() {
                let base = f64::from(*value);
                *value = (base + (255.0 - base) * disc).round() as u8;
            }
        }
    }
}

/// The fractions of pixel (`x`, `y`) covered by the disc and by the triangle.
fn coverage(x: f64, y: f64, cx: f64, cy: f64, radius: f64) -> (f64, f64) {
    const STEPS: u32 = 4;
    let (mut disc, mut triangle) = (0u32, 0u32);
    for sy in 0..STEPS {
        for sx in 0..STEPS {
            let px = x + (f64::from(sx) + 0.5) / f64::from(STEPS) - cx;
            let py = y + (f64::from(sy) + 0.5) / f64::from(STEPS) - cy;
            if px * px + py * py <= radius * radius {
                disc += 1;
                if in_triangle(px / radius, py / radius) {
                    triangle += 1;
                }
            }
        }
    }
    let total = f64::from(STEPS * STEPS);
    (f64::from(disc) / total, f64::from(triangle) / total)
}

/// A right-pointing triangle in disc units, nudged right so it looks centred.
fn in_triangle(x: f64, y: f64) -> bool {
    let (left, right, half_height) = (-0.3, 0.45, 0.4);
    if x < left || x > right {
        return false;
    }
    let allowed = half_height * (right - x) / (right - left);
    y.abs() <= allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centre_turns_white_and_the_corners_stay() {
        let mut pixels = Pixels {
            width: 100,
            height: 60,
            channels: 3,
            data: vec![100; 100 * 60 * 3],
        };
        draw_play_button(&mut pixels);
        let at = |x: usize, y: usize| pixels.data[(y * 100 + x) * 3];
        assert_eq!(at(50, 30), 255, "triangle");
        assert_eq!(at(0, 0), 100, "corner untouched");
        // Inside the disc, outside the triangle: darkened.
        assert!(at(50, 22) < 100);
    }
}
