//! Encoded values (static field initial values, annotation elements, call site arguments) and
//! annotations.

use crate::class::ClassDef;
use crate::error::DexError;
use crate::file::DexFile;
use crate::ids::{FieldIdx, MethodHandleIdx, MethodIdx, ProtoIdx, StringIdx, TypeIdx};
use crate::reader::{Cursor, u32_at};

/// Nesting limit for arrays and annotations inside encoded values; deeper input is malformed.
const MAX_DEPTH: u32 = 32;

/// An `encoded_value`.
#[derive(Debug, Clone, PartialEq)]
pub enum EncodedValue {
    /// `VALUE_BYTE`
    Byte(i8),
    /// `VALUE_SHORT`
    Short(i16),
    /// `VALUE_CHAR`
    Char(u16),
    /// `VALUE_INT`
    Int(i32),
    /// `VALUE_LONG`
    Long(i64),
    /// `VALUE_FLOAT`, as raw bits.
    Float(u32),
    /// `VALUE_DOUBLE`, as raw bits.
    Double(u64),
    /// `VALUE_METHOD_TYPE`
    MethodType(ProtoIdx),
    /// `VALUE_METHOD_HANDLE`
    MethodHandle(MethodHandleIdx),
    /// `VALUE_STRING`
    String(StringIdx),
    /// `VALUE_TYPE`
    Type(TypeIdx),
    /// `VALUE_FIELD`
    Field(FieldIdx),
    /// `VALUE_METHOD`
    Method(MethodIdx),
    /// `VALUE_ENUM`
    Enum(FieldIdx),
    /// `VALUE_ARRAY`
    Array(Vec<EncodedValue>),
    /// `VALUE_ANNOTATION`
    Annotation(EncodedAnnotation),
    /// `VALUE_NULL`
    Null,
    /// `VALUE_BOOLEAN`
    Boolean(bool),
}

impl EncodedValue {
    /// Whether this is the default value of its type (0, false, null), which the format lets a
    /// static value list omit.
    pub fn is_default(&self) -> bool {
        match self {
            EncodedValue::Byte(v) => *v == 0,
            EncodedValue::Short(v) => *v == 0,
            EncodedValue::Char(v) => *v == 0,
            EncodedValue::Int(v) => *v == 0,
            EncodedValue::Long(v) => *v == 0,
            EncodedValue::Float(v) => *v == 0,
            EncodedValue::Double(v) => *v == 0,
            EncodedValue::Null => true,
            EncodedValue::Boolean(v) => !*v,
            _ => false,
        }
    }
}

/// An `encoded_annotation`: the annotation type and its named elements.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedAnnotation {
    /// The annotation type.
    pub type_: TypeIdx,
    /// `(name, value)` pairs in file order.
    pub elements: Vec<(StringIdx, EncodedValue)>,
}

/// An `annotation_item`: visibility plus annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// `0` build, `1` runtime, `2` system.
    pub visibility: u8,
    /// The annotation.
    pub annotation: EncodedAnnotation,
}

impl Annotation {
    /// The smali keyword of the visibility.
    pub fn visibility_name(&self) -> &'static str {
        match self.visibility {
            0 => "build",
            1 => "runtime",
            2 => "system",
            _ => "unknown",
        }
    }
}

/// `annotations_directory_item`, with its sets resolved to offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnotationsDirectory {
    /// Offset of the class annotation set, 0 for none.
    pub class_annotations_off: u32,
    /// `(field, annotation set offset)`
    pub fields: Vec<(FieldIdx, u32)>,
    /// `(method, annotation set offset)`
    pub methods: Vec<(MethodIdx, u32)>,
    /// `(method, annotation set ref list offset)`
    pub parameters: Vec<(MethodIdx, u32)>,
}

