//! `ResTable_config`: the configuration a type chunk's values are for, and its qualifier string
//! (`zh-rCN`, `b+sr+Latn`, `land-v13`). Owns reading the structure at any declared size and
//! printing qualifiers exactly as `apk-info` 1.1.0 (`ResTableConfig::as_string`) did, quirks
//! included, because reports carry them; it must not choose between configurations.

use std::fmt::Write;

use crate::reader::{u8_at, u32_at};

/// One `ResTable_config`. Fields the declared size does not cover read as zero. Ordering and
/// equality ignore `size` and follow the field order below (the order configurations were
/// listed in before, which reports depend on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Config {
    /// `mcc` (low 16 bits) and `mnc`.
    pub imsi: u32,
    /// `language[2]` then `country[2]`, as a little-endian `u32`.
    pub locale: u32,
    /// `orientation`, `touchscreen`, `density` (high 16 bits).
    pub screen_type: u32,
    /// `keyboard`, `navigation`, `inputFlags`, `grammaticalInflection`.
    pub input: u32,
    /// `screenWidth`, `screenHeight`.
    pub screen_size: u32,
    /// `sdkVersion`, `minorVersion`.
    pub version: u32,
    /// `screenLayout`, `uiMode`, `smallestScreenWidthDp`.
    pub screen_config: u32,
    /// `screenWidthDp`, `screenHeightDp`.
    pub screen_size_dp: u32,
    /// `localeScript[4]`.
    pub locale_script: [u8; 4],
    /// `localeVariant[8]`.
    pub locale_variant: [u8; 8],
    /// `screenLayout2`, `colorMode`.
    pub screen_config2: u32,
    /// `localeScriptWasComputed`.
    pub locale_script_was_computed: bool,
    /// `localeNumberingSystem[8]`.
    pub locale_numbering_system: [u8; 8],
    /// Trailing padding bytes (compared like the other fields, as before).
    pub end_padding: [u8; 3],
}

impl Config {
    /// Reads a configuration at `at`, using at most `avail` bytes (the rest of the type chunk
    /// header). Returns the configuration and its declared size.
    pub(crate) fn read(data: &[u8], at: usize, avail: usize) -> (Config, u32) {
        let size = u32_at(data, at).unwrap_or(0);
        // Bytes of the structure that are both declared and present.
        let have = (size as usize).min(avail);
        let u32f = |off: usize| {
            if off + 4 <= have {
                u32_at(data, at + off).unwrap_or(0)
            } else {
                0
            }
        };
        let bytes = |off: usize, out: &mut [u8]| {
            if off + out.len() <= have {
                for (i, b) in out.iter_mut().enumerate() {
                    *b = u8_at(data, at + off + i).unwrap_or(0);
                }
            }
        };
        let mut c = Config {
            imsi: u32f(4),
            locale: u32f(8),
            screen_type: u32f(12),
            input: u32f(16),
            screen_size: u32f(20),
            version: u32f(24),
            screen_config: u32f(28),
            screen_size_dp: u32f(32),
            screen_config2: u32f(48),
            ..Config::default()
        };
        bytes(36, &mut c.locale_script);
        bytes(40, &mut c.locale_variant);
        let mut computed = [0u8];
        bytes(52, &mut computed);
        c.locale_script_was_computed = computed[0] != 0;
        bytes(53, &mut c.locale_numbering_system);
        bytes(61, &mut c.end_padding);
        (c, size)
    }

    /// The language subtag, unpacked (`zh`, `en`, `fil`), NUL-padded; all NUL for a
    /// configuration without a locale.
    pub fn language(&self) -> [u8; 4] {
        let b = self.locale.to_le_bytes();
        if b[0] == 0 {
            return [0; 4];
        }
        unpack([b[0], b[1]], b'a')
    }

    /// Whether this is the default configuration (no qualifiers at all).
    pub fn is_default(&self) -> bool {
        *self == Config::default()
    }

