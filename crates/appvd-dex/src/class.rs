//! Class definitions and class data (the encoded field and method lists).

use crate::error::DexError;
use crate::file::{DexFile, TypeList};
use crate::ids::{AccessFlags, FieldIdx, MethodIdx, NO_INDEX, StringIdx, TypeIdx};
use crate::reader::{Cursor, u32_at};

/// `class_def_item`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassDef {
    /// Position of this definition in `class_defs`.
    pub index: u32,
    /// The class.
    pub class: TypeIdx,
    /// Access flags.
    pub access_flags: AccessFlags,
    /// Superclass, `None` for `java.lang.Object` (or a missing superclass).
    pub superclass: Option<TypeIdx>,
    /// Offset of the interface type list, 0 for none.
    pub interfaces_off: u32,
    /// Source file name, if recorded.
    pub source_file: Option<StringIdx>,
    /// Offset of the annotations directory, 0 for none.
    pub annotations_off: u32,
    /// Offset of the class data, 0 for a class without fields or methods.
    pub class_data_off: u32,
    /// Offset of the initial values of static fields, 0 for none.
    pub static_values_off: u32,
}

/// One field of a class data item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedField {
    /// The field.
    pub field: FieldIdx,
    /// Access flags.
    pub access_flags: AccessFlags,
}

/// One method of a class data item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedMethod {
    /// The method.
    pub method: MethodIdx,
    /// Access flags.
    pub access_flags: AccessFlags,
    /// Offset of the code item, 0 for abstract and native methods.
    pub code_off: u32,
}

/// `class_data_item`, decoded. Field and method indices are already absolute (the file stores
/// differences).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassData {
    /// Static fields, in file order (the order of their initial values).
    pub static_fields: Vec<EncodedField>,
    /// Instance fields.
    pub instance_fields: Vec<EncodedField>,
    /// Direct methods (static, private, constructors).
    pub direct_methods: Vec<EncodedMethod>,
    /// Virtual methods.
    pub virtual_methods: Vec<EncodedMethod>,
}

impl ClassData {
    /// Direct then virtual methods.
    pub fn methods(&self) -> impl Iterator<Item = &EncodedMethod> {
        self.direct_methods
            .iter()
            .chain(self.virtual_methods.iter())
    }

    /// Static then instance fields.
    pub fn fields(&self) -> impl Iterator<Item = &EncodedField> {
        self.static_fields.iter().chain(self.instance_fields.iter())
    }
}

impl<'a> DexFile<'a> {
    /// The class definition at position `index` of `class_defs`.
    pub fn class_def(&self, index: u32) -> Result<ClassDef, DexError> {
        let offset = self.class_def_offset(index)?;
        let d = self.data();
        let word = |i: usize| u32_at(d, offset + i * 4).unwrap_or(NO_INDEX);
        let optional = |v: u32| (v != NO_INDEX).then_some(v);
        Ok(ClassDef {
            index,
            class: TypeIdx(word(0)),
            access_flags: AccessFlags(word(1)),
            superclass: optional(word(2)).map(TypeIdx),
            interfaces_off: word(3),
            source_file: optional(word(4)).map(StringIdx),
            annotations_off: word(5),
            class_data_off: word(6),
            static_values_off: word(7),
        })
    }

    /// All class definitions in file order.
    pub fn class_defs(&self) -> impl Iterator<Item = ClassDef> + '_ {
        (0..self.class_def_count()).filter_map(move |i| self.class_def(i).ok())
    }

    /// The definition of a type in this file, if it defines it (the first one if several do).
    pub fn class_def_for(&self, class: TypeIdx) -> Option<ClassDef> {
        self.class_def(self.class_def_index_of(class)?).ok()
    }

    /// The class defined with this descriptor (`Lcom/acme/Foo;`) or Java name
    /// (`com.acme.Foo`), if this file defines it.
    pub fn find_class(&self, name: &str) -> Option<ClassDef> {
        let descriptor = if name.starts_with('L') && name.ends_with(';') {
            name.to_string()
        } else {
            crate::framework::descriptor_of(name)
        };
        let wanted = crate::mutf8::encode(&descriptor);
        (0..self.type_count())
            .map(TypeIdx)
            .find(|&t| {
                self.type_descriptor(t)
                    .is_ok_and(|d| d.as_bytes() == wanted.as_ref())
            })
            .and_then(|t| self.class_def_for(t))
    }

    /// The interfaces a class implements.
    pub fn interfaces(&self, class: &ClassDef) -> Result<TypeList<'a>, DexError> {
        self.type_list(class.interfaces_off)
    }

    /// Decodes the class data of a class; an empty value for a class without class data.
    ///
    /// A truncated list keeps what was decoded before the error, which is returned alongside.
    pub fn class_data(&self, class: &ClassDef) -> (ClassData, Option<DexError>) {
        if class.class_data_off == 0 {
            return (ClassData::default(), None);
        }
        parse_class_data(self.data(), class.class_data_off)
    }
}

