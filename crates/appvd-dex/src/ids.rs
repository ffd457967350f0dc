//! Typed indices into the id tables of one DEX file, and access flags.

use serde::Serialize;
use std::fmt;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident, $table:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);

        impl $name {
            /// Name of the id table this index points into.
            pub const TABLE: &'static str = $table;

            /// The index as a `usize`.
            #[inline]
            pub fn as_usize(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}@{}", $table, self.0)
            }
        }
    };
}

index_type!(
    /// Index into `string_ids`.
    StringIdx,
    "string_ids"
);
index_type!(
    /// Index into `type_ids`.
    TypeIdx,
    "type_ids"
);
index_type!(
    /// Index into `proto_ids`.
    ProtoIdx,
    "proto_ids"
);
index_type!(
    /// Index into `field_ids`.
    FieldIdx,
    "field_ids"
);
index_type!(
    /// Index into `method_ids`.
    MethodIdx,
    "method_ids"
);
index_type!(
    /// Index into `call_site_ids`.
    CallSiteIdx,
    "call_site_ids"
);
index_type!(
    /// Index into `method_handles`.
    MethodHandleIdx,
    "method_handles"
);

/// The "no index" marker of 32-bit index fields.
pub const NO_INDEX: u32 = 0xffff_ffff;

/// Access flags of classes, fields and methods (`ACC_*` in the format description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct AccessFlags(pub u32);

impl AccessFlags {
    /// `public`
    pub const PUBLIC: u32 = 0x1;
    /// `private`
    pub const PRIVATE: u32 = 0x2;
    /// `protected`
    pub const PROTECTED: u32 = 0x4;
    /// `static`
    pub const STATIC: u32 = 0x8;
    /// `final`
    pub const FINAL: u32 = 0x10;
    /// `synchronized` (methods)
    pub const SYNCHRONIZED: u32 = 0x20;
    /// `volatile` (fields)
    pub const VOLATILE: u32 = 0x40;
    /// `bridge` (methods)
    pub const BRIDGE: u32 = 0x40;
    /// `transient` (fields)
    pub const TRANSIENT: u32 = 0x80;
    /// `varargs` (methods)
    pub const VARARGS: u32 = 0x80;
    /// `native`
    pub const NATIVE: u32 = 0x100;
    /// `interface`
    pub const INTERFACE: u32 = 0x200;
    /// `abstract`
    pub const ABSTRACT: u32 = 0x400;
    /// `strictfp`
    pub const STRICT: u32 = 0x800;
    /// `synthetic`
    pub const SYNTHETIC: u32 = 0x1000;
    /// `annotation`
    pub const ANNOTATION: u32 = 0x2000;
    /// `enum`
    pub const ENUM: u32 = 0x4000;
    /// `constructor` (methods)
    pub const CONSTRUCTOR: u32 = 0x1_0000;
    /// `declared-synchronized` (methods)
    pub const DECLARED_SYNCHRONIZED: u32 = 0x2_0000;

    /// Whether all bits of `flag` are set.
    #[inline]
    pub fn contains(self, flag: u32) -> bool {
        self.0 & flag == flag
    }

    /// `static`
    pub fn is_static(self) -> bool {
        self.contains(Self::STATIC)
    }

    /// `abstract`
    pub fn is_abstract(self) -> bool {
        self.contains(Self::ABSTRACT)
    }

    /// `interface`
    pub fn is_interface(self) -> bool {
        self.contains(Self::INTERFACE)
    }

    /// `private`
    pub fn is_private(self) -> bool {
        self.contains(Self::PRIVATE)
    }

    /// `constructor`
    pub fn is_constructor(self) -> bool {
        self.contains(Self::CONSTRUCTOR)
    }

    /// `final`
    pub fn is_final(self) -> bool {
        self.contains(Self::FINAL)
    }

    /// The flag keywords as smali prints them for a class.
    pub fn class_keywords(self) -> Vec<&'static str> {
        self.keywords(&[
            (Self::PUBLIC, "public"),
            (Self::PRIVATE, "private"),
            (Self::PROTECTED, "protected"),
            (Self::STATIC, "static"),
            (Self::FINAL, "final"),
            (Self::INTERFACE, "interface"),
            (Self::ABSTRACT, "abstract"),
            (Self::SYNTHETIC, "synthetic"),
            (Self::ANNOTATION, "annotation"),
            (Self::ENUM, "enum"),
        ])
    }

    /// The flag keywords as smali prints them for a field.
    pub fn field_keywords(self) -> Vec<&'static str> {
        self.keywords(&[
            (Self::PUBLIC, "public"),
            (Self::PRIVATE, "private"),
            (Self::PROTECTED, "protected"),
            (Self::STATIC, "static"),
            (Self::FINAL, "final"),
            (Self::VOLATILE, "volatile"),
            (Self::TRANSIENT, "transient"),
            (Self::SYNTHETIC, "synthetic"),
            (Self::ENUM, "enum"),
        ])
    }

    /// The flag keywords as smali prints them for a method.
    pub fn method_keywords(self) -> Vec<&'static str> {
        self.keywords(&[
            (Self::PUBLIC, "public"),
            (Self::PRIVATE, "private"),
            (Self::PROTECTED, "protected"),
            (Self::STATIC, "static"),
            (Self::FINAL, "final"),
            (Self::SYNCHRONIZED, "synchronized"),
            (Self::BRIDGE, "bridge"),
            (Self::VARARGS, "varargs"),
            (Self::NATIVE, "native"),
            (Self::ABSTRACT, "abstract"),
            (Self::STRICT, "strictfp"),
            (Self::SYNTHETIC, "synthetic"),
            (Self::CONSTRUCTOR, "constructor"),
            (Self::DECLARED_SYNCHRONIZED, "declared-synchronized"),
        ])
    }

    fn keywords(self, table: &[(u32, &'static str)]) -> Vec<&'static str> {
        table
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, word)| *word)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_follow_smali_order() {
        let flags = AccessFlags(
            AccessFlags::PUBLIC | AccessFlags::STATIC | AccessFlags::FINAL | AccessFlags::VARARGS,
        );
        assert_eq!(
            flags.method_keywords(),
            ["public", "static", "final", "varargs"]
        );
        assert_eq!(
            flags.field_keywords(),
            ["public", "static", "final", "transient"]
        );
        assert!(flags.is_static());
        assert!(!flags.is_abstract());
        assert_eq!(StringIdx(3).to_string(), "string_ids@3");
    }
}