impl DexFile<'_> {
    /// Decodes an `encoded_array` at `offset` (static values, call sites).
    pub fn encoded_array(&self, offset: u32) -> Result<Vec<EncodedValue>, DexError> {
        let mut cursor = Cursor::new(self.data(), offset as usize);
        read_array(&mut cursor, 0)
            .map_err(|reason| DexError::malformed("encoded_array", offset, reason))
    }

    /// The initial values of a class's static fields (possibly shorter than the field list:
    /// trailing default values are omitted).
    pub fn static_values(&self, class: &ClassDef) -> Result<Vec<EncodedValue>, DexError> {
        if class.static_values_off == 0 {
            return Ok(Vec::new());
        }
        self.encoded_array(class.static_values_off)
    }

    /// The annotations directory of a class, if it has one.
    pub fn annotations_directory(
        &self,
        class: &ClassDef,
    ) -> Result<Option<AnnotationsDirectory>, DexError> {
        if class.annotations_off == 0 {
            return Ok(None);
        }
        let offset = class.annotations_off;
        let data = self.data();
        let start = offset as usize;
        let bad = || DexError::out_of_bounds("annotations_directory_item", offset);
        let mut cursor = Cursor::new(data, start);
        let (Some(class_annotations_off), Some(fields), Some(methods), Some(parameters)) =
            (cursor.u32(), cursor.u32(), cursor.u32(), cursor.u32())
        else {
            return Err(bad());
        };
        let total = u64::from(fields) + u64::from(methods) + u64::from(parameters);
        let remaining = data.len().saturating_sub(cursor.pos()) as u64;
        if total.saturating_mul(8) > remaining {
            return Err(bad());
        }
        let mut pairs = |n: u32| -> Vec<(u32, u32)> {
            (0..n)
                .filter_map(|_| Some((cursor.u32()?, cursor.u32()?)))
                .collect()
        };
        let fields = pairs(fields)
            .into_iter()
            .map(|(i, o)| (FieldIdx(i), o))
            .collect();
        let methods = pairs(methods)
            .into_iter()
            .map(|(i, o)| (MethodIdx(i), o))
            .collect();
        let parameters = pairs(parameters)
            .into_iter()
            .map(|(i, o)| (MethodIdx(i), o))
            .collect();
        Ok(Some(AnnotationsDirectory {
            class_annotations_off,
            fields,
            methods,
            parameters,
        }))
    }

    /// The annotations of an `annotation_set_item` at `offset`; 0 is the empty set.
    pub fn annotation_set(&self, offset: u32) -> Result<Vec<Annotation>, DexError> {
        if offset == 0 {
            return Ok(Vec::new());
        }
        let data = self.data();
        let size = u32_at(data, offset as usize)
            .ok_or(DexError::out_of_bounds("annotation_set_item", offset))?;
        let available = data.len().saturating_sub(offset as usize + 4) / 4;
        if size as usize > available {
            return Err(DexError::out_of_bounds("annotation_set_item", offset));
        }
        let mut out = Vec::with_capacity(size as usize);
        for i in 0..size as usize {
            let item_off = u32_at(data, offset as usize + 4 + i * 4).unwrap_or(0);
            let mut cursor = Cursor::new(data, item_off as usize);
            let visibility = cursor
                .u8()
                .ok_or(DexError::out_of_bounds("annotation_item", item_off))?;
            let annotation = read_annotation(&mut cursor, 0)
                .map_err(|reason| DexError::malformed("annotation_item", item_off, reason))?;
            out.push(Annotation {
                visibility,
                annotation,
            });
        }
        Ok(out)
    }

    /// The annotation set offsets of an `annotation_set_ref_list` (one per parameter).
    pub fn annotation_set_ref_list(&self, offset: u32) -> Result<Vec<u32>, DexError> {
        let data = self.data();
        let size = u32_at(data, offset as usize)
            .ok_or(DexError::out_of_bounds("annotation_set_ref_list", offset))?;
        let available = data.len().saturating_sub(offset as usize + 4) / 4;
        if size as usize > available {
            return Err(DexError::out_of_bounds("annotation_set_ref_list", offset));
        }
        Ok((0..size as usize)
            .map(|i| u32_at(data, offset as usize + 4 + i * 4).unwrap_or(0))
            .collect())
    }
}

fn read_array(cursor: &mut Cursor<'_>, depth: u32) -> Result<Vec<EncodedValue>, String> {
    if depth > MAX_DEPTH {
        return Err("values nested too deeply".into());
    }
    let size = cursor.uleb128().ok_or("truncated array size")?;
    let mut values = Vec::with_capacity((size as usize).min(1024));
    for _ in 0..size {
        values.push(read_value(cursor, depth + 1)?);
    }
    Ok(values)
}

fn read_annotation(cursor: &mut Cursor<'_>, depth: u32) -> Result<EncodedAnnotation, String> {
    if depth > MAX_DEPTH {
        return Err("annotations nested too deeply".into());
    }
    let type_ = cursor.uleb128().ok_or("truncated annotation type")?;
    let size = cursor.uleb128().ok_or("truncated annotation size")?;
    let mut elements = Vec::with_capacity((size as usize).min(256));
    for _ in 0..size {
        let name = cursor.uleb128().ok_or("truncated element name")?;
        let value = read_value(cursor, depth + 1)?;
        elements.push((StringIdx(name), value));
    }
    Ok(EncodedAnnotation {
        type_: TypeIdx(type_),
        elements,
    })
}

