//! Binary XML (AXML): the element tree and its decoder.
//!
//! An AXML file is a `RES_XML_TYPE` chunk holding a string pool, a resource map (the resource
//! id of each attribute name, indexed like the string pool) and a flat list of node chunks:
//! start/end namespace, start/end element and CDATA. [`XmlDocument::parse`] walks those chunks
//! the way Android's `ResXMLTree` does, tolerating what Android tolerates (unknown chunks,
//! oversized headers, attribute sizes other than 20, a wrong file type) and recovering from what
//! it does not (truncation, garbage between chunks, bad string offsets), and rebuilds the tree.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::android_attrs::{self, ANDROID_NS};
use crate::anomaly::{Anomalies, Anomaly, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::budget::StringBudget;
use crate::chunk::{
    Chunk, ChunkWalker, RES_STRING_POOL_TYPE, RES_XML_CDATA_TYPE, RES_XML_END_ELEMENT_TYPE,
    RES_XML_END_NAMESPACE_TYPE, RES_XML_LAST_CHUNK_TYPE, RES_XML_RESOURCE_MAP_TYPE,
    RES_XML_START_ELEMENT_TYPE, RES_XML_START_NAMESPACE_TYPE, RES_XML_TYPE, u16_at, u32_at,
};
use crate::string_pool::PoolIndex;
use crate::value::{RawValue, TYPE_STRING, Value};

/// Deepest element nesting kept; real documents stay far below it, and the cap keeps recursive
/// rendering and dropping of the tree safe on hostile input.
pub const MAX_DEPTH: usize = 256;

/// `ResXMLTree_node` length: chunk header, line number, comment.
const NODE_HEADER_LEN: usize = 16;
/// `ResXMLTree_attrExt` length.
const ATTR_EXT_LEN: usize = 20;
/// `ResXMLTree_attribute` length.
const ATTRIBUTE_LEN: usize = 20;
/// Longest end-tag name compared with its start tag.
const MAX_COMPARED_NAME: usize = 1024;
/// No string (`ResStringPool_ref` of -1).
const NO_STRING: u32 = 0xffff_ffff;

/// Fatal errors: input that holds no decodable binary XML at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AxmlError {
    /// Fewer bytes than a chunk header.
    #[error("{0} bytes is too short for binary XML")]
    TooShort(usize),
    /// The file is text XML, which Android only accepts compiled.
    #[error("the file is plain-text XML, not compiled binary XML")]
    PlainText,
    /// Chunks were read but no element could be recovered.
    #[error("no XML element could be decoded ({} anomalies)", .anomalies.len())]
    NoElements {
        /// What the decoder found on the way.
        anomalies: Vec<Anomaly>,
    },
}

/// A decoded binary XML document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XmlDocument {
    /// The first top-level element (`<manifest>`, `<network-security-config>`, ...).
    pub root: Element,
    /// Further top-level elements; a well-formed document has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_roots: Vec<Element>,
    /// Whether the string pool was UTF-8 (aapt2) rather than UTF-16 (aapt).
    pub utf8_strings: bool,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum Node {
    Element(Element),
    Text(Text),
}

/// Character data (a CDATA chunk).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Text {
    pub text: String,
    /// Source line, as recorded by the compiler.
    pub line: u32,
}

/// An element with its attributes and children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Element {
    /// Tag name without prefix.
    pub name: String,
    /// Namespace URI of the tag, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `xmlns` declarations that open on this element.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub namespace_declarations: Vec<NamespaceDeclaration>,
    pub attributes: Vec<Attribute>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Source line of the start tag, as recorded by the compiler.
    pub line: u32,
    /// Byte offset of the start-element chunk in the file.
    pub offset: u64,
}

/// An `xmlns:prefix="uri"` declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceDeclaration {
    pub prefix: Option<String>,
    pub uri: String,
}

/// An attribute. `android:` attributes are identified by [`Attribute::resource_id`]; the name
/// string may be blank or wrong in obfuscated files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    /// Namespace URI, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Name string as stored (may be empty).
    pub name: String,
    /// Resource id from the resource map (`0x0101000f` for `android:debuggable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<u32>,
    /// The raw source string, which aapt keeps for strings and drops for most typed values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_value: Option<String>,
    /// The typed value Android uses.
    pub value: Value,
}

impl Attribute {
    /// The public name of the attribute's `android:` resource id, if it has one.
    pub fn known_name(&self) -> Option<&'static str> {
        self.resource_id.and_then(android_attrs::name_of)
    }

    /// A name for display: the stored name, else the name of its resource id, else a
    /// placeholder built from the id.
    pub fn display_name(&self) -> String {
        if !self.name.is_empty() {
            self.name.clone()
        } else if let Some(known) = self.known_name() {
            known.to_string()
        } else if let Some(id) = self.resource_id {
            format!("attr_0x{id:08x}")
        } else {
            "unnamed".to_string()
        }
    }

    /// The attribute as `XmlPullParser.getAttributeValue` returns it: the raw string when
    /// present, else the typed value as text.
    pub fn string_value(&self) -> Option<String> {
        match &self.raw_value {
            Some(raw) => Some(raw.clone()),
            None => self.value.coerce_to_string(),
        }
    }
}

