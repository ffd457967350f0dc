//! Text formatting shared by the disassembler: string escaping, literals, Java-style floating
//! point, and references (types, fields, methods, prototypes, method handles, call sites).

use crate::file::DexFile;
use crate::ids::{CallSiteIdx, FieldIdx, MethodHandleIdx, MethodIdx, ProtoIdx, StringIdx, TypeIdx};
use crate::value::{EncodedAnnotation, EncodedValue};
use std::fmt::Write as _;

/// Appends `text` with smali string escapes: quotes, backslash, `\n`, `\r`, `\t`, and `\uXXXX`
/// for everything outside printable ASCII (UTF-16 units, so supplementary characters become two).
pub fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        let mut units = [0u16; 2];
        for &unit in ch.encode_utf16(&mut units).iter() {
            match unit {
                0x27 | 0x22 | 0x5c => {
                    out.push('\\');
                    out.push(unit as u8 as char);
                }
                0x20..=0x7e => out.push(unit as u8 as char),
                0x0a => out.push_str("\\n"),
                0x0d => out.push_str("\\r"),
                0x09 => out.push_str("\\t"),
                _ => {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
}

/// `"text"` with smali escapes.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    escape_into(&mut out, text);
    out.push('"');
    out
}

/// A signed hexadecimal literal as smali writes it: `0x1f`, `-0x8`.
pub fn hex(value: i64) -> String {
    if value < 0 {
        format!("-0x{:x}", value.unsigned_abs())
    } else {
        format!("0x{value:x}")
    }
}

/// Java's `Float.toString`, followed by nothing (callers add the `f` suffix where smali does).
pub fn java_float(value: f32) -> String {
    // Java's digit generation differs from the shortest representation for the smallest
    // subnormal.
    if value.abs().to_bits() == 1 {
        return if value < 0.0 {
            "-1.4E-45".into()
        } else {
            "1.4E-45".into()
        };
    }
    let digits =
        integral_digits(f64::from(value), 24).unwrap_or_else(|| nearest_shortest_f32(value));
    java_decimal(f64::from(value), digits)
}

/// Rust's shortest digits for a float, replaced by the neighbouring digit string of the same
/// length when that one also reads back as the same float and lies closer to the exact value
/// (or as close, with an even last digit), which is the digit string Java prints.
fn nearest_shortest_f32(value: f32) -> String {
    let shortest = format!("{value:e}");
    if !value.is_finite() || value == 0.0 {
        return shortest;
    }
    let Some((mantissa, exponent)) = shortest.split_once('e') else {
        return shortest;
    };
    let negative = mantissa.starts_with('-');
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    if digits.len() < 2 {
        return shortest;
    }
    let render = |digits: &[u8]| -> String {
        let mut s = String::new();
        if negative {
            s.push('-');
        }
        s.push((b'0' + digits[0]) as char);
        s.push('.');
        s.extend(digits[1..].iter().map(|d| (b'0' + d) as char));
        s.push('e');
        s.push_str(exponent);
        s
    };
    let exact = f64::from(value);
    let distance = |text: &str| {
        text.parse::<f64>()
            .map(|v| (v - exact).abs())
            .unwrap_or(f64::INFINITY)
    };
    let mut best = (distance(&render(&digits)), digits.clone());
    for delta in [-1i8, 1] {
        let last = digits[digits.len() - 1] as i8 + delta;
        if !(0..=9).contains(&last) {
            continue;
        }
        let mut candidate = digits.clone();
        let n = candidate.len();
        candidate[n - 1] = last as u8;
        let text = render(&candidate);
        if text.parse::<f32>().ok() != Some(value) {
            continue;
        }
        let d = distance(&text);
        let better = d < best.0
            || (d == best.0
                && candidate[n - 1].is_multiple_of(2)
                && !best.1[n - 1].is_multiple_of(2));
        if better {
            best = (d, candidate);
        }
    }
    render(&best.1)
}

/// Java's `Double.toString`.
pub fn java_double(value: f64) -> String {
    if value.abs().to_bits() == 1 {
        return if value < 0.0 {
            "-4.9E-324".into()
        } else {
            "4.9E-324".into()
        };
    }
    let digits = integral_digits(value, 53).unwrap_or_else(|| format!("{value:e}"));
    java_decimal(value, digits)
}

/// Java (before JDK 19) prints an integral value below 2^63 from its exact decimal digits, less
/// only the low digits the binary precision cannot carry, rather than from the shortest digits
/// that read back as the same number: `325454944f` prints as `3.25454944E8`, not `3.2545494E8`.
/// Returns those digits in Rust's scientific form (`3.25454944e8`), or `None` when the value is
/// not integral or out of that range.
fn integral_digits(value: f64, significant_bits: i32) -> Option<String> {
    // 2^63 is exactly representable, so the bound is exact.
    const TWO_POW_63: f64 = (1u64 << 63) as f64;
    let magnitude = value.abs();
    if !value.is_finite() || value.fract() != 0.0 || !(1.0..TWO_POW_63).contains(&magnitude) {
        return None;
    }
    let binary_exponent = ((magnitude.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    // Digits below the precision of the binary value: floor(p * log10(2)) for the excess bits p.
    let excess = binary_exponent - significant_bits - 1;
    let insignificant = if excess > 1 {
        (f64::from(excess) * std::f64::consts::LOG10_2).floor() as u32
    } else {
        0
    };
    let mut n = magnitude as u64;
    if insignificant > 0 {
        let pow = 10u64.checked_pow(insignificant)?;
        let residue = n % pow;
        n /= pow;
        if residue >= pow / 2 {
            n += 1;
        }
    }
    let text = n.to_string();
    let exponent = text.len() as u32 - 1 + insignificant;
    let trimmed = text.trim_end_matches('0');
    let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
    let sign = if value < 0.0 { "-" } else { "" };
    let mantissa = if trimmed.len() > 1 {
        format!("{}.{}", &trimmed[..1], &trimmed[1..])
    } else {
        trimmed.to_string()
    };
    Some(format!("{sign}{mantissa}e{exponent}"))
}

/// Formats a finite or special value the way Java does, from Rust's shortest round-trip digits
/// in scientific form (`shortest`, e.g. `1.5e-3`).
fn java_decimal(value: f64, shortest: String) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let (negative, body) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, shortest),
    };
    let (mantissa, exponent) = body.split_once('e').unwrap_or((body.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if (-3..7).contains(&exponent) {
        if exponent >= 0 {
            let int_len = exponent as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exponent}");
    }
    out
}

/// Scientific notation as `java.text.DecimalFormat("0.####################E0")` prints a double:
/// one integer digit, the fraction without trailing zeros, `E` exponent. Java formats from the
/// shortest digits that identify the double, which is what Rust's `{:e}` produces.
fn decimal_format_sci_float(value: f64) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0E0".into()
        } else {
            "0E0".into()
        };
    }
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    format!("{mantissa}E{exponent}")
}

