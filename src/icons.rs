//! The launcher icon: which file the launcher shows, and whether every pixel of it is
//! transparent (an icon that hides the app on the home screen).
//!
//! Owns following the icon reference (launcher entry, its alias target, then the application)
//! to a file, following an adaptive icon to its foreground and background, and decoding PNG
//! alpha with the `png` crate under a pixel cap. It must not read the archive beyond the entries
//! it is handed, and must not judge (the rules in `rules/identity.toml` do).

use apk_info_xml::Element;

use crate::facts::{AppFacts, LauncherIcon};
use crate::manifest::qualify;
use crate::resources::Resources;

/// Largest icon decoded, in pixels (a launcher icon is at most 512×512; xxxhdpi is 192×192).
const MAX_PIXELS: u64 = 4096 * 4096;
/// Largest icon file read, in bytes.
pub const MAX_ICON_BYTES: u64 = 8 << 20;

/// The icon reference the launcher shows for the app, from the decoded manifest: the launcher
/// entry's `android:icon`, for an alias its target activity's, else the application's.
pub fn icon_reference(root: &Element, facts: &AppFacts) -> Option<String> {
    let pkg = facts.package.as_deref().unwrap_or("");
    let app = root.childrens().find(|c| c.name() == "application")?;
    let launcher = facts.components.iter().find(|c| c.launcher);
    let icon_of = |class: &str| {
        app.childrens()
            .filter(|c| matches!(c.name(), "activity" | "activity-alias"))
            .find(|c| c.attr("name").is_some_and(|n| qualify(pkg, n) == class))
            .and_then(|c| c.attr("icon"))
    };
    launcher
        .and_then(|l| icon_of(&l.name).or_else(|| l.target.as_deref().and_then(icon_of)))
        .or_else(|| app.attr("icon"))
        .filter(|r| r.starts_with('@'))
        .map(str::to_owned)
}

/// What reading an icon file needs: the app's resources and a reader of archive entries.
pub struct IconReader<'r, 'a> {
    pub resources: &'r Resources<'a>,
    pub read: &'r mut dyn FnMut(&str) -> Option<Vec<u8>>,
}

impl IconReader<'_, '_> {
    /// Decodes the icon `reference` names.
    pub fn describe(&mut self, reference: &str) -> LauncherIcon {
        let mut icon = LauncherIcon {
            reference: reference.to_owned(),
            ..LauncherIcon::default()
        };
        let Some(file) = self
            .resources
            .resolve(reference)
            .filter(|f| f.starts_with("res/"))
        else {
            icon.format = "other".to_owned();
            icon.note = Some("the reference does not resolve to a file".to_owned());
            return icon;
        };
        icon.file = Some(file.clone());
        icon.format = format_of(&file).to_owned();
        match icon.format.as_str() {
            "png" => {
                icon.png = Some(file.clone());
                match self.png_transparent(&file) {
                    Ok(t) => icon.fully_transparent = Some(t),
                    Err(e) => icon.note = Some(e),
                }
            }
            "xml" => self.adaptive(&file, &mut icon),
            _ => icon.note = Some(format!("{} icons are not decoded", icon.format)),
        }
        icon
    }

    /// An `<adaptive-icon>`: transparent when its foreground PNG is and its background is a
    /// transparent PNG or a colour with alpha 0.
    fn adaptive(&mut self, file: &str, icon: &mut LauncherIcon) {
        let Some(bytes) = (self.read)(file) else {
            icon.note = Some(format!("{file} could not be read"));
            return;
        };
        let root = match crate::manifest::parse_axml(&bytes, Some(self.resources)) {
            Ok(x) => x.root,
            Err(e) => {
                icon.note = Some(format!("{file}: {e}"));
                return;
            }
        };
        if root.name() != "adaptive-icon" {
            icon.note = Some(format!(
                "{file} is a <{}>, not an adaptive icon",
                root.name()
            ));
            return;
        }
        icon.format = "adaptive".to_owned();
        let layer = |name: &str| {
            root.childrens()
                .find(|c| c.name() == name)
                .and_then(|c| c.attr("drawable"))
                .map(str::to_owned)
        };
        let (Some(fg), Some(bg)) = (layer("foreground"), layer("background")) else {
            icon.note = Some("an inline or missing foreground/background layer".to_owned());
            return;
        };
        let fg_transparent = match self.layer_transparent(&fg) {
            Ok((t, png)) => {
                icon.png = png;
                t
            }
            Err(e) => {
                icon.note = Some(format!("foreground {fg}: {e}"));
                return;
            }
        };
        if !fg_transparent {
            icon.fully_transparent = Some(false);
            return;
        }
        match self.layer_transparent(&bg) {
            Ok((t, _)) => icon.fully_transparent = Some(t),
            Err(e) => icon.note = Some(format!("background {bg}: {e}")),
        }
    }