impl Element {
    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Child elements with this tag name.
    pub fn elements_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.elements().filter(move |element| element.name == name)
    }

    /// The first child element with this tag name.
    pub fn first_element(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name == name)
    }

    /// This element and every element below it, depth first, in document order.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(element) = stack.pop() {
            out.push(element);
            let children: Vec<&Element> = element.elements().collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// The concatenated text of the direct text children.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(text) => Some(text.text.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// The first attribute with this `android:` resource id.
    pub fn attribute_by_id(&self, id: u32) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.resource_id == Some(id))
    }

    /// The first attribute without a namespace with this name, as
    /// `getAttributeValue(null, name)` finds it (`package`, `cleartextTrafficPermitted`, ...).
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.namespace.is_none() && attribute.name == name)
    }

    /// The first attribute with this namespace URI and name.
    pub fn attribute_ns(&self, namespace: &str, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|attribute| {
            attribute.namespace.as_deref() == Some(namespace) && attribute.name == name
        })
    }
}

impl XmlDocument {
    /// Decodes binary XML. Returns the document and the anomalies met on the way; fails only
    /// when no element can be recovered.
    pub fn parse(data: &[u8]) -> Result<(XmlDocument, Vec<Anomaly>), AxmlError> {
        if looks_like_text_xml(data) {
            return Err(AxmlError::PlainText);
        }
        if data.len() < 8 {
            return Err(AxmlError::TooShort(data.len()));
        }
        let mut anomalies = Anomalies::new();
        let file_type = u16_at(data, 0).unwrap_or(0);
        if file_type != RES_XML_TYPE {
            anomalies.add(AnomalyKind::UnexpectedXmlFileType, Some(0), || {
                format!("file header type is 0x{file_type:04x}, not RES_XML_TYPE (0x0003); Android does not check it")
            });
        }
        let declared_header = usize::from(u16_at(data, 2).unwrap_or(0));
        let declared_size = u32_at(data, 4).unwrap_or(0) as usize;
        let header = if declared_header < 8 || declared_header > data.len() {
            anomalies.add(AnomalyKind::BadHeaderSize, Some(0), || {
                format!("file header size {declared_header} is impossible; assumed 8")
            });
            8
        } else {
            if declared_header > 8 {
                anomalies.add(AnomalyKind::OversizedHeader, Some(0), || {
                    format!("file header size is {declared_header}, not 8; the first chunk is read after it, as Android does")
                });
            }
            declared_header
        };
        let end = if declared_size > data.len() {
            anomalies.add(AnomalyKind::Truncated, Some(0), || {
                format!("file declares {declared_size} bytes but has {}", data.len())
            });
            data.len()
        } else if declared_size < header {
            anomalies.add(AnomalyKind::BadChunkSize, Some(0), || {
                format!("file declares size {declared_size}, smaller than its header; using the real length {}", data.len())
            });
            data.len()
        } else {
            if declared_size < data.len() {
                anomalies.add(AnomalyKind::TrailingData, Some(declared_size), || {
                    format!(
                        "{} bytes after the declared size {declared_size} are ignored, as Android ignores them",
                        data.len() - declared_size
                    )
                });
            }
            declared_size
        };

        let mut decoder = Decoder::new(data, anomalies);
        decoder.decode(header, end);
        if decoder.roots.is_empty() && end < data.len() {
            // Nothing inside the declared size: look at the whole file rather than give up.
            decoder
                .anomalies
                .add(AnomalyKind::BadChunkSize, Some(0), || {
                    "no element inside the declared file size; decoded the whole file instead"
                        .to_string()
                });
            let anomalies = std::mem::take(&mut decoder.anomalies);
            decoder = Decoder::new(data, anomalies);
            decoder.decode(header, data.len());
        }
        decoder.finish()
    }

    /// The document as indented XML text, with names recovered from resource ids where the
    /// name strings are blank; references are shown as ids.
    pub fn to_xml(&self) -> String {
        crate::render::render_document(self, None)
    }

    /// Like [`XmlDocument::to_xml`], naming references (`@string/app_name`) through `table`.
    pub fn to_xml_with(&self, table: &ResourceTable) -> String {
        crate::render::render_document(self, Some(table))
    }
}

impl fmt::Display for XmlDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_xml())
    }
}

fn looks_like_text_xml(data: &[u8]) -> bool {
    let data = data.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(data);
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    first == Some(&b'<')
}

fn plausible_xml_chunk(kind: u16) -> bool {
    kind == RES_STRING_POOL_TYPE
        || kind == RES_XML_RESOURCE_MAP_TYPE
        || (RES_XML_START_NAMESPACE_TYPE..=RES_XML_CDATA_TYPE).contains(&kind)
}

/// Findings that repeat for every element of a tampered file; each kind is reported once per
/// document with a count and a few examples.
#[derive(Default)]
struct Tally {
    kinds: BTreeMap<AnomalyKind, Repeated>,
}

#[derive(Default)]
struct Repeated {
    count: usize,
    first_offset: Option<usize>,
    examples: Vec<String>,
}