fn decimal_format_sci_int(value: i64) -> String {
    if value == 0 {
        return "0E0".into();
    }
    let digits = value.unsigned_abs().to_string();
    let exponent = digits.len() - 1;
    let fraction = digits[1..].trim_end_matches('0');
    let sign = if value < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{}E{exponent}", &digits[..1])
    } else {
        format!("{sign}{}.{fraction}E{exponent}", &digits[..1])
    }
}

/// Removes a run of `000` or `999` in the mantissa (rounding noise), as baksmali does before
/// comparing lengths.
fn strip_noise(text: &str) -> String {
    let decimal_point = text.find('.');
    let exponent = text.find('E');
    let (Some(point), Some(exp)) = (decimal_point, exponent) else {
        return text.to_string();
    };
    for run in ["000", "999"] {
        if let Some(at) = text.find(run)
            && at > point
            && at < exp
        {
            return format!("{}{}", &text[..at], &text[exp..]);
        }
    }
    text.to_string()
}

/// Whether a 32-bit literal is more likely a float than an int (baksmali's heuristic for the
/// `# 1.0f` comments).
pub fn is_likely_float(value: i32) -> bool {
    let float = f32::from_bits(value as u32);
    let named = [
        f32::NAN.to_bits(),
        f32::MAX.to_bits(),
        std::f32::consts::PI.to_bits(),
        std::f32::consts::E.to_bits(),
    ];
    if named.contains(&(value as u32)) {
        return true;
    }
    if value == i32::MAX || value == i32::MIN {
        return false;
    }
    let package = value >> 24;
    let resource_type = (value >> 16) & 0xff;
    let resource = value & 0xffff;
    if (package == 0x7f || package == 1) && resource_type < 0x1f && resource < 0xfff {
        return false;
    }
    if float.is_nan() {
        return false;
    }
    let as_int = decimal_format_sci_int(i64::from(value));
    let as_float = strip_noise(&decimal_format_sci_float(f64::from(float)));
    as_float.len() < as_int.len()
}