    /// The qualifier string (`""` for the default configuration), byte-for-byte as
    /// `apk-info` 1.1.0 printed it (which differs from aapt in places: `uiMode` normal prints
    /// an empty part, unknown layout values print nothing).
    pub fn qualifier(&self) -> String {
        let mut out = String::new();
        self.write_qualifier(&mut out);
        out
    }

    /// Appends [`Config::qualifier`] to `out`.
    pub fn write_qualifier(&self, out: &mut String) {
        let start = out.len();
        let sep = |out: &mut String| {
            if out.len() > start {
                out.push('-');
            }
        };
        let mcc = self.imsi & 0xffff;
        let mnc = self.imsi >> 16;
        if mcc != 0 {
            let _ = write!(out, "mcc{mcc}");
        }
        if mnc != 0 {
            sep(out);
            let _ = write!(out, "mnc{mnc}");
        }
        self.write_locale(out, start);

        let gender = (self.input >> 24) & 0b11;
        if gender != 0 {
            sep(out);
            out.push_str(match gender {
                1 => "neuter",
                2 => "feminine",
                _ => "masculine",
            });
        }

        let screen_layout = self.screen_config & 0xff;
        let ui_mode = (self.screen_config >> 8) & 0xff;
        let smallest = self.screen_config >> 16;
        match screen_layout & 0xc0 {
            0x40 => {
                sep(out);
                out.push_str("ldltr");
            }
            0x80 => {
                sep(out);
                out.push_str("ldrtl");
            }
            _ => {}
        }
        if smallest != 0 {
            sep(out);
            let _ = write!(out, "sw{smallest}dp");
        }
        let (w_dp, h_dp) = (self.screen_size_dp & 0xffff, self.screen_size_dp >> 16);
        if w_dp != 0 {
            sep(out);
            let _ = write!(out, "w{w_dp}dp");
        }
        if h_dp != 0 {
            sep(out);
            let _ = write!(out, "h{h_dp}dp");
        }
        let size = match screen_layout & 0x0f {
            1 => Some("small"),
            2 => Some("normal"),
            3 => Some("large"),
            4 => Some("xlarge"),
            _ => None,
        };
        if let Some(s) = size {
            sep(out);
            out.push_str(s);
        }
        match screen_layout & 0x30 {
            0x10 => {
                sep(out);
                out.push_str("notlong");
            }
            0x20 => {
                sep(out);
                out.push_str("long");
            }
            _ => {}
        }
        let layout2 = self.screen_config2 & 0xff;
        let color_mode = (self.screen_config2 >> 8) & 0xff;
        match layout2 & 0x03 {
            1 => {
                sep(out);
                out.push_str("notround");
            }
            2 => {
                sep(out);
                out.push_str("round");
            }
            _ => {}
        }
        match color_mode & 0x03 {
            1 => {
                sep(out);
                out.push_str("nowidecg");
            }
            2 => {
                sep(out);
                out.push_str("widecg");
            }
            _ => {}
        }
        match color_mode & 0x0c {
            0x04 => {
                sep(out);
                out.push_str("lowdr");
            }
            0x08 => {
                sep(out);
                out.push_str("highdr");
            }
            _ => {}
        }

        let orientation = self.screen_type & 0xff;
        let touchscreen = (self.screen_type >> 8) & 0xff;
        let density = self.screen_type >> 16;
        if orientation != 0 {
            sep(out);
            match orientation {
                1 => out.push_str("port"),
                2 => out.push_str("land"),
                3 => out.push_str("square"),
                v => {
                    let _ = write!(out, "orientation={v}");
                }
            }
        }
        let ui_type = ui_mode & 0x0f;
        if ui_type != 0 {
            sep(out);
            match ui_type {
                // `normal` prints nothing, after its separator (as apk-info did).
                1 => {}
                2 => out.push_str("desk"),
                3 => out.push_str("car"),
                4 => out.push_str("television"),
                5 => out.push_str("appliance"),
                6 => out.push_str("watch"),
                7 => out.push_str("vrheadset"),
                v => {
                    let _ = write!(out, "uiModeType={v}");
                }
            }
        }
        let night = ui_mode & 0x30;
        if night != 0 {
            sep(out);
            match night {
                0x10 => out.push_str("notnight"),
                0x20 => out.push_str("night"),
                v => {
                    let _ = write!(out, "uiModeNight={v}");
                }
            }
        }
        if density != 0 {
            sep(out);
            match density {
                120 => out.push_str("ldpi"),
                160 => out.push_str("mdpi"),
                213 => out.push_str("tvdpi"),
                240 => out.push_str("hdpi"),
                320 => out.push_str("xhdpi"),
                480 => out.push_str("xxhdpi"),
                640 => out.push_str("xxxhdpi"),
                0xfffe => out.push_str("anydpi"),
                0xffff => out.push_str("nodpi"),
                v => {
                    let _ = write!(out, "{v}dpi");
                }
            }
        }
        if touchscreen != 0 {
            sep(out);
            match touchscreen {
                1 => out.push_str("notouch"),
                2 => out.push_str("stylus"),
                3 => out.push_str("finger"),
                v => {
                    let _ = write!(out, "touchscreen={v}");
                }
            }
        }
        let keyboard = self.input & 0xff;
        let navigation = (self.input >> 8) & 0xff;
        let input_flags = (self.input >> 16) & 0xff;
        if input_flags & 0x03 != 0 {
            sep(out);
            out.push_str(match input_flags & 0x03 {
                1 => "keysexposed",
                2 => "keyshidden",
                _ => "keyssoft",
            });
        }
        if keyboard != 0 {
            sep(out);
            match keyboard {
                1 => out.push_str("nokeys"),
                2 => out.push_str("qwerty"),
                3 => out.push_str("12key"),
                v => {
                    let _ = write!(out, "keyboard={v}");
                }
            }
        }
        let nav_hidden = input_flags & 0x0c;
        if nav_hidden != 0 {
            sep(out);
            match nav_hidden {
                0x04 => out.push_str("navexposed"),
                0x08 => out.push_str("navhidden"),
                v => {
                    let _ = write!(out, "inputFlagsNavHidden={v}");
                }
            }
        }
        if navigation != 0 {
            sep(out);
            match navigation {
                1 => out.push_str("nonav"),
                2 => out.push_str("dpad"),
                3 => out.push_str("trackball"),
                4 => out.push_str("wheel"),
                v => {
                    let _ = write!(out, "navigation={v}");
                }
            }
        }
        if self.screen_size != 0 {
            sep(out);
            let _ = write!(
                out,
                "{}x{}",
                self.screen_size & 0xffff,
                self.screen_size >> 16
            );
        }
        if self.version != 0 {
            sep(out);
            let _ = write!(out, "v{}", self.version & 0xffff);
            let minor = self.version >> 16;
            if minor != 0 {
                let _ = write!(out, ".{minor}");
            }
        }
    }