impl Tally {
    fn note(&mut self, kind: AnomalyKind, offset: usize, example: impl FnOnce() -> String) {
        let entry = self.kinds.entry(kind).or_default();
        entry.count += 1;
        entry.first_offset.get_or_insert(offset);
        if entry.examples.len() < 3 {
            let example = example();
            if !entry.examples.contains(&example) {
                entry.examples.push(example);
            }
        }
    }

    fn report(self, anomalies: &mut Anomalies) {
        for (kind, repeated) in self.kinds {
            let summary = match kind {
                AnomalyKind::BlankAttributeName => {
                    "attributes have blank name strings; their resource ids identify them"
                }
                AnomalyKind::AttributeNameMismatch => {
                    "attribute names disagree with their resource ids; Android goes by the id"
                }
                AnomalyKind::TamperedNamespace => {
                    "android attributes are not in the android namespace URI; Android goes by resource id"
                }
                AnomalyKind::UnusualAttributeSize => {
                    "elements declare an attributeSize other than 20; attributes are read at that stride, as Android does"
                }
                AnomalyKind::OversizedHeader => {
                    "XML nodes have headers longer than 16 bytes; their bodies are read after the header, as Android does"
                }
                _ => "occurrences",
            };
            let (count, examples) = (repeated.count, repeated.examples.join("; "));
            anomalies.add(kind, repeated.first_offset, || {
                format!("{count} {summary} (e.g. {examples})")
            });
        }
    }
}

struct Decoder<'a> {
    data: &'a [u8],
    anomalies: Anomalies,
    pool: PoolIndex,
    resource_map: Vec<u32>,
    /// Open elements.
    stack: Vec<Element>,
    /// String index of each open element's name.
    open_names: Vec<u32>,
    /// Start tags dropped for depth; their end tags are dropped too.
    skipped_depth: usize,
    roots: Vec<Element>,
    pending_namespaces: Vec<NamespaceDeclaration>,
    tally: Tally,
    depth_reported: bool,
    budget: StringBudget,
    budget_reported: bool,
}

impl<'a> Decoder<'a> {
    fn new(data: &'a [u8], anomalies: Anomalies) -> Self {
        Decoder {
            data,
            anomalies,
            pool: PoolIndex::default(),
            resource_map: Vec::new(),
            stack: Vec::new(),
            open_names: Vec::new(),
            skipped_depth: 0,
            roots: Vec::new(),
            pending_namespaces: Vec::new(),
            tally: Tally::default(),
            depth_reported: false,
            budget: StringBudget::for_input(data.len()),
            budget_reported: false,
        }
    }

    fn decode(&mut self, start: usize, end: usize) {
        let region = self.data.get(start..end).unwrap_or(&[]);
        let mut walker = ChunkWalker::new(region, start, "XML", plausible_xml_chunk);
        let mut chunks: Vec<Chunk<'a>> = Vec::new();
        while let Some(chunk) = walker.next_chunk(&mut self.anomalies) {
            chunks.push(chunk);
        }
        let first_node = chunks.iter().position(|c| {
            (RES_XML_START_NAMESPACE_TYPE..=RES_XML_LAST_CHUNK_TYPE).contains(&c.kind)
        });
        let before_root = &chunks[..first_node.unwrap_or(chunks.len())];
        self.pick_string_pool(&chunks, before_root);
        self.pick_resource_map(&chunks, before_root);

        for (i, chunk) in chunks.iter().enumerate() {
            match chunk.kind {
                RES_STRING_POOL_TYPE | RES_XML_RESOURCE_MAP_TYPE => {}
                RES_XML_START_NAMESPACE_TYPE => self.start_namespace(chunk),
                RES_XML_END_NAMESPACE_TYPE => {}
                RES_XML_START_ELEMENT_TYPE => self.start_element(chunk),
                RES_XML_END_ELEMENT_TYPE => self.end_element(chunk),
                RES_XML_CDATA_TYPE => self.cdata(chunk),
                kind => {
                    let before = first_node.is_none_or(|first| i < first);
                    self.anomalies.add(AnomalyKind::UnknownChunk, Some(chunk.offset), || {
                        format!(
                            "skipped unknown chunk type 0x{kind:04x} ({} bytes) {} the first XML node",
                            chunk.bytes.len(),
                            if before { "before" } else { "after" }
                        )
                    });
                }
            }
        }
    }

    /// Android keeps the last string pool seen before the first XML node.
    fn pick_string_pool(&mut self, chunks: &[Chunk<'a>], before_root: &[Chunk<'a>]) {
        let pools_before: Vec<&Chunk<'a>> = before_root
            .iter()
            .filter(|c| c.kind == RES_STRING_POOL_TYPE)
            .collect();
        let chosen = match pools_before.last() {
            Some(last) => {
                if pools_before.len() > 1 {
                    self.anomalies.add(AnomalyKind::MultipleStringPools, Some(last.offset), || {
                        format!("{} string pools before the root; the last one is used, as on Android", pools_before.len())
                    });
                }
                Some(**last)
            }
            None => {
                let later = chunks
                    .iter()
                    .find(|c| c.kind == RES_STRING_POOL_TYPE)
                    .copied();
                match later {
                    Some(pool) => self.anomalies.add(AnomalyKind::MissingStringPool, Some(pool.offset), || {
                        "no string pool before the first XML node (Android would see no strings); used the one after it".to_string()
                    }),
                    None => self.anomalies.add(AnomalyKind::MissingStringPool, None, || "document has no string pool".to_string()),
                }
                later
            }
        };
        if let Some(chunk) = chosen {
            self.pool = PoolIndex::parse(self.data, &chunk, &mut self.anomalies);
        }
    }