/// Whether a 64-bit literal is more likely a double than a long.
pub fn is_likely_double(value: i64) -> bool {
    let double = f64::from_bits(value as u64);
    let named = [
        f64::NAN.to_bits(),
        f64::MAX.to_bits(),
        std::f64::consts::PI.to_bits(),
        std::f64::consts::E.to_bits(),
    ];
    if named.contains(&(value as u64)) {
        return true;
    }
    if value == i64::MAX || value == i64::MIN {
        return false;
    }
    if double.is_nan() {
        return false;
    }
    let as_long = decimal_format_sci_int(value);
    let as_double = strip_noise(&decimal_format_sci_float(double));
    as_double.len() < as_long.len()
}

/// The comment baksmali appends to a likely-float literal, without the leading `    # `.
pub fn float_comment(value: i32) -> String {
    let f = f32::from_bits(value as u32);
    if f == f32::INFINITY {
        "Float.POSITIVE_INFINITY".into()
    } else if f == f32::NEG_INFINITY {
        "Float.NEGATIVE_INFINITY".into()
    } else if f.is_nan() {
        "Float.NaN".into()
    } else if f == f32::MAX {
        "Float.MAX_VALUE".into()
    } else if f == std::f32::consts::PI {
        "(float)Math.PI".into()
    } else if f == std::f32::consts::E {
        "(float)Math.E".into()
    } else {
        format!("{}f", java_float(f))
    }
}

/// The comment baksmali appends to a likely-double literal.
pub fn double_comment(value: i64) -> String {
    let d = f64::from_bits(value as u64);
    if d == f64::INFINITY {
        "Double.POSITIVE_INFINITY".into()
    } else if d == f64::NEG_INFINITY {
        "Double.NEGATIVE_INFINITY".into()
    } else if d.is_nan() {
        "Double.NaN".into()
    } else if d == f64::MAX {
        "Double.MAX_VALUE".into()
    } else if d == std::f64::consts::PI {
        "Math.PI".into()
    } else if d == std::f64::consts::E {
        "Math.E".into()
    } else {
        java_double(d)
    }
}

/// Reference formatting against one DEX file; unreadable items print as `<bad ...>` markers
/// instead of failing.
pub(crate) struct Refs<'d, 'a> {
    pub(crate) dex: &'d DexFile<'a>,
}

impl Refs<'_, '_> {
    pub(crate) fn string(&self, idx: StringIdx) -> String {
        quoted(&self.dex.string_lossy(idx))
    }

    pub(crate) fn type_(&self, idx: TypeIdx) -> String {
        self.dex.type_lossy(idx).into_owned()
    }

    pub(crate) fn proto(&self, idx: ProtoIdx) -> String {
        self.dex
            .proto_descriptor(idx)
            .unwrap_or_else(|_| format!("<bad proto@{}>", idx.0))
    }

    pub(crate) fn field(&self, idx: FieldIdx) -> String {
        match self.dex.field_id(idx) {
            Ok(f) => format!(
                "{}->{}:{}",
                self.type_(f.class),
                self.dex.string_lossy(f.name),
                self.type_(f.type_)
            ),
            Err(_) => format!("<bad field@{}>", idx.0),
        }
    }

    pub(crate) fn method(&self, idx: MethodIdx) -> String {
        match self.dex.method_id(idx) {
            Ok(m) => format!(
                "{}->{}{}",
                self.type_(m.class),
                self.dex.string_lossy(m.name),
                self.proto(m.proto)
            ),
            Err(_) => format!("<bad method@{}>", idx.0),
        }
    }

