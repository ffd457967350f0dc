//! `ResTable_config`: the device configuration a resource value applies to.
//!
//! Every type chunk in resources.arsc carries one configuration (locale, density, SDK level,
//! night mode, screen size, ...). [`Config`] keeps the raw fields; [`Config::qualifiers`] renders
//! them the way aapt names resource directories (`fr-rCA-night-xhdpi-v24`), and
//! [`Config::is_default`] / [`Config::specificity`] let lookups pick the default value.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::chunk::{u8_at, u16_at, u32_at};

/// Size of the configuration struct in current aapt2 output.
pub(crate) const CURRENT_CONFIG_SIZE: usize = 64;

/// A resource configuration. Zero fields mean "any".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Config {
    pub mcc: u16,
    pub mnc: u16,
    /// Two ASCII letters, or a packed three-letter code when the high bit is set.
    pub language: [u8; 2],
    /// Two ASCII letters, or a packed three-digit region when the high bit is set.
    pub country: [u8; 2],
    pub orientation: u8,
    pub touchscreen: u8,
    pub density: u16,
    pub keyboard: u8,
    pub navigation: u8,
    pub input_flags: u8,
    pub grammatical_inflection: u8,
    pub screen_width: u16,
    pub screen_height: u16,
    pub sdk_version: u16,
    pub minor_version: u16,
    pub screen_layout: u8,
    pub ui_mode: u8,
    pub smallest_screen_width_dp: u16,
    pub screen_width_dp: u16,
    pub screen_height_dp: u16,
    pub locale_script: [u8; 4],
    pub locale_variant: [u8; 8],
    pub screen_layout2: u8,
    pub color_mode: u8,
    pub locale_numbering_system: [u8; 8],
}

impl Config {
    /// Reads a configuration from `data` (the `size` field first). Fields beyond the declared
    /// size, or beyond the data, are zero. Returns the config and its declared size.
    pub(crate) fn read(data: &[u8]) -> (Config, usize) {
        let size = u32_at(data, 0).unwrap_or(0) as usize;
        let avail = &data[..size.min(data.len())];
        let b = |at: usize| u8_at(avail, at).unwrap_or(0);
        let h = |at: usize| u16_at(avail, at).unwrap_or(0);
        let bytes = |at: usize, n: usize| -> Vec<u8> { (0..n).map(|i| b(at + i)).collect() };
        let mut config = Config {
            mcc: h(4),
            mnc: h(6),
            language: [b(8), b(9)],
            country: [b(10), b(11)],
            orientation: b(12),
            touchscreen: b(13),
            density: h(14),
            keyboard: b(16),
            navigation: b(17),
            input_flags: b(18),
            grammatical_inflection: b(19),
            screen_width: h(20),
            screen_height: h(22),
            sdk_version: h(24),
            minor_version: h(26),
            screen_layout: b(28),
            ui_mode: b(29),
            smallest_screen_width_dp: h(30),
            screen_width_dp: h(32),
            screen_height_dp: h(34),
            screen_layout2: b(48),
            color_mode: b(49),
            ..Config::default()
        };
        config.locale_script.copy_from_slice(&bytes(36, 4));
        config.locale_variant.copy_from_slice(&bytes(40, 8));
        config
            .locale_numbering_system
            .copy_from_slice(&bytes(52, 8));
        (config, size)
    }

    /// True when no qualifier is set: the value every device falls back to.
    pub fn is_default(&self) -> bool {
        *self == Config::default()
    }

    /// The language code (`en`, `fil`), empty when unset.
    pub fn language(&self) -> String {
        unpack_code(self.language, b'a')
    }

    /// The region code (`US`, `419`), empty when unset.
    pub fn region(&self) -> String {
        unpack_code(self.country, b'0')
    }

    /// A BCP-47 style locale (`en-US`, `sr-Latn`), if the config has a language.
    pub fn locale(&self) -> Option<String> {
        let language = self.language();
        if language.is_empty() {
            return None;
        }
        let mut out = language;
        let script = ascii(&self.locale_script);
        if !script.is_empty() {
            out.push('-');
            out.push_str(&script);
        }
        let region = self.region();
        if !region.is_empty() {
            out.push('-');
            out.push_str(&region);
        }
        let variant = ascii(&self.locale_variant);
        if !variant.is_empty() {
            out.push('-');
            out.push_str(&variant);
        }
        Some(out)
    }

    /// `Some(true)` for `night`, `Some(false)` for `notnight`, `None` when unset.
    pub fn night(&self) -> Option<bool> {
        match self.ui_mode & 0x30 {
            0x10 => Some(false),
            0x20 => Some(true),
            _ => None,
        }
    }