    fn pick_resource_map(&mut self, chunks: &[Chunk<'a>], before_root: &[Chunk<'a>]) {
        let maps_before: Vec<&Chunk<'a>> = before_root
            .iter()
            .filter(|c| c.kind == RES_XML_RESOURCE_MAP_TYPE)
            .collect();
        let chosen = match maps_before.last() {
            Some(last) => {
                if maps_before.len() > 1 {
                    self.anomalies.add(AnomalyKind::MultipleResourceMaps, Some(last.offset), || {
                        format!("{} resource maps before the root; the last one is used, as on Android", maps_before.len())
                    });
                }
                Some(**last)
            }
            None => chunks
                .iter()
                .find(|c| c.kind == RES_XML_RESOURCE_MAP_TYPE)
                .copied(),
        };
        let Some(chunk) = chosen else { return };
        let body = chunk.body();
        if body.len() % 4 != 0 {
            self.anomalies
                .add(AnomalyKind::BadResourceMap, Some(chunk.offset), || {
                    format!(
                        "resource map body is {} bytes, not a multiple of 4",
                        body.len()
                    )
                });
        }
        self.resource_map = body
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
    }

    fn string(&mut self, index: u32, at: usize, what: &str) -> Option<String> {
        if index == NO_STRING {
            return None;
        }
        let Some(len) = self.pool.encoded_len(self.data, index) else {
            self.anomalies
                .add(AnomalyKind::StringIndexOutOfRange, Some(at), || {
                    format!(
                        "{what} refers to string #{index}, which is unreadable ({} strings)",
                        self.pool.len()
                    )
                });
            return None;
        };
        if !self.budget.charge(len) {
            if !self.budget_reported {
                self.budget_reported = true;
                self.anomalies.add(AnomalyKind::StringBudget, Some(at), || {
                    format!(
                        "strings referenced by this document exceed {} bytes; later ones are left empty",
                        StringBudget::limit_for(self.data.len())
                    )
                });
            }
            return None;
        }
        self.pool.get(self.data, index).map(Cow::into_owned)
    }

    /// The extension (bytes after the node header) of a node chunk, checked against the size
    /// the node kind needs.
    fn node_ext(&mut self, chunk: &Chunk<'a>, need: usize, what: &str) -> Option<(&'a [u8], u32)> {
        if chunk.header_size < NODE_HEADER_LEN {
            self.anomalies
                .add(AnomalyKind::BadNode, Some(chunk.offset), || {
                    format!(
                        "{what} node header is {} bytes, below 16 (Android rejects it)",
                        chunk.header_size
                    )
                });
        } else if chunk.header_size > NODE_HEADER_LEN {
            let header_size = chunk.header_size;
            self.tally
                .note(AnomalyKind::OversizedHeader, chunk.offset, || {
                    format!("{what} header of {header_size} bytes")
                });
        }
        let line = if chunk.header_size >= 12 {
            u32_at(chunk.bytes, 8).unwrap_or(0)
        } else {
            0
        };
        let ext = chunk.body();
        if ext.len() < need {
            self.anomalies
                .add(AnomalyKind::BadNode, Some(chunk.offset), || {
                    format!(
                        "{what} node has {} bytes after its header, needs {need}; skipped",
                        ext.len()
                    )
                });
            return None;
        }
        Some((ext, line))
    }

    fn start_namespace(&mut self, chunk: &Chunk<'a>) {
        let Some((ext, _)) = self.node_ext(chunk, 8, "start-namespace") else {
            return;
        };
        let prefix_index = u32_at(ext, 0).unwrap_or(NO_STRING);
        let uri_index = u32_at(ext, 4).unwrap_or(NO_STRING);
        let prefix = self.string(prefix_index, chunk.offset, "namespace prefix");
        let uri = self
            .string(uri_index, chunk.offset, "namespace URI")
            .unwrap_or_default();
        self.pending_namespaces
            .push(NamespaceDeclaration { prefix, uri });
    }

