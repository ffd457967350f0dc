//! Typed values (`Res_value`) as they appear in AXML attributes and resources.arsc entries.
//!
//! [`Value`] is the decoded form. The coercions ([`Value::as_bool`], [`Value::as_int`],
//! [`Value::coerce_to_string`]) follow the platform's `TypedArray` rules, so a view that reads
//! `android:exported` as a boolean gets the same answer Android would for the same bits.

use std::fmt;

use serde::Serialize;

pub(crate) const TYPE_NULL: u8 = 0x00;
pub(crate) const TYPE_REFERENCE: u8 = 0x01;
pub(crate) const TYPE_ATTRIBUTE: u8 = 0x02;
pub(crate) const TYPE_STRING: u8 = 0x03;
pub(crate) const TYPE_FLOAT: u8 = 0x04;
pub(crate) const TYPE_DIMENSION: u8 = 0x05;
pub(crate) const TYPE_FRACTION: u8 = 0x06;
pub(crate) const TYPE_DYNAMIC_REFERENCE: u8 = 0x07;
pub(crate) const TYPE_DYNAMIC_ATTRIBUTE: u8 = 0x08;
pub(crate) const TYPE_INT_DEC: u8 = 0x10;
pub(crate) const TYPE_INT_HEX: u8 = 0x11;
pub(crate) const TYPE_INT_BOOLEAN: u8 = 0x12;
pub(crate) const TYPE_INT_COLOR_ARGB8: u8 = 0x1c;
pub(crate) const TYPE_INT_COLOR_RGB8: u8 = 0x1d;
pub(crate) const TYPE_INT_COLOR_ARGB4: u8 = 0x1e;
pub(crate) const TYPE_INT_COLOR_RGB4: u8 = 0x1f;

/// `TYPE_NULL` data meaning "explicitly empty" (`@empty`) rather than undefined.
const DATA_NULL_EMPTY: u32 = 1;

/// A decoded typed value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// `TYPE_NULL` with data 0: no value (`@null` when written as a reference of 0 is
    /// [`Value::Reference`] with id 0).
    Null,
    /// `TYPE_NULL` with data 1: explicitly empty (`@empty`).
    Empty,
    /// A resource reference `@…` by id (0 means `@null`).
    Reference(u32),
    /// A theme attribute reference `?…` by id.
    Attribute(u32),
    /// A reference into a shared library whose package id is assigned at run time.
    DynamicReference(u32),
    /// A theme attribute reference into a shared library.
    DynamicAttribute(u32),
    /// A string (already looked up in the owning string pool).
    String(String),
    /// A 32-bit float.
    Float(f32),
    /// A dimension such as `16dip`.
    Dimension { value: f32, unit: DimensionUnit },
    /// A fraction such as `50%` or `50%p`.
    Fraction { value: f32, unit: FractionUnit },
    /// A decimal integer.
    IntDec(i32),
    /// An integer written in hex (also used for flag attributes such as `protectionLevel`).
    IntHex(u32),
    /// A boolean (Android treats any non-zero data as true).
    Boolean(bool),
    /// A colour, stored as ARGB whatever the source notation was.
    Color { argb: u32, notation: ColorNotation },
    /// A data type this decoder does not know, kept verbatim.
    Unknown { data_type: u8, data: u32 },
}

/// Units of a [`Value::Dimension`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionUnit {
    Px,
    Dip,
    Sp,
    Pt,
    In,
    Mm,
    /// A unit number Android does not define.
    Other(u8),
}

/// Units of a [`Value::Fraction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FractionUnit {
    /// `%`: relative to the value itself.
    Percent,
    /// `%p`: relative to the parent.
    PercentParent,
    /// A unit number Android does not define.
    Other(u8),
}

/// How a colour was written in the source (`#argb`, `#rgb`, `#aarrggbb`, `#rrggbb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorNotation {
    Argb8,
    Rgb8,
    Argb4,
    Rgb4,
}

/// A raw `Res_value` before string lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawValue {
    pub data_type: u8,
    pub data: u32,
}

