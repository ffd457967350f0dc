//! Builders for small synthetic AXML and ARSC files used by unit tests.

use crate::chunk::{
    RES_STRING_POOL_TYPE, RES_TABLE_PACKAGE_TYPE, RES_TABLE_TYPE, RES_TABLE_TYPE_SPEC_TYPE,
    RES_TABLE_TYPE_TYPE, RES_XML_CDATA_TYPE, RES_XML_END_ELEMENT_TYPE, RES_XML_END_NAMESPACE_TYPE,
    RES_XML_RESOURCE_MAP_TYPE, RES_XML_START_ELEMENT_TYPE, RES_XML_START_NAMESPACE_TYPE,
    RES_XML_TYPE,
};

pub(crate) const ANDROID: &str = crate::android_attrs::ANDROID_NS;

pub(crate) fn chunk(kind: u16, header_extra: &[u8], body: &[u8]) -> Vec<u8> {
    let header_size = 8 + header_extra.len();
    let mut out = Vec::new();
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&(header_size as u16).to_le_bytes());
    out.extend_from_slice(&((header_size + body.len()) as u32).to_le_bytes());
    out.extend_from_slice(header_extra);
    out.extend_from_slice(body);
    out
}

fn push_len8(out: &mut Vec<u8>, len: usize) {
    if len > 0x7f {
        out.push(0x80 | ((len >> 8) & 0x7f) as u8);
        out.push((len & 0xff) as u8);
    } else {
        out.push(len as u8);
    }
}