    fn start_element(&mut self, chunk: &Chunk<'a>) {
        let Some((ext, line)) = self.node_ext(chunk, ATTR_EXT_LEN, "start-element") else {
            return;
        };
        if self.stack.len() >= MAX_DEPTH {
            self.skipped_depth += 1;
            if !self.depth_reported {
                self.depth_reported = true;
                self.anomalies
                    .add(AnomalyKind::TooDeep, Some(chunk.offset), || {
                        format!("elements nested deeper than {MAX_DEPTH} levels were dropped")
                    });
            }
            return;
        }
        let ns_index = u32_at(ext, 0).unwrap_or(NO_STRING);
        let name_index = u32_at(ext, 4).unwrap_or(NO_STRING);
        let attribute_start = usize::from(u16_at(ext, 8).unwrap_or(0));
        let attribute_size = usize::from(u16_at(ext, 10).unwrap_or(0));
        let attribute_count = usize::from(u16_at(ext, 12).unwrap_or(0));
        let namespace = self.string(ns_index, chunk.offset, "element namespace");
        let name = self
            .string(name_index, chunk.offset, "element name")
            .unwrap_or_default();

        if attribute_count > 0 && attribute_size != ATTRIBUTE_LEN {
            self.tally
                .note(AnomalyKind::UnusualAttributeSize, chunk.offset, || {
                    format!("<{name}> with {attribute_size}")
                });
        }
        // Android strides by attributeSize but always reads 20 bytes per attribute. Count only
        // attributes whose 20 bytes fit, and never more than the distinct 20-byte slots the
        // chunk could hold, so a zero stride cannot multiply one attribute.
        let stride = attribute_size;
        let fits = |i: usize| {
            i.checked_mul(stride)
                .and_then(|o| o.checked_add(attribute_start))
                .and_then(|o| o.checked_add(ATTRIBUTE_LEN))
                .is_some_and(|end| end <= ext.len())
        };
        let slots = ext.len().saturating_sub(attribute_start) / ATTRIBUTE_LEN;
        let mut count = 0;
        while count < attribute_count && count < slots && fits(count) {
            count += 1;
        }
        if count < attribute_count {
            self.anomalies.add(AnomalyKind::AttributesOverflow, Some(chunk.offset), || {
                format!("<{name}> declares {attribute_count} attributes but only {count} fit in its chunk")
            });
        }

        let mut attributes = Vec::with_capacity(count);
        for i in 0..count {
            let at = attribute_start + i * stride;
            let Some(bytes) = ext.get(at..at + ATTRIBUTE_LEN) else {
                break;
            };
            let offset = chunk.offset + chunk.header_size + at;
            attributes.push(self.attribute(bytes, offset, line, &name));
        }
        self.check_attribute_order(&attributes, &name, chunk.offset);

        let element = Element {
            name,
            namespace,
            namespace_declarations: std::mem::take(&mut self.pending_namespaces),
            attributes,
            children: Vec::new(),
            line,
            offset: chunk.offset as u64,
        };
        self.stack.push(element);
        self.open_names.push(name_index);
    }

    fn attribute(&mut self, bytes: &[u8], offset: usize, line: u32, element: &str) -> Attribute {
        let ns_index = u32_at(bytes, 0).unwrap_or(NO_STRING);
        let name_index = u32_at(bytes, 4).unwrap_or(NO_STRING);
        let raw_index = u32_at(bytes, 8).unwrap_or(NO_STRING);
        let value_size = u16_at(bytes, 12).unwrap_or(8);
        let raw = RawValue {
            data_type: bytes.get(15).copied().unwrap_or(0),
            data: u32_at(bytes, 16).unwrap_or(0),
        };

        let namespace = self.string(ns_index, offset, "attribute namespace");
        let name = self
            .string(name_index, offset, "attribute name")
            .unwrap_or_default();
        let resource_id = self
            .resource_map
            .get(name_index as usize)
            .copied()
            .filter(|&id| id != 0);
        let raw_value = self.string(raw_index, offset, "attribute raw value");
        if value_size != 8 || !raw.is_known_type() {
            self.anomalies.add(AnomalyKind::BadValue, Some(offset), || {
                format!("attribute `{name}` of <{element}> has value size {value_size} and type 0x{:02x}", raw.data_type)
            });
        }
        let value = if raw.data_type == TYPE_STRING && raw.data == raw_index {
            // The copy counts against the budget like any other string.
            let copy = raw_value
                .as_ref()
                .filter(|raw| self.budget.charge(raw.len()))
                .cloned();
            Value::String(copy.unwrap_or_default())
        } else if raw.data_type == TYPE_STRING {
            let text = self.string(raw.data, offset, "attribute string value");
            Value::String(text.unwrap_or_default())
        } else {
            raw.decode(|_| None)
        };
        if raw.data_type == TYPE_STRING
            && raw_index != NO_STRING
            && raw_index != raw.data
            && let (Some(raw_text), Value::String(typed)) = (&raw_value, &value)
            && raw_text != typed
        {
            self.anomalies.add(AnomalyKind::RawValueMismatch, Some(offset), || {
                format!("attribute `{name}` of <{element}> has raw value {raw_text:?} but typed value {typed:?}; Android uses the typed one")
            });
        }

        let known = resource_id.and_then(android_attrs::name_of);
        let shown = || match (known, resource_id) {
            (Some(known), _) => format!("android:{known}"),
            (None, Some(id)) => format!("0x{id:08x}"),
            (None, None) => "an attribute without id".to_string(),
        };
        if name.is_empty() {
            self.tally
                .note(AnomalyKind::BlankAttributeName, offset, || {
                    format!("{} on <{element}> line {line}", shown())
                });
        } else if known.is_some_and(|known| known != name) {
            self.tally
                .note(AnomalyKind::AttributeNameMismatch, offset, || {
                    format!("`{name}` is {} on <{element}>", shown())
                });
        }
        // No namespace at all is legal (aapt2 --no-xml-namespaces strips them); another URI
        // on an android attribute is not.
        if resource_id.is_some_and(|id| id >> 24 == 0x01)
            && let Some(uri) = namespace.as_deref()
            && uri != ANDROID_NS
        {
            let uri = uri.to_string();
            self.tally
                .note(AnomalyKind::TamperedNamespace, offset, || uri);
        }
        Attribute {
            namespace,
            name,
            resource_id,
            raw_value,
            value,
        }
    }