impl RawValue {
    /// Decodes the value; `string` looks up pool strings for `TYPE_STRING`.
    pub(crate) fn decode(self, string: impl FnOnce(u32) -> Option<String>) -> Value {
        let data = self.data;
        match self.data_type {
            TYPE_NULL if data == DATA_NULL_EMPTY => Value::Empty,
            TYPE_NULL => Value::Null,
            TYPE_REFERENCE => Value::Reference(data),
            TYPE_ATTRIBUTE => Value::Attribute(data),
            TYPE_DYNAMIC_REFERENCE => Value::DynamicReference(data),
            TYPE_DYNAMIC_ATTRIBUTE => Value::DynamicAttribute(data),
            // An unreadable string index becomes an empty string; the caller records why.
            TYPE_STRING => Value::String(string(data).unwrap_or_default()),
            TYPE_FLOAT => Value::Float(f32::from_bits(data)),
            TYPE_DIMENSION => Value::Dimension {
                value: complex_to_float(data),
                unit: DimensionUnit::from_bits(data),
            },
            TYPE_FRACTION => Value::Fraction {
                value: complex_to_float(data),
                unit: FractionUnit::from_bits(data),
            },
            TYPE_INT_DEC => Value::IntDec(data as i32),
            TYPE_INT_HEX => Value::IntHex(data),
            TYPE_INT_BOOLEAN => Value::Boolean(data != 0),
            TYPE_INT_COLOR_ARGB8 => Value::Color {
                argb: data,
                notation: ColorNotation::Argb8,
            },
            TYPE_INT_COLOR_RGB8 => Value::Color {
                argb: data,
                notation: ColorNotation::Rgb8,
            },
            TYPE_INT_COLOR_ARGB4 => Value::Color {
                argb: data,
                notation: ColorNotation::Argb4,
            },
            TYPE_INT_COLOR_RGB4 => Value::Color {
                argb: data,
                notation: ColorNotation::Rgb4,
            },
            data_type => Value::Unknown { data_type, data },
        }
    }

    pub(crate) fn is_known_type(self) -> bool {
        matches!(
            self.data_type,
            TYPE_NULL..=TYPE_DYNAMIC_ATTRIBUTE | TYPE_INT_DEC..=TYPE_INT_BOOLEAN | TYPE_INT_COLOR_ARGB8..=TYPE_INT_COLOR_RGB4
        )
    }
}

/// Decodes a complex (dimension/fraction) mantissa and radix, as `Res_value::complexToFloat`.
fn complex_to_float(data: u32) -> f32 {
    const MANTISSA_MULT: f32 = 1.0 / (1 << 8) as f32;
    const RADIX_MULTS: [f32; 4] = [
        MANTISSA_MULT,
        MANTISSA_MULT / (1 << 7) as f32,
        MANTISSA_MULT / (1 << 15) as f32,
        MANTISSA_MULT / (1 << 23) as f32,
    ];
    let mantissa = (data & 0xffff_ff00) as i32;
    mantissa as f32 * RADIX_MULTS[((data >> 4) & 0x3) as usize]
}

impl DimensionUnit {
    fn from_bits(data: u32) -> Self {
        match (data & 0xf) as u8 {
            0 => DimensionUnit::Px,
            1 => DimensionUnit::Dip,
            2 => DimensionUnit::Sp,
            3 => DimensionUnit::Pt,
            4 => DimensionUnit::In,
            5 => DimensionUnit::Mm,
            other => DimensionUnit::Other(other),
        }
    }

    /// The suffix Android prints (`TypedValue.coerceToString`).
    pub fn suffix(self) -> &'static str {
        match self {
            DimensionUnit::Px => "px",
            DimensionUnit::Dip => "dip",
            DimensionUnit::Sp => "sp",
            DimensionUnit::Pt => "pt",
            DimensionUnit::In => "in",
            DimensionUnit::Mm => "mm",
            DimensionUnit::Other(_) => "",
        }
    }
}

impl FractionUnit {
    fn from_bits(data: u32) -> Self {
        match (data & 0xf) as u8 {
            0 => FractionUnit::Percent,
            1 => FractionUnit::PercentParent,
            other => FractionUnit::Other(other),
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            FractionUnit::Percent => "%",
            FractionUnit::PercentParent => "%p",
            FractionUnit::Other(_) => "",
        }
    }
}