    pub(crate) fn method_handle(&self, idx: MethodHandleIdx) -> String {
        match self.dex.method_handle(idx) {
            Ok(h) => {
                let target = if h.is_field_accessor() {
                    self.field(FieldIdx(h.target))
                } else {
                    self.method(MethodIdx(h.target))
                };
                format!("{}@{target}", h.kind_name())
            }
            Err(_) => format!("<bad method handle@{}>", idx.0),
        }
    }

    /// `call_site_N("name", (proto)R, extra...)@Lbootstrap;->method(...)`.
    pub(crate) fn call_site(&self, idx: CallSiteIdx) -> String {
        let values = self
            .dex
            .call_site_offset(idx)
            .and_then(|off| self.dex.encoded_array(off));
        let Ok(values) = values else {
            return format!("<bad call site@{}>", idx.0);
        };
        let mut out = format!("call_site_{}(", idx.0);
        for (i, value) in values.iter().skip(1).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.inline_value(value));
        }
        out.push_str(")@");
        match values.first() {
            Some(EncodedValue::MethodHandle(handle)) => match self.dex.method_handle(*handle) {
                Ok(h) if !h.is_field_accessor() => out.push_str(&self.method(MethodIdx(h.target))),
                _ => out.push_str(&self.method_handle(*handle)),
            },
            Some(other) => out.push_str(&self.inline_value(other)),
            None => out.push_str("<missing bootstrap>"),
        }
        out
    }

    /// An encoded value on one line (arrays and annotations are rare in call sites; they are
    /// written inline).
    fn inline_value(&self, value: &EncodedValue) -> String {
        let mut w = IndentWriter::default();
        self.write_value(&mut w, value);
        w.finish().replace('\n', " ")
    }

    /// Writes an encoded value as smali does (`0x1t`, `"s"`, `{ ... }`, `.subannotation`...).
    pub(crate) fn write_value(&self, w: &mut IndentWriter, value: &EncodedValue) {
        match value {
            EncodedValue::Byte(v) => w.write(&format!("{}t", hex(i64::from(*v)))),
            EncodedValue::Short(v) => w.write(&format!("{}s", hex(i64::from(*v)))),
            EncodedValue::Char(v) => {
                let mut s = String::from("'");
                match char::from_u32(u32::from(*v)) {
                    Some(c) => escape_into(&mut s, c.encode_utf8(&mut [0; 4])),
                    None => {
                        let _ = write!(s, "\\u{v:04x}");
                    }
                }
                s.push('\'');
                w.write(&s);
            }
            EncodedValue::Int(v) => w.write(&hex(i64::from(*v))),
            EncodedValue::Long(v) => w.write(&format!("{}L", hex(*v))),
            EncodedValue::Float(bits) => {
                w.write(&format!("{}f", java_float(f32::from_bits(*bits))))
            }
            EncodedValue::Double(bits) => w.write(&java_double(f64::from_bits(*bits))),
            EncodedValue::MethodType(p) => w.write(&self.proto(*p)),
            EncodedValue::MethodHandle(h) => w.write(&self.method_handle(*h)),
            EncodedValue::String(s) => w.write(&self.string(*s)),
            EncodedValue::Type(t) => w.write(&self.type_(*t)),
            EncodedValue::Field(f) => w.write(&self.field(*f)),
            EncodedValue::Method(m) => w.write(&self.method(*m)),
            EncodedValue::Enum(f) => w.write(&format!(".enum {}", self.field(*f))),
            EncodedValue::Array(values) => {
                w.write("{");
                if values.is_empty() {
                    w.write("}");
                    return;
                }
                w.write("\n");
                w.indent(4);
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        w.write(",\n");
                    }
                    self.write_value(w, v);
                }
                w.deindent(4);
                w.write("\n}");
            }
            EncodedValue::Annotation(a) => {
                w.write(".subannotation ");
                w.write(&self.type_(a.type_));
                w.write("\n");
                self.write_elements(w, a);
                w.write(".end subannotation");
            }
            EncodedValue::Null => w.write("null"),
            EncodedValue::Boolean(b) => w.write(if *b { "true" } else { "false" }),
        }
    }

    pub(crate) fn write_elements(&self, w: &mut IndentWriter, annotation: &EncodedAnnotation) {
        w.indent(4);
        for (name, value) in &annotation.elements {
            w.write(&self.dex.string_lossy(*name));
            w.write(" = ");
            self.write_value(w, value);
            w.write("\n");
        }
        w.deindent(4);
    }
}