    fn check_attribute_order(&mut self, attributes: &[Attribute], element: &str, offset: usize) {
        let mut last_id = 0u32;
        let mut unsorted = false;
        let mut seen_ids = HashSet::new();
        let mut seen_names = HashSet::new();
        for attribute in attributes {
            let first = match attribute.resource_id {
                Some(id) => {
                    if id < last_id {
                        unsorted = true;
                    }
                    last_id = last_id.max(id);
                    seen_ids.insert(id)
                }
                None => {
                    seen_names.insert((attribute.namespace.as_deref(), attribute.name.as_str()))
                }
            };
            if !first {
                self.anomalies
                    .add(AnomalyKind::DuplicateAttribute, Some(offset), || {
                        format!(
                            "<{element}> repeats attribute `{}`; the first one is used",
                            attribute.display_name()
                        )
                    });
            }
        }
        if unsorted {
            self.anomalies.add(AnomalyKind::UnsortedAttributes, Some(offset), || {
                format!("<{element}> attribute resource ids are not in ascending order; Android's sorted lookup may not see some of them")
            });
        }
    }

    fn end_element(&mut self, chunk: &Chunk<'a>) {
        let Some((ext, _)) = self.node_ext(chunk, 8, "end-element") else {
            return;
        };
        if self.skipped_depth > 0 {
            self.skipped_depth -= 1;
            return;
        }
        let name_index = u32_at(ext, 4).unwrap_or(NO_STRING);
        let Some(element) = self.stack.pop() else {
            self.anomalies
                .add(AnomalyKind::UnbalancedElement, Some(chunk.offset), || {
                    "end tag without an open element; ignored".to_string()
                });
            return;
        };
        let start_index = self.open_names.pop().unwrap_or(NO_STRING);
        // Same string index: same name, nothing to decode. Otherwise compare the text, but only
        // for names of sane length (the pool is not re-decoded per tag for hostile sizes).
        if name_index != NO_STRING && name_index != start_index {
            let end_name = self
                .pool
                .encoded_len(self.data, name_index)
                .filter(|&len| len <= MAX_COMPARED_NAME)
                .and_then(|_| self.pool.get(self.data, name_index));
            if end_name.as_deref() != Some(element.name.as_str()) {
                let end_name = end_name.map_or_else(|| format!("#{name_index}"), Cow::into_owned);
                self.anomalies
                    .add(AnomalyKind::UnbalancedElement, Some(chunk.offset), || {
                        format!("end tag </{end_name}> closes <{}>", element.name)
                    });
            }
        }
        self.close(element);
    }