    fn write_locale(&self, out: &mut String, start: usize) {
        let b = self.locale.to_le_bytes();
        let (language, country) = ([b[0], b[1]], [b[2], b[3]]);
        if language[0] == 0 {
            return;
        }
        if out.len() > start {
            out.push('-');
        }
        let script_given = self.locale_script[0] != 0 && !self.locale_script_was_computed;
        let variant = self.locale_variant[0] != 0;
        let numbering = self.locale_numbering_system[0] != 0;
        if !script_given && !variant && !numbering {
            push_subtag(out, &unpack(language, b'a'));
            if country[0] != 0 {
                out.push_str("-r");
                push_subtag(out, &unpack(country, b'0'));
            }
            return;
        }
        out.push_str("b+");
        push_subtag(out, &unpack(language, b'a'));
        if script_given {
            out.push('+');
            push_subtag(out, &self.locale_script);
        }
        if country[0] != 0 {
            out.push('+');
            push_subtag(out, &unpack(country, b'0'));
        }
        if variant {
            out.push('+');
            push_subtag(out, &self.locale_variant);
        }
        if numbering {
            out.push_str("+u+nu+");
            push_subtag(out, &self.locale_numbering_system);
        }
    }
}

/// A two-byte language or region: two letters, or (high bit set) three 5-bit letters from
/// `base`.
fn unpack(input: [u8; 2], base: u8) -> [u8; 4] {
    if input[0] & 0x80 != 0 {
        let first = input[1] & 0x1f;
        let second = ((input[1] & 0xe0) >> 5) + ((input[0] & 0x03) << 3);
        let third = (input[0] & 0x7c) >> 2;
        [
            first.wrapping_add(base),
            second.wrapping_add(base),
            third.wrapping_add(base),
            0,
        ]
    } else {
        [input[0], input[1], 0, 0]
    }
}