    /// How many qualifier groups other than SDK level and density are set. Lookups without a
    /// device pick the value with the fewest.
    pub fn specificity(&self) -> u32 {
        let groups = [
            self.mcc != 0,
            self.mnc != 0,
            self.language != [0, 0] || self.country != [0, 0],
            self.locale_script != [0; 4]
                || self.locale_variant != [0; 8]
                || self.locale_numbering_system != [0; 8],
            self.orientation != 0,
            self.touchscreen != 0,
            self.keyboard != 0 || self.navigation != 0 || self.input_flags != 0,
            self.grammatical_inflection != 0,
            self.screen_width != 0 || self.screen_height != 0,
            self.screen_layout != 0 || self.screen_layout2 != 0,
            self.ui_mode != 0,
            self.smallest_screen_width_dp != 0,
            self.screen_width_dp != 0 || self.screen_height_dp != 0,
            self.color_mode != 0,
        ];
        groups.iter().filter(|&&set| set).count() as u32
    }

    /// The qualifier string aapt uses for resource directories (`en-rUS-night-xhdpi-v21`);
    /// empty for the default configuration.
    pub fn qualifiers(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.mcc != 0 {
            parts.push(format!("mcc{}", self.mcc));
        }
        if self.mnc != 0 {
            parts.push(if self.mnc == 0xffff {
                "mnc00".to_string()
            } else {
                format!("mnc{}", self.mnc)
            });
        }
        if let Some(locale) = self.dir_locale() {
            parts.push(locale);
        }
        match self.grammatical_inflection & 0x3 {
            1 => parts.push("neuter".into()),
            2 => parts.push("feminine".into()),
            3 => parts.push("masculine".into()),
            _ => {}
        }
        match self.screen_layout & 0xc0 {
            0x40 => parts.push("ldltr".into()),
            0x80 => parts.push("ldrtl".into()),
            _ => {}
        }
        if self.smallest_screen_width_dp != 0 {
            parts.push(format!("sw{}dp", self.smallest_screen_width_dp));
        }
        if self.screen_width_dp != 0 {
            parts.push(format!("w{}dp", self.screen_width_dp));
        }
        if self.screen_height_dp != 0 {
            parts.push(format!("h{}dp", self.screen_height_dp));
        }
        match self.screen_layout & 0x0f {
            0 => {}
            1 => parts.push("small".into()),
            2 => parts.push("normal".into()),
            3 => parts.push("large".into()),
            4 => parts.push("xlarge".into()),
            other => parts.push(format!("screenLayoutSize={other}")),
        }
        match self.screen_layout & 0x30 {
            0x10 => parts.push("notlong".into()),
            0x20 => parts.push("long".into()),
            _ => {}
        }
        match self.screen_layout2 & 0x03 {
            1 => parts.push("notround".into()),
            2 => parts.push("round".into()),
            _ => {}
        }
        match self.color_mode & 0x03 {
            1 => parts.push("nowidecg".into()),
            2 => parts.push("widecg".into()),
            _ => {}
        }
        match self.color_mode & 0x0c {
            0x04 => parts.push("lowdr".into()),
            0x08 => parts.push("highdr".into()),
            _ => {}
        }
        match self.orientation {
            0 => {}
            1 => parts.push("port".into()),
            2 => parts.push("land".into()),
            3 => parts.push("square".into()),
            other => parts.push(format!("orientation={other}")),
        }
        match self.ui_mode & 0x0f {
            0 | 1 => {}
            2 => parts.push("desk".into()),
            3 => parts.push("car".into()),
            4 => parts.push("television".into()),
            5 => parts.push("appliance".into()),
            6 => parts.push("watch".into()),
            7 => parts.push("vrheadset".into()),
            other => parts.push(format!("uiModeType={other}")),
        }
        match self.night() {
            Some(true) => parts.push("night".into()),
            Some(false) => parts.push("notnight".into()),
            None => {}
        }
        match self.density {
            0 => {}
            120 => parts.push("ldpi".into()),
            160 => parts.push("mdpi".into()),
            213 => parts.push("tvdpi".into()),
            240 => parts.push("hdpi".into()),
            320 => parts.push("xhdpi".into()),
            480 => parts.push("xxhdpi".into()),
            640 => parts.push("xxxhdpi".into()),
            0xfffe => parts.push("anydpi".into()),
            0xffff => parts.push("nodpi".into()),
            other => parts.push(format!("{other}dpi")),
        }
        match self.touchscreen {
            0 => {}
            1 => parts.push("notouch".into()),
            2 => parts.push("stylus".into()),
            3 => parts.push("finger".into()),
            other => parts.push(format!("touchscreen={other}")),
        }
        match self.input_flags & 0x03 {
            1 => parts.push("keysexposed".into()),
            2 => parts.push("keyshidden".into()),
            3 => parts.push("keyssoft".into()),
            _ => {}
        }
        match self.keyboard {
            0 => {}
            1 => parts.push("nokeys".into()),
            2 => parts.push("qwerty".into()),
            3 => parts.push("12key".into()),
            other => parts.push(format!("keyboard={other}")),
        }
        match self.input_flags & 0x0c {
            0x04 => parts.push("navexposed".into()),
            0x08 => parts.push("navhidden".into()),
            _ => {}
        }
        match self.navigation {
            0 => {}
            1 => parts.push("nonav".into()),
            2 => parts.push("dpad".into()),
            3 => parts.push("trackball".into()),
            4 => parts.push("wheel".into()),
            other => parts.push(format!("navigation={other}")),
        }
        if self.screen_width != 0 || self.screen_height != 0 {
            parts.push(format!("{}x{}", self.screen_width, self.screen_height));
        }
        if self.sdk_version != 0 || self.minor_version != 0 {
            if self.minor_version != 0 {
                parts.push(format!("v{}.{}", self.sdk_version, self.minor_version));
            } else {
                parts.push(format!("v{}", self.sdk_version));
            }
        }
        parts.join("-")
    }