/// A string pool chunk as aapt writes it.
pub(crate) fn build_pool(strings: &[&str], utf8: bool) -> Vec<u8> {
    let mut data = Vec::new();
    let mut offsets = Vec::new();
    for s in strings {
        offsets.push(data.len() as u32);
        if utf8 {
            push_len8(&mut data, s.encode_utf16().count());
            push_len8(&mut data, s.len());
            data.extend_from_slice(s.as_bytes());
            data.push(0);
        } else {
            let units: Vec<u16> = s.encode_utf16().collect();
            if units.len() > 0x7fff {
                data.extend_from_slice(&((0x8000 | (units.len() >> 16)) as u16).to_le_bytes());
                data.extend_from_slice(&((units.len() & 0xffff) as u16).to_le_bytes());
            } else {
                data.extend_from_slice(&(units.len() as u16).to_le_bytes());
            }
            for unit in units {
                data.extend_from_slice(&unit.to_le_bytes());
            }
            data.extend_from_slice(&[0, 0]);
        }
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let strings_start = 28 + 4 * strings.len();
    let mut header = Vec::new();
    header.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&(if utf8 { 0x100u32 } else { 0 }).to_le_bytes());
    header.extend_from_slice(&(strings_start as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    let mut body = Vec::new();
    for offset in offsets {
        body.extend_from_slice(&offset.to_le_bytes());
    }
    body.extend_from_slice(&data);
    chunk(RES_STRING_POOL_TYPE, &header, &body)
}

/// One attribute for [`AxmlBuilder::start`].
pub(crate) struct A<'a> {
    pub ns: Option<&'a str>,
    pub name: &'a str,
    pub id: Option<u32>,
    pub raw: Option<&'a str>,
    pub data_type: u8,
    pub data: u32,
    /// For strings: the text (data is filled in by the builder).
    pub text: Option<&'a str>,
}

impl<'a> A<'a> {
    /// `android:name="text"` style string attribute with an id.
    pub(crate) fn android_str(name: &'a str, id: u32, text: &'a str) -> Self {
        A {
            ns: Some(ANDROID),
            name,
            id: Some(id),
            raw: Some(text),
            data_type: 0x03,
            data: 0,
            text: Some(text),
        }
    }

    /// An android attribute with a typed (non-string) value.
    pub(crate) fn android(name: &'a str, id: u32, data_type: u8, data: u32) -> Self {
        A {
            ns: Some(ANDROID),
            name,
            id: Some(id),
            raw: None,
            data_type,
            data,
            text: None,
        }
    }

    /// A namespace-less string attribute without id.
    pub(crate) fn plain_str(name: &'a str, text: &'a str) -> Self {
        A {
            ns: None,
            name,
            id: None,
            raw: Some(text),
            data_type: 0x03,
            data: 0,
            text: Some(text),
        }
    }

    /// A namespace-less typed attribute without id.
    pub(crate) fn plain(name: &'a str, data_type: u8, data: u32) -> Self {
        A {
            ns: None,
            name,
            id: None,
            raw: None,
            data_type,
            data,
            text: None,
        }
    }
}

/// Builds AXML documents node by node; attribute names with ids get the first pool slots.
#[derive(Default)]
pub(crate) struct AxmlBuilder {
    id_names: Vec<(String, u32)>,
    strings: Vec<String>,
    nodes: Vec<Node>,
}

enum Node {
    StartNs(String, String),
    EndNs(String, String),
    Start(String, Vec<OwnedAttr>, u32),
    End(String),
    Text(String),
    Raw(Vec<u8>),
}

struct OwnedAttr {
    ns: Option<String>,
    name: String,
    id: Option<u32>,
    raw: Option<String>,
    data_type: u8,
    data: u32,
    text: Option<String>,
}

const NONE: u32 = 0xffff_ffff;

impl AxmlBuilder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn start_ns(&mut self, prefix: &str, uri: &str) -> &mut Self {
        self.nodes.push(Node::StartNs(prefix.into(), uri.into()));
        self
    }

    pub(crate) fn end_ns(&mut self, prefix: &str, uri: &str) -> &mut Self {
        self.nodes.push(Node::EndNs(prefix.into(), uri.into()));
        self
    }

    pub(crate) fn start(&mut self, name: &str, attrs: &[A<'_>]) -> &mut Self {
        let line = self.nodes.len() as u32 + 1;
        let owned = attrs
            .iter()
            .map(|a| {
                if let Some(id) = a.id
                    && !self.id_names.iter().any(|(n, i)| n == a.name && *i == id)
                {
                    self.id_names.push((a.name.to_string(), id));
                }
                OwnedAttr {
                    ns: a.ns.map(String::from),
                    name: a.name.into(),
                    id: a.id,
                    raw: a.raw.map(String::from),
                    data_type: a.data_type,
                    data: a.data,
                    text: a.text.map(String::from),
                }
            })
            .collect();
        self.nodes.push(Node::Start(name.into(), owned, line));
        self
    }

    pub(crate) fn end(&mut self, name: &str) -> &mut Self {
        self.nodes.push(Node::End(name.into()));
        self
    }

    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.nodes.push(Node::Text(text.into()));
        self
    }

    /// Inserts raw bytes between nodes.
    pub(crate) fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.nodes.push(Node::Raw(bytes.to_vec()));
        self
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.strings.iter().position(|x| x == s) {
            return i as u32;
        }
        self.strings.push(s.to_string());
        (self.strings.len() - 1) as u32
    }

    fn name_index(&mut self, name: &str, id: Option<u32>) -> u32 {
        match id {
            Some(id) => self
                .id_names
                .iter()
                .position(|(n, i)| n == name && *i == id)
                .unwrap_or(0) as u32,
            None => self.intern(name),
        }
    }

    pub(crate) fn build(&mut self, utf8: bool) -> Vec<u8> {
        self.strings = self.id_names.iter().map(|(n, _)| n.clone()).collect();
        let nodes = std::mem::take(&mut self.nodes);
        let mut body = Vec::new();
        for node in &nodes {
            let line = 1u32.to_le_bytes();
            let mut header = line.to_vec();
            header.extend_from_slice(&NONE.to_le_bytes());
            match node {
                Node::StartNs(prefix, uri) | Node::EndNs(prefix, uri) => {
                    let kind = if matches!(node, Node::StartNs(..)) {
                        RES_XML_START_NAMESPACE_TYPE
                    } else {
                        RES_XML_END_NAMESPACE_TYPE
                    };
                    let mut ext = self.intern(prefix).to_le_bytes().to_vec();
                    ext.extend_from_slice(&self.intern(uri).to_le_bytes());
                    body.extend(chunk(kind, &header, &ext));
                }
                Node::Start(name, attrs, line) => {
                    header[..4].copy_from_slice(&line.to_le_bytes());
                    let mut ext = Vec::new();
                    ext.extend_from_slice(&NONE.to_le_bytes());
                    ext.extend_from_slice(&self.intern(name).to_le_bytes());
                    ext.extend_from_slice(&20u16.to_le_bytes());
                    ext.extend_from_slice(&20u16.to_le_bytes());
                    ext.extend_from_slice(&(attrs.len() as u16).to_le_bytes());
                    ext.extend_from_slice(&[0; 6]);
                    for a in attrs {
                        let ns = a.ns.as_deref().map_or(NONE, |ns| self.intern(ns));
                        let name_index = self.name_index(&a.name, a.id);
                        let raw = a.raw.as_deref().map_or(NONE, |r| self.intern(r));
                        let data = match &a.text {
                            Some(text) => self.intern(text),
                            None => a.data,
                        };
                        ext.extend_from_slice(&ns.to_le_bytes());
                        ext.extend_from_slice(&name_index.to_le_bytes());
                        ext.extend_from_slice(&raw.to_le_bytes());
                        ext.extend_from_slice(&8u16.to_le_bytes());
                        ext.push(0);
                        ext.push(a.data_type);
                        ext.extend_from_slice(&data.to_le_bytes());
                    }
                    body.extend(chunk(RES_XML_START_ELEMENT_TYPE, &header, &ext));
                }
                Node::End(name) => {
                    let mut ext = NONE.to_le_bytes().to_vec();
                    ext.extend_from_slice(&self.intern(name).to_le_bytes());
                    body.extend(chunk(RES_XML_END_ELEMENT_TYPE, &header, &ext));
                }
                Node::Text(text) => {
                    let mut ext = self.intern(text).to_le_bytes().to_vec();
                    ext.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0]);
                    body.extend(chunk(RES_XML_CDATA_TYPE, &header, &ext));
                }
                Node::Raw(bytes) => body.extend_from_slice(bytes),
            }
        }
        let strings: Vec<&str> = self.strings.iter().map(String::as_str).collect();
        let mut out_body = build_pool(&strings, utf8);
        let ids: Vec<u8> = self
            .id_names
            .iter()
            .flat_map(|(_, id)| id.to_le_bytes())
            .collect();
        out_body.extend(chunk(RES_XML_RESOURCE_MAP_TYPE, &[], &ids));
        out_body.extend(body);
        chunk(RES_XML_TYPE, &[], &out_body)
    }
}