/// Appends a NUL-padded subtag: lossy UTF-8, trailing NULs trimmed.
fn push_subtag(out: &mut String, bytes: &[u8]) {
    out.push_str(String::from_utf8_lossy(bytes).trim_end_matches('\0'));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(lang: &[u8; 2], country: &[u8; 2]) -> u32 {
        u32::from_le_bytes([lang[0], lang[1], country[0], country[1]])
    }

    #[test]
    fn qualifiers_match_apk_info() {
        assert_eq!(Config::default().qualifier(), "");
        assert!(Config::default().is_default());
        let c = Config {
            locale: locale(b"zh", b"CN"),
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "zh-rCN");
        let c = Config {
            locale: locale(b"zh", b"\0\0"),
            locale_script: *b"Hans",
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "b+zh+Hans");
        assert_eq!(&c.language(), b"zh\0\0");
        let c = Config {
            locale: locale(b"sr", b"\0\0"),
            locale_script: *b"Latn",
            locale_script_was_computed: true,
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "sr");
        // three-letter packed language "fil": f=5, i=8, l=11 from 'a'
        let (f, i, l) = (5u8, 8u8, 11u8);
        let packed = [0x80 | (l << 2) | (i >> 3), ((i & 7) << 5) | f];
        let c = Config {
            locale: locale(&packed, b"PH"),
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "fil-rPH");
        assert_eq!(&c.language(), b"fil\0");
        assert_eq!(&Config::default().language(), b"\0\0\0\0");
        let c = Config {
            screen_config: 0x0000_0001,
            screen_config2: 0x0000_0002,
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "small-round");
        let c = Config {
            locale: locale(b"en", b"\0\0"),
            screen_type: (240 << 16) | 2,
            version: 13,
            screen_config: (600 << 16) | 0x40,
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "en-ldltr-sw600dp-land-hdpi-v13");
        // uiMode normal: an empty part after its separator
        let c = Config {
            locale: locale(b"en", b"\0\0"),
            screen_config: 0x0100,
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "en-");
        let c = Config {
            imsi: (260 << 16) | 310,
            screen_size: (480 << 16) | 320,
            version: (2 << 16) | 34,
            ..Config::default()
        };
        assert_eq!(c.qualifier(), "mcc310-mnc260-320x480-v34.2");
    }

    #[test]
    fn read_honours_declared_and_available_size() {
        let mut bytes = vec![0u8; 64];
        bytes[0..4].copy_from_slice(&64u32.to_le_bytes());
        bytes[8..12].copy_from_slice(&locale(b"fr", b"CA").to_le_bytes());
        bytes[24..28].copy_from_slice(&21u32.to_le_bytes());
        let (c, size) = Config::read(&bytes, 0, 64);
        assert_eq!((c.qualifier().as_str(), size), ("fr-rCA-v21", 64));
        // only 8 bytes available: the locale is cut off
        let (c, _) = Config::read(&bytes, 0, 8);
        assert!(c.is_default());
        // declared size 24: version not covered
        bytes[0..4].copy_from_slice(&24u32.to_le_bytes());
        let (c, _) = Config::read(&bytes, 0, 64);
        assert_eq!(c.qualifier(), "fr-rCA");
        let (_, size) = Config::read(&bytes, 60, 64);
        assert_eq!(size, 0);
    }
}