    /// Whether a layer drawable (`@mipmap/x` to a PNG, or `@color/x`, or a literal colour) is
    /// fully transparent, with the PNG path when it is one.
    fn layer_transparent(&mut self, reference: &str) -> Result<(bool, Option<String>), String> {
        let value = if reference.starts_with('@') {
            self.resources
                .resolve(reference)
                .ok_or_else(|| "does not resolve".to_owned())?
        } else {
            reference.to_owned()
        };
        if let Some(hex) = value.strip_prefix('#') {
            // The table prints colours as #aarrggbb.
            let argb = u32::from_str_radix(hex, 16).map_err(|_| format!("colour {value}"))?;
            return Ok((hex.len() == 8 && argb >> 24 == 0, None));
        }
        if format_of(&value) == "png" {
            return self.png_transparent(&value).map(|t| (t, Some(value)));
        }
        Err(format!("{value} is not a PNG or a colour"))
    }

    fn png_transparent(&mut self, file: &str) -> Result<bool, String> {
        let bytes = (self.read)(file).ok_or_else(|| format!("{file} could not be read"))?;
        png_fully_transparent(&bytes).map_err(|e| format!("{file}: {e}"))
    }
}

fn format_of(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".png") {
        "png"
    } else if lower.ends_with(".webp") {
        "webp"
    } else if lower.ends_with(".xml") {
        "xml"
    } else {
        "other"
    }
}

/// Whether every pixel of a PNG has alpha 0 (a PNG without an alpha channel or a tRNS chunk
/// is opaque). Bounded: images over [`MAX_PIXELS`] are refused.
pub fn png_fully_transparent(bytes: &[u8]) -> Result<bool, String> {
    use png::{BitDepth, ColorType, Transformations};
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Palette and tRNS expanded to RGBA, 16-bit kept as 16-bit big-endian.
    decoder.set_transformations(Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let info = reader.info();
    let pixels = u64::from(info.width) * u64::from(info.height);
    if pixels == 0 || pixels > MAX_PIXELS {
        return Err(format!("{}×{} pixels", info.width, info.height));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "image too large".to_owned())?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let data = &buf[..frame.buffer_size()];
    let (channels, alpha_at) = match frame.color_type {
        ColorType::Rgba => (4, 3),
        ColorType::GrayscaleAlpha => (2, 1),
        // No alpha after expansion: opaque.
        _ => return Ok(false),
    };
    let bytes_per_sample = if frame.bit_depth == BitDepth::Sixteen {
        2
    } else {
        1
    };
    let stride = channels * bytes_per_sample;
    let rows = frame.height as usize;
    let row_bytes = frame.line_size;
    for row in 0..rows {
        let Some(line) = data.get(row * row_bytes..(row + 1) * row_bytes) else {
            return Err("short image data".to_owned());
        };
        for px in line.chunks_exact(stride) {
            let alpha = &px[alpha_at * bytes_per_sample..(alpha_at + 1) * bytes_per_sample];
            if alpha.iter().any(|&b| b != 0) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::png_fully_transparent;

    fn png(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, width, height);
            enc.set_color(color);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap_or_else(|e| panic!("{e}"));
            w.write_image_data(data).unwrap_or_else(|e| panic!("{e}"));
        }
        out
    }

    #[test]
    fn alpha_is_read_pixel_by_pixel() {
        let clear = png(2, 2, png::ColorType::Rgba, &[0; 16]);
        assert_eq!(png_fully_transparent(&clear), Ok(true));
        let mut one = [0u8; 16];
        one[15] = 1;
        let almost = png(2, 2, png::ColorType::Rgba, &one);
        assert_eq!(png_fully_transparent(&almost), Ok(false));
        let opaque = png(2, 2, png::ColorType::Rgb, &[0; 12]);
        assert_eq!(png_fully_transparent(&opaque), Ok(false));
        let grey = png(1, 1, png::ColorType::GrayscaleAlpha, &[255, 0]);
        assert_eq!(png_fully_transparent(&grey), Ok(true));
    }

    #[test]
    fn broken_images_are_errors_not_panics() {
        assert!(png_fully_transparent(&[]).is_err());
        let clear = png(2, 2, png::ColorType::Rgba, &[0; 16]);
        for cut in 0..clear.len() {
            let _ = png_fully_transparent(&clear[..cut]);
        }
    }
}