/// Reads `size` little-endian bytes as an unsigned value (zero-extended).
fn read_unsigned(cursor: &mut Cursor<'_>, size: usize) -> Result<u64, String> {
    let bytes = cursor.bytes(size).ok_or("truncated value")?;
    Ok(bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Reads `size` bytes as a signed value (sign-extended from the top byte).
fn read_signed(cursor: &mut Cursor<'_>, size: usize) -> Result<i64, String> {
    let raw = read_unsigned(cursor, size)?;
    let shift = 64 - 8 * size as u32;
    Ok(((raw << shift) as i64) >> shift)
}

/// Reads `size` bytes as the high bytes of a value of `width` bytes (floats are right-zero-extended).
fn read_right_extended(cursor: &mut Cursor<'_>, size: usize, width: usize) -> Result<u64, String> {
    let raw = read_unsigned(cursor, size)?;
    Ok(raw << (8 * (width - size)))
}

fn read_value(cursor: &mut Cursor<'_>, depth: u32) -> Result<EncodedValue, String> {
    let header = cursor.u8().ok_or("truncated value header")?;
    let value_type = header & 0x1f;
    let arg = usize::from(header >> 5);
    let size = arg + 1;
    let check = |max: usize| {
        if size > max {
            Err(format!("value type {value_type:#x} with size {size}"))
        } else {
            Ok(())
        }
    };
    let index = |cursor: &mut Cursor<'_>| -> Result<u32, String> {
        check(4)?;
        Ok(read_unsigned(cursor, size)? as u32)
    };
    Ok(match value_type {
        0x00 => {
            check(1)?;
            EncodedValue::Byte(read_signed(cursor, size)? as i8)
        }
        0x02 => {
            check(2)?;
            EncodedValue::Short(read_signed(cursor, size)? as i16)
        }
        0x03 => {
            check(2)?;
            EncodedValue::Char(read_unsigned(cursor, size)? as u16)
        }
        0x04 => {
            check(4)?;
            EncodedValue::Int(read_signed(cursor, size)? as i32)
        }
        0x06 => {
            check(8)?;
            EncodedValue::Long(read_signed(cursor, size)?)
        }
        0x10 => {
            check(4)?;
            EncodedValue::Float(read_right_extended(cursor, size, 4)? as u32)
        }
        0x11 => {
            check(8)?;
            EncodedValue::Double(read_right_extended(cursor, size, 8)?)
        }
        0x15 => EncodedValue::MethodType(ProtoIdx(index(cursor)?)),
        0x16 => EncodedValue::MethodHandle(MethodHandleIdx(index(cursor)?)),
        0x17 => EncodedValue::String(StringIdx(index(cursor)?)),
        0x18 => EncodedValue::Type(TypeIdx(index(cursor)?)),
        0x19 => EncodedValue::Field(FieldIdx(index(cursor)?)),
        0x1a => EncodedValue::Method(MethodIdx(index(cursor)?)),
        0x1b => EncodedValue::Enum(FieldIdx(index(cursor)?)),
        0x1c => EncodedValue::Array(read_array(cursor, depth)?),
        0x1d => EncodedValue::Annotation(read_annotation(cursor, depth)?),
        0x1e => EncodedValue::Null,
        0x1f => EncodedValue::Boolean(arg != 0),
        other => return Err(format!("unknown value type {other:#x}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(bytes: &[u8]) -> Result<EncodedValue, String> {
        read_value(&mut Cursor::new(bytes, 0), 0)
    }

    #[test]
    fn scalar_values_sign_and_zero_extend() {
        assert_eq!(value(&[0x00, 0xff]), Ok(EncodedValue::Byte(-1)));
        assert_eq!(value(&[0x04, 0x80]), Ok(EncodedValue::Int(-128)));
        assert_eq!(value(&[0x24, 0x80, 0x00]), Ok(EncodedValue::Int(128)));
        assert_eq!(value(&[0x03, 0xff]), Ok(EncodedValue::Char(255)));
        // 1.0f is 0x3f800000: one byte 0x3f80 >> ... stored right-extended as two bytes 80 3f.
        assert_eq!(
            value(&[0x30, 0x80, 0x3f]),
            Ok(EncodedValue::Float(0x3f80_0000))
        );
        assert_eq!(value(&[0x1f | 0x20]), Ok(EncodedValue::Boolean(true)));
        assert_eq!(value(&[0x1e]), Ok(EncodedValue::Null));
        assert_eq!(value(&[0x17, 0x05]), Ok(EncodedValue::String(StringIdx(5))));
    }

    #[test]
    fn malformed_values_are_errors() {
        assert!(value(&[0x04 | 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]).is_err());
        assert!(value(&[0x0f]).is_err());
        assert!(value(&[0x06 | 0xe0, 1]).is_err());
        // Deeply nested arrays stop at the depth limit instead of overflowing the stack.
        let mut deep = Vec::new();
        for _ in 0..100 {
            deep.extend_from_slice(&[0x1c, 0x01]);
        }
        deep.push(0x1e);
        assert!(value(&deep).is_err());
    }
}