impl Value {
    /// True for [`Value::Reference`] / [`Value::DynamicReference`] with a non-zero id.
    pub fn reference_id(&self) -> Option<u32> {
        match *self {
            Value::Reference(id) | Value::DynamicReference(id) if id != 0 => Some(id),
            _ => None,
        }
    }

    /// The string, when this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as `TypedArray.getBoolean` reads it: integer types are true when non-zero,
    /// strings `"true"`, `"TRUE"` and `"1"` are true and other strings false; `None` for null,
    /// references (resolve them first) and non-integer types.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Boolean(b) => Some(*b),
            Value::IntDec(i) => Some(*i != 0),
            Value::IntHex(i) => Some(*i != 0),
            Value::Color { argb, .. } => Some(*argb != 0),
            Value::String(s) => Some(matches!(s.as_str(), "true" | "TRUE" | "1")),
            _ => None,
        }
    }

    /// The value as `TypedArray.getInt` reads it: integer types give their data, strings are
    /// parsed like `XmlUtils.convertValueToInt` (decimal, `0x`/`#` hex, leading-zero octal).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::IntDec(i) => Some(i64::from(*i)),
            Value::IntHex(i) => Some(i64::from(*i as i32)),
            Value::Boolean(b) => Some(if *b { -1 } else { 0 }),
            Value::Color { argb, .. } => Some(i64::from(*argb as i32)),
            Value::String(s) => parse_int_like_android(s),
            _ => None,
        }
    }

    /// The value as text, the way `TypedValue.coerceToString` renders it (references and
    /// attributes as `@0x…`/`?0x…`; `None` for [`Value::Null`]).
    pub fn coerce_to_string(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// `XmlUtils.convertValueToInt`: optional sign, then `0x`/`#` hex, `0` octal or decimal.
fn parse_int_like_android(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (radix, digits) =
        if let Some(hex) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, hex)
        } else if let Some(hex) = rest.strip_prefix('#') {
            (16, hex)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    let magnitude = i64::from_str_radix(digits, radix).ok()?;
    // Android parses into a long and narrows to int.
    let value = if negative { -magnitude } else { magnitude };
    Some(i64::from(value as i32))
}