/// Reads `count` encoded members: an index difference, access flags and, for methods, a code
/// offset each. What was read before an error is kept.
fn read_members<T>(
    cursor: &mut Cursor<'_>,
    count: usize,
    with_code: bool,
    make: impl Fn(u32, AccessFlags, u32) -> T,
) -> (Vec<T>, Option<DexError>) {
    let mut list = Vec::with_capacity(count);
    let mut index: Option<u32> = None;
    for _ in 0..count {
        let (diff, flags) = (cursor.uleb128(), cursor.uleb128());
        let code = if with_code { cursor.uleb128() } else { Some(0) };
        let (Some(diff), Some(flags), Some(code_off)) = (diff, flags, code) else {
            let error = DexError::malformed(
                "class_data_item",
                cursor.pos() as u64,
                "truncated member list",
            );
            return (list, Some(error));
        };
        let Some(next) = index.map_or(Some(diff), |previous| previous.checked_add(diff)) else {
            let error = DexError::malformed(
                "class_data_item",
                cursor.pos() as u64,
                "member index overflow",
            );
            return (list, Some(error));
        };
        index = Some(next);
        list.push(make(next, AccessFlags(flags), code_off));
    }
    (list, None)
}

fn read_fields(cursor: &mut Cursor<'_>, count: usize) -> (Vec<EncodedField>, Option<DexError>) {
    read_members(cursor, count, false, |index, access_flags, _| {
        EncodedField {
            field: FieldIdx(index),
            access_flags,
        }
    })
}

fn read_methods(cursor: &mut Cursor<'_>, count: usize) -> (Vec<EncodedMethod>, Option<DexError>) {
    read_members(cursor, count, true, |index, access_flags, code_off| {
        EncodedMethod {
            method: MethodIdx(index),
            access_flags,
            code_off,
        }
    })
}

fn parse_class_data(data: &[u8], offset: u32) -> (ClassData, Option<DexError>) {
    let mut out = ClassData::default();
    let mut cursor = Cursor::new(data, offset as usize);
    let truncated = |cursor: &Cursor<'_>| {
        DexError::malformed("class_data_item", cursor.pos() as u64, "truncated")
    };
    let mut counts = [0u32; 4];
    for count in &mut counts {
        match cursor.uleb128() {
            Some(v) => *count = v,
            None => return (out, Some(truncated(&cursor))),
        }
    }
    let remaining = data.len().saturating_sub(cursor.pos());
    // A field takes at least two bytes and a method at least three, so no count can exceed
    // what the rest of the input could hold; capping here bounds the allocations.
    let cap_fields = |n: u32| (n as usize).min(remaining / 2);
    let cap_methods = |n: u32| (n as usize).min(remaining / 3);
    let [static_count, instance_count, direct_count, virtual_count] = counts;
    let mut error = None;
    let capped = cap_fields(static_count) < static_count as usize
        || cap_fields(instance_count) < instance_count as usize
        || cap_methods(direct_count) < direct_count as usize
        || cap_methods(virtual_count) < virtual_count as usize;
    if capped {
        error = Some(DexError::malformed(
            "class_data_item",
            offset,
            format!("counts {counts:?} exceed what the remaining {remaining} bytes can hold"),
        ));
    }
    let fields = [cap_fields(static_count), cap_fields(instance_count)];
    for (slot, count) in fields.into_iter().enumerate() {
        let (list, failure) = read_fields(&mut cursor, count);
        if slot == 0 {
            out.static_fields = list;
        } else {
            out.instance_fields = list;
        }
        if failure.is_some() {
            return (out, failure);
        }
    }
    let methods = [cap_methods(direct_count), cap_methods(virtual_count)];
    for (slot, count) in methods.into_iter().enumerate() {
        let (list, failure) = read_methods(&mut cursor, count);
        if slot == 0 {
            out.direct_methods = list;
        } else {
            out.virtual_methods = list;
        }
        if failure.is_some() {
            return (out, failure);
        }
    }
    (out, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_data_accumulates_index_differences() {
        // 1 static field, 0 instance, 1 direct method, 1 virtual method.
        let bytes = [
            1, 0, 1, 1, // counts
            5, 0x08, // static field 5, ACC_STATIC
            2, 0x01, 0x10, // direct method 2, public, code at 0x10
            7, 0x01, 0x00, // virtual method 7, public, no code
        ];
        let mut data = vec![0xAA];
        data.extend_from_slice(&bytes);
        let (cd, err) = parse_class_data(&data, 1);
        assert!(err.is_none());
        assert_eq!(
            cd.static_fields,
            [EncodedField {
                field: FieldIdx(5),
                access_flags: AccessFlags(8)
            }]
        );
        assert_eq!(cd.direct_methods[0].code_off, 0x10);
        assert_eq!(cd.virtual_methods[0].method, MethodIdx(7));
        assert_eq!(cd.methods().count(), 2);
    }

    #[test]
    fn huge_counts_are_capped_and_reported() {
        let data = [0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 1, 2];
        let (cd, err) = parse_class_data(&data, 0);
        assert!(err.is_some());
        assert!(cd.static_fields.len() <= data.len());
    }

    #[test]
    fn truncated_class_data_keeps_prefix() {
        let data = [2, 0, 0, 0, 1, 0];
        let (cd, err) = parse_class_data(&data, 0);
        assert_eq!(cd.static_fields.len(), 1);
        assert!(err.is_some());
    }
}