/// A writer that indents every non-empty line, like baksmali's `IndentingWriter`.
#[derive(Debug, Default)]
pub(crate) struct IndentWriter {
    out: String,
    indent: usize,
    mid_line: bool,
}

impl IndentWriter {
    pub(crate) fn write(&mut self, text: &str) {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.mid_line = false;
            }
            if !line.is_empty() {
                if !self.mid_line {
                    self.out.extend(std::iter::repeat_n(' ', self.indent));
                }
                self.out.push_str(line);
                self.mid_line = true;
            }
        }
    }

    pub(crate) fn indent(&mut self, n: usize) {
        self.indent += n;
    }

    pub(crate) fn deindent(&mut self, n: usize) {
        self.indent = self.indent.saturating_sub(n);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_smali() {
        assert_eq!(
            quoted("a\"b\\c'd\n\t\r\u{e9}\u{1f600}\u{1}"),
            r#""a\"b\\c\'d\n\t\r\u00e9\ud83d\ude00\u0001""#
        );
    }

    #[test]
    fn hex_literals() {
        assert_eq!(hex(0), "0x0");
        assert_eq!(hex(-8), "-0x8");
        assert_eq!(hex(i64::MIN), "-0x8000000000000000");
        assert_eq!(hex(0x7f01_0000), "0x7f010000");
    }

    #[test]
    fn java_number_formatting() {
        assert_eq!(java_float(1.0), "1.0");
        assert_eq!(java_float(0.1), "0.1");
        assert_eq!(java_float(1.0e10), "1.0E10");
        assert_eq!(java_float(1234567.0), "1234567.0");
        assert_eq!(java_float(0.001), "0.001");
        assert_eq!(java_float(0.0001), "1.0E-4");
        assert_eq!(java_float(-2.5), "-2.5");
        assert_eq!(java_float(f32::from_bits(0x3ff0_8000)), "1.8789062");
        // Integral values print from their exact digits, as Java 17 does.
        assert_eq!(java_float(f32::from_bits(0x4d9b_3063)), "3.25454944E8");
        assert_eq!(java_float(-82_930_312.0), "-8.2930312E7");
        assert_eq!(java_float(1.0e10), "1.0E10");
        assert_eq!(java_double(1.0e17), "1.0E17");
        assert_eq!(
            java_double(123_456_789_012_345_680.0),
            "1.2345678901234568E17"
        );
        assert_eq!(java_float(f32::from_bits(1)), "1.4E-45");
        assert_eq!(java_double(f64::from_bits(1)), "4.9E-324");
        assert_eq!(java_double(2.0), "2.0");
        assert_eq!(java_double(1.0e-5), "1.0E-5");
        assert_eq!(java_double(f64::NAN), "NaN");
    }

    #[test]
    fn float_heuristic_matches_known_outputs() {
        assert!(is_likely_float(0x3f80_0000));
        assert!(!is_likely_float(0x7f01_0000));
        assert!(!is_likely_float(-0x10000));
        assert!(!is_likely_float(1));
        assert!(!is_likely_float(0x1234_5678));
        assert!(is_likely_double(0x4000_0000_0000_0000));
        assert!(!is_likely_double(i64::MIN));
        assert!(!is_likely_double(0x1_2345_6789));
        assert!(is_likely_double(0x1122_3344_5566_7788));
        assert_eq!(
            double_comment(0x1122_3344_5566_7788),
            "3.841412024471731E-226"
        );
        assert_eq!(float_comment(0x3f80_0000), "1.0f");
        assert_eq!(double_comment(0x4000_0000_0000_0000), "2.0");
    }

    #[test]
    fn indent_writer_skips_blank_lines() {
        let mut w = IndentWriter::default();
        w.indent(4);
        w.write("a\n\nb");
        w.indent(4);
        w.write("\nc\n");
        assert_eq!(w.finish(), "    a\n\n    b\n        c\n");
    }
}