/// Formats a float the way Java's `Float.toString` does for ordinary values (`1.0`, `0.5`).
pub(crate) fn format_float(value: f32) -> String {
    if value.is_finite() && value == value.trunc() && value.abs() < 1e7 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("@null"),
            Value::Empty => f.write_str("@empty"),
            Value::Reference(0) => f.write_str("@null"),
            Value::Reference(id) | Value::DynamicReference(id) => write!(f, "@0x{id:08x}"),
            Value::Attribute(id) | Value::DynamicAttribute(id) => write!(f, "?0x{id:08x}"),
            Value::String(s) => f.write_str(s),
            Value::Float(v) => f.write_str(&format_float(*v)),
            Value::Dimension { value, unit } => {
                write!(f, "{}{}", format_float(*value), unit.suffix())
            }
            Value::Fraction { value, unit } => {
                write!(f, "{}{}", format_float(value * 100.0), unit.suffix())
            }
            Value::IntDec(i) => write!(f, "{i}"),
            Value::IntHex(i) => write!(f, "0x{i:x}"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Color { argb, notation } => match notation {
                ColorNotation::Argb8 | ColorNotation::Argb4 => write!(f, "#{argb:08x}"),
                ColorNotation::Rgb8 | ColorNotation::Rgb4 => {
                    write!(f, "#{:06x}", argb & 0x00ff_ffff)
                }
            },
            Value::Unknown { data_type, data } => write!(f, "(type 0x{data_type:02x})0x{data:x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(data_type: u8, data: u32) -> Value {
        RawValue { data_type, data }.decode(|i| Some(format!("s{i}")))
    }

    #[test]
    fn decodes_every_type() {
        assert_eq!(raw(TYPE_NULL, 0), Value::Null);
        assert_eq!(raw(TYPE_NULL, 1), Value::Empty);
        assert_eq!(
            raw(TYPE_REFERENCE, 0x7f040001),
            Value::Reference(0x7f040001)
        );
        assert_eq!(
            raw(TYPE_ATTRIBUTE, 0x01010000),
            Value::Attribute(0x01010000)
        );
        assert_eq!(raw(TYPE_STRING, 3), Value::String("s3".into()));
        assert_eq!(raw(TYPE_FLOAT, 1.5f32.to_bits()), Value::Float(1.5));
        assert_eq!(raw(TYPE_INT_DEC, (-5i32) as u32), Value::IntDec(-5));
        assert_eq!(raw(TYPE_INT_HEX, 0x12), Value::IntHex(0x12));
        assert_eq!(raw(TYPE_INT_BOOLEAN, 0xffff_ffff), Value::Boolean(true));
        assert_eq!(raw(TYPE_INT_BOOLEAN, 0), Value::Boolean(false));
        assert_eq!(
            raw(TYPE_INT_COLOR_RGB8, 0xff112233),
            Value::Color {
                argb: 0xff112233,
                notation: ColorNotation::Rgb8
            }
        );
        assert_eq!(
            raw(0x42, 7),
            Value::Unknown {
                data_type: 0x42,
                data: 7
            }
        );
    }

    #[test]
    fn decodes_complex_values() {
        // 16dip: mantissa 16 << 8, radix 0 (23p0), unit 1.
        let dip = (16 << 8) | 1;
        assert_eq!(
            raw(TYPE_DIMENSION, dip),
            Value::Dimension {
                value: 16.0,
                unit: DimensionUnit::Dip
            }
        );
        assert_eq!(raw(TYPE_DIMENSION, dip).to_string(), "16.0dip");
        // 0.5 with radix 16p7: mantissa 0.5 * 2^7 = 64.
        let half = (64 << 8) | (1 << 4);
        assert_eq!(
            raw(TYPE_FRACTION, half),
            Value::Fraction {
                value: 0.5,
                unit: FractionUnit::Percent
            }
        );
        assert_eq!(raw(TYPE_FRACTION, half).to_string(), "50.0%");
        // Negative mantissa.
        let minus = (-3i32 << 8) as u32;
        assert_eq!(
            raw(TYPE_DIMENSION, minus),
            Value::Dimension {
                value: -3.0,
                unit: DimensionUnit::Px
            }
        );
    }

    #[test]
    fn coercions_follow_typed_array() {
        assert_eq!(Value::Boolean(true).as_bool(), Some(true));
        assert_eq!(Value::IntDec(0).as_bool(), Some(false));
        assert_eq!(Value::String("TRUE".into()).as_bool(), Some(true));
        assert_eq!(Value::String("yes".into()).as_bool(), Some(false));
        assert_eq!(Value::Reference(0x7f010000).as_bool(), None);
        assert_eq!(Value::Null.as_bool(), None);
        assert_eq!(Value::String("0x10".into()).as_int(), Some(16));
        assert_eq!(Value::String("#ff".into()).as_int(), Some(255));
        assert_eq!(Value::String("010".into()).as_int(), Some(8));
        assert_eq!(Value::String("-12".into()).as_int(), Some(-12));
        assert_eq!(Value::String("S".into()).as_int(), None);
        assert_eq!(Value::IntHex(0xffff_ffff).as_int(), Some(-1));
    }

    #[test]
    fn renders_like_android() {
        assert_eq!(Value::IntHex(0x12).to_string(), "0x12");
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
        assert_eq!(Value::Reference(0).to_string(), "@null");
        assert_eq!(Value::Reference(0x7f0b0001).to_string(), "@0x7f0b0001");
        assert_eq!(Value::Attribute(0x01010000).to_string(), "?0x01010000");
        assert_eq!(
            Value::Color {
                argb: 0x80ff0000,
                notation: ColorNotation::Argb8
            }
            .to_string(),
            "#80ff0000"
        );
        assert_eq!(
            Value::Color {
                argb: 0xff00ff00,
                notation: ColorNotation::Rgb8
            }
            .to_string(),
            "#00ff00"
        );
        assert_eq!(Value::Null.coerce_to_string(), None);
        assert_eq!(
            Value::Boolean(false).coerce_to_string().as_deref(),
            Some("false")
        );
    }
}