    /// The locale part of a directory name: `en-rUS`, or `b+sr+Latn` when a script, variant or
    /// numbering system is present.
    fn dir_locale(&self) -> Option<String> {
        let language = self.language();
        let region = self.region();
        let script = ascii(&self.locale_script);
        let variant = ascii(&self.locale_variant);
        let numbering = ascii(&self.locale_numbering_system);
        if language.is_empty() && region.is_empty() {
            return None;
        }
        if script.is_empty() && variant.is_empty() && numbering.is_empty() {
            return Some(match (language.is_empty(), region.is_empty()) {
                (false, false) => format!("{language}-r{region}"),
                (false, true) => language,
                _ => format!("r{region}"),
            });
        }
        let mut out = format!(
            "b+{}",
            if language.is_empty() {
                "und"
            } else {
                &language
            }
        );
        for part in [script, region, variant] {
            if !part.is_empty() {
                out.push('+');
                out.push_str(&part);
            }
        }
        if !numbering.is_empty() {
            out.push_str("+u+nu+");
            out.push_str(&numbering);
        }
        Some(out)
    }
}

/// Unpacks a two-byte language or region field (`ResTable_config::unpackLanguageOrRegion`).
fn unpack_code(packed: [u8; 2], base: u8) -> String {
    if packed[0] & 0x80 != 0 {
        let first = packed[1] & 0x1f;
        let second = ((packed[1] & 0xe0) >> 5) | ((packed[0] & 0x03) << 3);
        let third = (packed[0] & 0x7c) >> 2;
        [first, second, third]
            .iter()
            .map(|&c| char::from(base.wrapping_add(c)))
            .collect()
    } else {
        packed
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| char::from(c))
            .collect()
    }
}

fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take_while(|&&c| c != 0)
        .filter(|c| c.is_ascii_graphic())
        .map(|&c| char::from(c))
        .collect()
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_default() {
            f.write_str("default")
        } else {
            f.write_str(&self.qualifiers())
        }
    }
}

impl Serialize for Config {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_bytes(edit: impl FnOnce(&mut [u8; 64])) -> [u8; 64] {
        let mut bytes = [0u8; 64];
        bytes[0] = 64;
        edit(&mut bytes);
        bytes
    }

    #[test]
    fn default_config() {
        let (config, size) = Config::read(&config_bytes(|_| {}));
        assert_eq!(size, 64);
        assert!(config.is_default());
        assert_eq!(config.to_string(), "default");
        assert_eq!(config.qualifiers(), "");
    }

    #[test]
    fn locale_density_night_sdk() {
        let bytes = config_bytes(|b| {
            b[8..10].copy_from_slice(b"fr");
            b[10..12].copy_from_slice(b"CA");
            b[14..16].copy_from_slice(&320u16.to_le_bytes());
            b[24..26].copy_from_slice(&24u16.to_le_bytes());
            b[29] = 0x20;
        });
        let (config, _) = Config::read(&bytes);
        assert_eq!(config.qualifiers(), "fr-rCA-night-xhdpi-v24");
        assert_eq!(config.locale().as_deref(), Some("fr-CA"));
        assert_eq!(config.night(), Some(true));
        assert_eq!(config.specificity(), 2);
    }

    #[test]
    fn packed_three_letter_language_and_script() {
        // "fil" packed: first='f'-'a'=5, second='i'-'a'=8, third='l'-'a'=11.
        let (first, second, third) = (5u8, 8u8, 11u8);
        let packed = [
            0x80 | (third << 2) | (second >> 3),
            ((second & 0x07) << 5) | first,
        ];
        let bytes = config_bytes(|b| {
            b[8..10].copy_from_slice(&packed);
            b[36..40].copy_from_slice(b"Latn");
        });
        let (config, _) = Config::read(&bytes);
        assert_eq!(config.language(), "fil");
        assert_eq!(config.qualifiers(), "b+fil+Latn");
    }

    #[test]
    fn short_configs_leave_later_fields_zero() {
        let mut bytes = config_bytes(|b| b[24] = 21);
        bytes[0] = 28;
        bytes[29] = 0x20; // beyond the declared 28 bytes: ignored
        let (config, size) = Config::read(&bytes);
        assert_eq!(size, 28);
        assert_eq!(config.qualifiers(), "v21");
        assert_eq!(config.night(), None);
        let (config, _) = Config::read(&[0xff, 0xff, 0, 0, 1]);
        assert!(config.is_default());
    }
}