/// How a synthetic type chunk stores its entry offsets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Dense,
    Offset16,
    Sparse,
}

/// One entry of a synthetic type chunk.
#[derive(Clone)]
pub(crate) enum E {
    Simple {
        key: u32,
        data_type: u8,
        data: u32,
    },
    Compact {
        key: u16,
        data_type: u8,
        data: u32,
    },
    Bag {
        key: u32,
        parent: u32,
        items: Vec<(u32, u8, u32)>,
    },
}

/// A synthetic type chunk: type id, 64-byte config, encoding, entries by index.
pub(crate) struct TypeChunk {
    pub type_id: u8,
    pub config: [u8; 64],
    pub encoding: Encoding,
    pub entries: Vec<Option<E>>,
}

pub(crate) fn config(edit: impl FnOnce(&mut [u8; 64])) -> [u8; 64] {
    let mut bytes = [0u8; 64];
    bytes[0] = 64;
    edit(&mut bytes);
    bytes
}

pub(crate) fn type_chunk(t: &TypeChunk) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut offsets: Vec<Option<u32>> = Vec::new();
    for entry in &t.entries {
        let Some(entry) = entry else {
            offsets.push(None);
            continue;
        };
        offsets.push(Some(entries.len() as u32));
        match entry {
            E::Simple {
                key,
                data_type,
                data,
            } => {
                entries.extend_from_slice(&8u16.to_le_bytes());
                entries.extend_from_slice(&0u16.to_le_bytes());
                entries.extend_from_slice(&key.to_le_bytes());
                entries.extend_from_slice(&8u16.to_le_bytes());
                entries.push(0);
                entries.push(*data_type);
                entries.extend_from_slice(&data.to_le_bytes());
            }
            E::Compact {
                key,
                data_type,
                data,
            } => {
                entries.extend_from_slice(&key.to_le_bytes());
                entries
                    .extend_from_slice(&(0x0008u16 | (u16::from(*data_type) << 8)).to_le_bytes());
                entries.extend_from_slice(&data.to_le_bytes());
            }
            E::Bag { key, parent, items } => {
                entries.extend_from_slice(&16u16.to_le_bytes());
                entries.extend_from_slice(&1u16.to_le_bytes());
                entries.extend_from_slice(&key.to_le_bytes());
                entries.extend_from_slice(&parent.to_le_bytes());
                entries.extend_from_slice(&(items.len() as u32).to_le_bytes());
                for (name, data_type, data) in items {
                    entries.extend_from_slice(&name.to_le_bytes());
                    entries.extend_from_slice(&8u16.to_le_bytes());
                    entries.push(0);
                    entries.push(*data_type);
                    entries.extend_from_slice(&data.to_le_bytes());
                }
            }
        }
    }
    let mut offset_bytes = Vec::new();
    let count = match t.encoding {
        Encoding::Dense => {
            for o in &offsets {
                offset_bytes.extend_from_slice(&o.unwrap_or(0xffff_ffff).to_le_bytes());
            }
            offsets.len()
        }
        Encoding::Offset16 => {
            for o in &offsets {
                offset_bytes.extend_from_slice(&o.map_or(0xffff, |o| (o / 4) as u16).to_le_bytes());
            }
            while offset_bytes.len() % 4 != 0 {
                offset_bytes.push(0xff);
            }
            offsets.len()
        }
        Encoding::Sparse => {
            let mut n = 0;
            for (i, o) in offsets.iter().enumerate() {
                if let Some(o) = o {
                    offset_bytes.extend_from_slice(&(i as u16).to_le_bytes());
                    offset_bytes.extend_from_slice(&((o / 4) as u16).to_le_bytes());
                    n += 1;
                }
            }
            n
        }
    };
    let flags = match t.encoding {
        Encoding::Dense => 0u8,
        Encoding::Sparse => 1,
        Encoding::Offset16 => 2,
    };
    let header_size = 8 + 12 + 64;
    let mut header = vec![t.type_id, flags, 0, 0];
    header.extend_from_slice(&(count as u32).to_le_bytes());
    header.extend_from_slice(&((header_size + offset_bytes.len()) as u32).to_le_bytes());
    header.extend_from_slice(&t.config);
    let mut body = offset_bytes;
    body.extend(entries);
    chunk(RES_TABLE_TYPE_TYPE, &header, &body)
}