    fn close(&mut self, element: Element) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(element)),
            None => self.roots.push(element),
        }
    }

    fn cdata(&mut self, chunk: &Chunk<'a>) {
        let Some((ext, line)) = self.node_ext(chunk, 4, "CDATA") else {
            return;
        };
        let index = u32_at(ext, 0).unwrap_or(NO_STRING);
        let text = self
            .string(index, chunk.offset, "CDATA")
            .unwrap_or_default();
        if self.skipped_depth > 0 {
            return;
        }
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(Node::Text(Text { text, line })),
            None if text.trim().is_empty() => {}
            None => self
                .anomalies
                .add(AnomalyKind::BadNode, Some(chunk.offset), || {
                    "character data outside any element; ignored".to_string()
                }),
        }
    }

    fn finish(mut self) -> Result<(XmlDocument, Vec<Anomaly>), AxmlError> {
        if !self.stack.is_empty() {
            let open = self.stack.len();
            self.anomalies
                .add(AnomalyKind::UnbalancedElement, None, || {
                    format!(
                        "{open} elements were still open at the end of the document; closed them"
                    )
                });
            while let Some(element) = self.stack.pop() {
                self.close(element);
            }
        }
        std::mem::take(&mut self.tally).report(&mut self.anomalies);
        let utf8_strings = self.pool.is_utf8();
        let mut roots = std::mem::take(&mut self.roots).into_iter();
        let Some(root) = roots.next() else {
            return Err(AxmlError::NoElements {
                anomalies: self.anomalies.into_vec(),
            });
        };
        let extra_roots: Vec<Element> = roots.collect();
        if !extra_roots.is_empty() {
            let count = extra_roots.len();
            self.anomalies.add(AnomalyKind::MultipleRoots, None, || {
                format!("{count} more top-level elements follow <{}>; Android's parsers read only the first", root.name)
            });
        }
        Ok((
            XmlDocument {
                root,
                extra_roots,
                utf8_strings,
            },
            self.anomalies.into_vec(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{A, ANDROID, AxmlBuilder, chunk};

    fn ids(anomalies: &[Anomaly]) -> Vec<&'static str> {
        anomalies.iter().map(|a| a.kind.id()).collect()
    }

    fn sample(utf8: bool) -> Vec<u8> {
        AxmlBuilder::new()
            .start_ns("android", ANDROID)
            .start(
                "manifest",
                &[
                    A::android_str("versionName", 0x0101021c, "1.0"),
                    A::plain_str("package", "com.example"),
                ],
            )
            .start(
                "application",
                &[A::android("debuggable", 0x0101000f, 0x12, 0xffff_ffff)],
            )
            .start("domain", &[])
            .text("example.com")
            .end("domain")
            .end("application")
            .end("manifest")
            .end_ns("android", ANDROID)
            .build(utf8)
    }

    #[test]
    fn decodes_a_minimal_document_in_both_encodings() {
        for utf8 in [false, true] {
            let (document, anomalies) = XmlDocument::parse(&sample(utf8)).expect("decodes");
            assert!(anomalies.is_empty(), "{anomalies:?}");
            assert_eq!(document.utf8_strings, utf8);
            let root = &document.root;
            assert_eq!(root.name, "manifest");
            assert_eq!(
                root.namespace_declarations,
                vec![NamespaceDeclaration {
                    prefix: Some("android".into()),
                    uri: ANDROID.into()
                }]
            );
            assert_eq!(
                root.attribute("package")
                    .and_then(Attribute::string_value)
                    .as_deref(),
                Some("com.example")
            );
            let version = root.attribute_by_id(0x0101021c).expect("versionName");
            assert_eq!(version.namespace.as_deref(), Some(ANDROID));
            assert_eq!(version.value, Value::String("1.0".into()));
            let application = root.first_element("application").expect("application");
            assert_eq!(
                application.attribute_by_id(0x0101000f).map(|a| &a.value),
                Some(&Value::Boolean(true))
            );
            assert_eq!(
                application
                    .first_element("domain")
                    .map(Element::text)
                    .as_deref(),
                Some("example.com")
            );
            assert_eq!(root.descendants().len(), 3);
        }
    }

    #[test]
    fn renders_indented_xml() {
        let (document, _) = XmlDocument::parse(&sample(false)).expect("decodes");
        let expected = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
            <manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" android:versionName=\"1.0\" package=\"com.example\">\n\
            \x20 <application android:debuggable=\"true\">\n\
            \x20   <domain>example.com</domain>\n\
            \x20 </application>\n\
            </manifest>\n";
        assert_eq!(document.to_xml(), expected);
    }

    #[test]
    fn rejects_text_and_tiny_inputs() {
        assert!(matches!(
            XmlDocument::parse(b"  <?xml version=\"1.0\"?><a/>"),
            Err(AxmlError::PlainText)
        ));
        assert!(matches!(
            XmlDocument::parse(&[3, 0, 8]),
            Err(AxmlError::TooShort(3))
        ));
        let empty = chunk(RES_XML_TYPE, &[], &[]);
        assert!(matches!(
            XmlDocument::parse(&empty),
            Err(AxmlError::NoElements { .. })
        ));
    }

    #[test]
    fn blank_and_wrong_names_are_identified_by_id() {
        let data = AxmlBuilder::new()
            .start(
                "manifest",
                &[
                    A::android("", 0x0101000f, 0x12, 1),
                    A::android("exported", 0x0101021b, 0x10, 7),
                ],
            )
            .end("manifest")
            .build(false);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        let attributes = &document.root.attributes;
        assert_eq!(attributes[0].known_name(), Some("debuggable"));
        assert_eq!(attributes[0].display_name(), "debuggable");
        assert_eq!(attributes[1].known_name(), Some("versionCode"));
        assert_eq!(
            ids(&anomalies),
            vec!["axml.blank_attribute_name", "axml.attribute_name_mismatch"]
        );
        assert!(document.to_xml().contains("android:debuggable=\"true\""));
    }

    #[test]
    fn attribute_size_zero_does_not_multiply_attributes() {
        let mut data = AxmlBuilder::new()
            .start("a", &[A::plain("x", 0x10, 1)])
            .end("a")
            .build(false);
        // Find the start element and set attributeSize 0, attributeCount 65535.
        let at = data
            .windows(2)
            .position(|w| w == [0x02, 0x01])
            .expect("start element");
        let ext = at + 16;
        data[ext + 10..ext + 12].copy_from_slice(&0u16.to_le_bytes());
        data[ext + 12..ext + 14].copy_from_slice(&0xffffu16.to_le_bytes());
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert!(
            document.root.attributes.len() <= 1,
            "{}",
            document.root.attributes.len()
        );
        assert!(ids(&anomalies).contains(&"axml.unusual_attribute_size"));
        assert!(ids(&anomalies).contains(&"axml.attributes_overflow"));
    }

    #[test]
    fn unbalanced_and_multiple_roots_are_repaired() {
        let data = AxmlBuilder::new()
            .start("a", &[])
            .start("b", &[])
            .end("c")
            .end("a")
            .end("a")
            .start("second", &[])
            .start("open", &[])
            .build(false);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(document.root.name, "a");
        assert_eq!(
            document.root.elements().next().map(|e| e.name.as_str()),
            Some("b")
        );
        assert_eq!(document.extra_roots.len(), 1);
        assert_eq!(
            document.extra_roots[0]
                .elements()
                .next()
                .map(|e| e.name.as_str()),
            Some("open")
        );
        let kinds = ids(&anomalies);
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == "axml.unbalanced_element")
                .count(),
            3
        );
        assert!(kinds.contains(&"axml.multiple_roots"));
    }

    #[test]
    fn unknown_chunks_and_garbage_are_skipped() {
        let unknown = chunk(0x0777, &[0; 8], &[0xaa; 8]);
        let data = AxmlBuilder::new()
            .start("a", &[])
            .raw(&unknown)
            .raw(&[0xff; 12])
            .start("b", &[])
            .end("b")
            .end("a")
            .build(true);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(document.root.elements().count(), 1);
        let kinds = ids(&anomalies);
        assert!(kinds.contains(&"chunk.unknown_type"), "{kinds:?}");
        assert!(kinds.contains(&"chunk.garbage_skipped"), "{kinds:?}");
    }

    #[test]
    fn unsorted_and_duplicate_attributes_are_reported() {
        let data = AxmlBuilder::new()
            .start(
                "a",
                &[
                    A::android("exported", 0x01010010, 0x12, 0),
                    A::android("debuggable", 0x0101000f, 0x12, 1),
                    A::android("debuggable", 0x0101000f, 0x12, 0),
                ],
            )
            .end("a")
            .build(false);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(
            document.root.attribute_by_id(0x0101000f).map(|a| &a.value),
            Some(&Value::Boolean(true))
        );
        assert_eq!(
            ids(&anomalies),
            vec!["axml.duplicate_attribute", "axml.unsorted_attributes"]
        );
    }

    #[test]
    fn tampered_namespace_and_trailing_data() {
        let mut data = AxmlBuilder::new()
            .start(
                "a",
                &[A {
                    ns: Some("urn:x"),
                    ..A::android("debuggable", 0x0101000f, 0x12, 1)
                }],
            )
            .end("a")
            .build(false);
        data.extend_from_slice(&[1, 2, 3, 4]);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(
            document
                .root
                .attribute_by_id(0x0101000f)
                .and_then(|a| a.namespace.as_deref()),
            Some("urn:x")
        );
        assert_eq!(
            ids(&anomalies),
            vec!["chunk.trailing_data", "axml.tampered_namespace"]
        );
        assert!(document.to_xml().contains("xmlns:ns1=\"urn:x\""));
    }

    #[test]
    fn file_type_and_header_size_are_not_trusted() {
        let mut data = sample(false);
        data[0] = 0;
        data[2..4].copy_from_slice(&0u16.to_le_bytes());
        data[4..8].copy_from_slice(&4u32.to_le_bytes());
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(document.root.name, "manifest");
        assert_eq!(
            ids(&anomalies),
            vec![
                "axml.unexpected_file_type",
                "chunk.bad_header_size",
                "chunk.bad_size"
            ]
        );
    }

    #[test]
    fn deep_nesting_is_capped() {
        let mut builder = AxmlBuilder::new();
        for _ in 0..MAX_DEPTH + 20 {
            builder.start("n", &[]);
        }
        for _ in 0..MAX_DEPTH + 20 {
            builder.end("n");
        }
        let data = builder.build(false);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert_eq!(document.root.descendants().len(), MAX_DEPTH);
        assert_eq!(ids(&anomalies), vec!["axml.too_deep"]);
        assert!(document.extra_roots.is_empty());
    }

    #[test]
    fn raw_and_typed_strings_can_disagree() {
        let data = AxmlBuilder::new()
            .start(
                "a",
                &[A {
                    raw: Some("false"),
                    ..A::plain_str("flag", "true")
                }],
            )
            .end("a")
            .build(false);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        let flag = document.root.attribute("flag").expect("flag");
        assert_eq!(flag.value, Value::String("true".into()));
        assert_eq!(flag.string_value().as_deref(), Some("false"));
        assert_eq!(ids(&anomalies), vec!["axml.raw_value_mismatch"]);
    }

    #[test]
    fn one_huge_string_referenced_many_times_is_capped() {
        let huge = "x".repeat(100_000);
        let mut builder = AxmlBuilder::new();
        builder.start("root", &[]);
        for _ in 0..1000 {
            builder.start("e", &[A::plain_str("a", &huge)]).end("e");
        }
        let data = builder.end("root").build(true);
        let (document, anomalies) = XmlDocument::parse(&data).expect("decodes");
        assert!(ids(&anomalies).contains(&"limit.decoded_strings"));
        let copied: usize = document
            .root
            .elements()
            .flat_map(|e| &e.attributes)
            .map(|a| {
                a.raw_value.as_ref().map_or(0, String::len) + a.value.as_str().map_or(0, str::len)
            })
            .sum();
        assert!(copied <= StringBudget::limit_for(data.len()), "{copied}");
        assert_eq!(document.root.elements().count(), 1000, "structure is kept");
    }
}