/// A table with one package (`id`, `name`) holding the given global strings, type names, key
/// names and type chunks (a spec is written for every type id).
pub(crate) fn table(
    id: u32,
    name: &str,
    globals: &[&str],
    types: &[&str],
    keys: &[&str],
    chunks: &[TypeChunk],
) -> Vec<u8> {
    let type_pool = build_pool(types, false);
    let key_pool = build_pool(keys, true);
    let mut header = Vec::new();
    header.extend_from_slice(&id.to_le_bytes());
    let mut name_units = [0u16; 128];
    for (slot, unit) in name_units.iter_mut().zip(name.encode_utf16()) {
        *slot = unit;
    }
    for unit in name_units {
        header.extend_from_slice(&unit.to_le_bytes());
    }
    let header_size = 8 + 4 + 256 + 20;
    header.extend_from_slice(&(header_size as u32).to_le_bytes());
    header.extend_from_slice(&(types.len() as u32).to_le_bytes());
    header.extend_from_slice(&((header_size + type_pool.len()) as u32).to_le_bytes());
    header.extend_from_slice(&(keys.len() as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    let mut body = type_pool;
    body.extend(key_pool);
    for type_id in 1..=types.len() as u8 {
        let count = chunks
            .iter()
            .filter(|c| c.type_id == type_id)
            .map(|c| c.entries.len())
            .max()
            .unwrap_or(0);
        let mut spec_header = vec![type_id, 0, 0, 0];
        spec_header.extend_from_slice(&(count as u32).to_le_bytes());
        let flags: Vec<u8> = (0..count)
            .flat_map(|_| 0x4000_0000u32.to_le_bytes())
            .collect();
        body.extend(chunk(RES_TABLE_TYPE_SPEC_TYPE, &spec_header, &flags));
        for c in chunks.iter().filter(|c| c.type_id == type_id) {
            body.extend(type_chunk(c));
        }
    }
    let package = chunk(RES_TABLE_PACKAGE_TYPE, &header, &body);
    let mut table_body = build_pool(globals, true);
    table_body.extend(package);
    chunk(RES_TABLE_TYPE, &1u32.to_le_bytes(), &table_body)
}
