//! resources.arsc: the resource table and lookups by resource id.
//!
//! The table is a `RES_TABLE_TYPE` chunk holding a global string pool (all string values) and
//! one or more packages. A package has a type-name pool (`string`, `xml`, ...), a key-name pool
//! (entry names) and, per type, a type spec plus one type chunk per configuration. A type chunk
//! maps entry indexes to entries through dense 32-bit offsets, 16-bit offsets (`FLAG_OFFSET16`)
//! or a sorted sparse list (`FLAG_SPARSE`); an entry is simple (one value), complex (a bag of
//! key/value pairs: styles, arrays, plurals) or compact (key and value packed in 8 bytes).
//!
//! [`ResourceTable::parse`] copies the file, indexes that structure and validates every entry
//! once; values are decoded on demand, so a 30 MB table parses without a per-string allocation.
//! A resource id is `0xPPTTEEEE`: package, type (1-based) and entry index.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::anomaly::{Anomalies, Anomaly, AnomalyKind};
use crate::budget::StringBudget;
use crate::chunk::{
    Chunk, ChunkWalker, RES_STRING_POOL_TYPE, RES_TABLE_LIBRARY_TYPE,
    RES_TABLE_OVERLAYABLE_POLICY_TYPE, RES_TABLE_OVERLAYABLE_TYPE, RES_TABLE_PACKAGE_TYPE,
    RES_TABLE_STAGED_ALIAS_TYPE, RES_TABLE_TYPE, RES_TABLE_TYPE_SPEC_TYPE, RES_TABLE_TYPE_TYPE,
    u8_at, u16_at, u32_at, utf16_name,
};
use crate::config::{CURRENT_CONFIG_SIZE, Config};
use crate::string_pool::PoolIndex;
use crate::value::{RawValue, TYPE_STRING, Value};

/// Longest reference chain followed before giving up (Android's AssetManager uses 20).
pub const MAX_REFERENCE_DEPTH: usize = 20;

const TABLE_HEADER_LEN: usize = 12;
/// Package header before `typeIdOffset` was added.
const PACKAGE_HEADER_MIN: usize = 284;
const TYPE_SPEC_HEADER_LEN: usize = 16;
/// `ResTable_type` up to (not including) its config.
const TYPE_HEADER_FIXED: usize = 20;
const NO_ENTRY: u32 = 0xffff_ffff;

const FLAG_SPARSE: u8 = 0x01;
const FLAG_OFFSET16: u8 = 0x02;

const ENTRY_FLAG_COMPLEX: u16 = 0x0001;
const ENTRY_FLAG_PUBLIC: u16 = 0x0002;
const ENTRY_FLAG_WEAK: u16 = 0x0004;
const ENTRY_FLAG_COMPACT: u16 = 0x0008;

const SIMPLE_ENTRY_LEN: usize = 8;
const MAP_ENTRY_LEN: usize = 16;
const MAP_LEN: usize = 12;

/// Fatal errors: input that holds no resource table at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArscError {
    /// Fewer bytes than the table header.
    #[error("{0} bytes is too short for a resource table")]
    TooShort(usize),
    /// Chunks were read but no package could be recovered.
    #[error("no resource package could be decoded ({} anomalies)", .anomalies.len())]
    NoPackages {
        /// What the decoder found on the way.
        anomalies: Vec<Anomaly>,
    },
}

/// A decoded resources.arsc.
#[derive(Debug, Clone)]
pub struct ResourceTable {
    data: Vec<u8>,
    strings: PoolIndex,
    packages: Vec<Package>,
}

/// One resource package (`0x7f` for an app).
#[derive(Debug, Clone)]
pub struct Package {
    id: u32,
    name: String,
    type_strings: PoolIndex,
    key_strings: PoolIndex,
    types: Vec<TypeGroup>,
    libraries: Vec<SharedLibrary>,
}

/// A shared library a package references (`RES_TABLE_LIBRARY_TYPE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedLibrary {
    pub package_id: u32,
    pub package_name: String,
}

#[derive(Debug, Clone)]
struct TypeGroup {
    id: u8,
    /// Absolute offset and entry count of the type spec flags, if a spec was seen.
    spec: Option<(usize, usize)>,
    variants: Vec<TypeVariant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetEncoding {
    Dense,
    Offset16,
    Sparse,
}

#[derive(Debug, Clone)]
struct TypeVariant {
    config: Config,
    encoding: OffsetEncoding,
    /// Absolute offset of the offset array.
    offsets_at: usize,
    /// Number of slots in the offset array (sparse: number of pairs).
    entry_count: usize,
    /// Absolute offset of entry data, and the chunk end.
    entries_start: usize,
    chunk_end: usize,
}

/// A resource name: type and entry (`xml/network_security_config`), plus its package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ResourceName {
    pub package: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub entry: String,
}

impl fmt::Display for ResourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.type_name, self.entry)
    }
}

/// One entry of a resource in one configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: u32,
    pub config: Config,
    /// The entry name (key string).
    pub key: String,
    /// Whether the entry is declared public.
    pub public: bool,
    /// Whether the entry is weak (may be overridden).
    pub weak: bool,
    pub value: EntryValue,
}

/// The value of an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryValue {
    /// A single value (string, bool, file path, reference, ...).
    Simple { value: Value },
    /// A bag: style, attribute definition, array or plurals.
    Bag {
        /// The parent bag (style parent), 0 for none.
        parent: u32,
        /// Key (an attribute or special id) and value pairs.
        items: Vec<BagItem>,
    },
}

/// One key/value pair of a bag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BagItem {
    pub key: u32,
    pub value: Value,
}

/// A string value together with the resource it belongs to, for secret detection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringResource {
    pub id: u32,
    pub name: ResourceName,
    pub config: Config,
    /// For strings inside a bag (string arrays), the bag key of the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bag_key: Option<u32>,
    pub value: String,
}

/// An entry located in the file but not yet decoded.
#[derive(Debug, Clone, Copy)]
struct RawEntry {
    at: usize,
    end: usize,
    flags: u16,
    key: u32,
}

/// Resource id parts.
fn split_id(id: u32) -> (u32, u8, u16) {
    (id >> 24, ((id >> 16) & 0xff) as u8, (id & 0xffff) as u16)
}

impl ResourceTable {
    /// Decodes a resources.arsc. Returns the table and the anomalies met on the way; fails only
    /// when no package can be recovered.
    pub fn parse(data: &[u8]) -> Result<(ResourceTable, Vec<Anomaly>), ArscError> {
        if data.len() < TABLE_HEADER_LEN {
            return Err(ArscError::TooShort(data.len()));
        }
        let mut anomalies = Anomalies::new();
        let mut table = ResourceTable {
            data: data.to_vec(),
            strings: PoolIndex::default(),
            packages: Vec::new(),
        };
        let data = table.data.as_slice();

        let file_type = u16_at(data, 0).unwrap_or(0);
        if file_type != RES_TABLE_TYPE {
            anomalies.add(AnomalyKind::UnexpectedTableType, Some(0), || {
                format!("file header type is 0x{file_type:04x}, not RES_TABLE_TYPE (0x0002)")
            });
        }
        let declared_header = usize::from(u16_at(data, 2).unwrap_or(0));
        let declared_size = u32_at(data, 4).unwrap_or(0) as usize;
        let package_count = u32_at(data, 8).unwrap_or(0);
        let header = if declared_header < TABLE_HEADER_LEN || declared_header > data.len() {
            anomalies.add(AnomalyKind::BadHeaderSize, Some(0), || {
                format!("table header size {declared_header} is impossible; assumed 12")
            });
            TABLE_HEADER_LEN
        } else {
            if declared_header > TABLE_HEADER_LEN {
                anomalies.add(AnomalyKind::OversizedHeader, Some(0), || {
                    format!("table header size is {declared_header}, not 12")
                });
            }
            declared_header
        };
        let end = if declared_size > data.len() {
            anomalies.add(AnomalyKind::Truncated, Some(0), || {
                format!(
                    "table declares {declared_size} bytes but the file has {}",
                    data.len()
                )
            });
            data.len()
        } else if declared_size < header {
            anomalies.add(AnomalyKind::BadChunkSize, Some(0), || {
                format!("table declares size {declared_size}, smaller than its header; using the file length")
            });
            data.len()
        } else {
            if declared_size < data.len() {
                anomalies.add(AnomalyKind::TrailingData, Some(declared_size), || {
                    format!(
                        "{} bytes follow the table's declared size",
                        data.len() - declared_size
                    )
                });
            }
            declared_size
        };

        let mut strings = None;
        let mut packages = Vec::new();
        let mut walker = ChunkWalker::new(&data[header..end], header, "table", |kind| {
            kind == RES_STRING_POOL_TYPE || kind == RES_TABLE_PACKAGE_TYPE
        });
        while let Some(chunk) = walker.next_chunk(&mut anomalies) {
            match chunk.kind {
                RES_STRING_POOL_TYPE if strings.is_none() => {
                    strings = Some(PoolIndex::parse(data, &chunk, &mut anomalies));
                }
                RES_STRING_POOL_TYPE => {
                    anomalies.add(AnomalyKind::MultipleStringPools, Some(chunk.offset), || {
                        "a second global string pool was ignored, as Android ignores it".to_string()
                    })
                }
                RES_TABLE_PACKAGE_TYPE => {
                    if let Some(package) = parse_package(data, &chunk, &mut anomalies) {
                        packages.push(package);
                    }
                }
                kind => anomalies.add(AnomalyKind::UnknownChunk, Some(chunk.offset), || {
                    format!("skipped chunk type 0x{kind:04x} at table level")
                }),
            }
        }
        match strings {
            Some(pool) => table.strings = pool,
            None => anomalies.add(AnomalyKind::MissingStringPool, None, || {
                "table has no global string pool".to_string()
            }),
        }
        if packages.len() != package_count as usize {
            let found = packages.len();
            anomalies.add(AnomalyKind::PackageCountMismatch, Some(8), || {
                format!("table header declares {package_count} packages, {found} decoded")
            });
        }
        if packages.is_empty() {
            return Err(ArscError::NoPackages {
                anomalies: anomalies.into_vec(),
            });
        }
        table.packages = packages;
        table.validate_entries(&mut anomalies);
        Ok((table, anomalies.into_vec()))
    }

    /// Walks every entry once so that malformed ones are reported at parse time, and reports a
    /// table whose values would copy more string bytes than a lookup budget allows.
    fn validate_entries(&self, anomalies: &mut Anomalies) {
        let limit = StringBudget::limit_for(self.data.len());
        let mut value_bytes = 0usize;
        for package in &self.packages {
            for group in &package.types {
                for variant in &group.variants {
                    for (index, offset) in self.variant_offsets(variant) {
                        match self.locate_entry(variant, offset) {
                            Ok(raw) if value_bytes <= limit => {
                                value_bytes += self.value_bytes(raw, limit)
                            }
                            Ok(_) => {}
                            Err(why) => {
                                let id = (package.id << 24)
                                    | (u32::from(group.id) << 16)
                                    | u32::from(index);
                                anomalies.add(
                                    AnomalyKind::BadEntry,
                                    Some(variant.entries_start.saturating_add(offset as usize)),
                                    || format!("entry 0x{id:08x} ({}): {why}", variant.config),
                                );
                            }
                        }
                    }
                }
            }
        }
        if value_bytes > limit {
            anomalies.add(AnomalyKind::StringBudget, None, || {
                format!(
                    "the table's values refer to more than {limit} bytes of strings; lookups copy at most that many"
                )
            });
        }
    }

    /// Approximate bytes that decoding an entry's value(s) would copy; stops counting at `limit`.
    fn value_bytes(&self, raw: RawEntry, limit: usize) -> usize {
        let data = self.data.as_slice();
        let string_len = |data_type: u8, index: u32| {
            if data_type == TYPE_STRING {
                self.strings.encoded_len(data, index).unwrap_or(0)
            } else {
                0
            }
        };
        if raw.flags & ENTRY_FLAG_COMPACT != 0 {
            return string_len(
                (raw.flags >> 8) as u8,
                u32_at(data, raw.at + 4).unwrap_or(0),
            );
        }
        let size = usize::from(u16_at(data, raw.at).unwrap_or(0));
        if raw.flags & ENTRY_FLAG_COMPLEX == 0 {
            let at = raw.at + size;
            return string_len(
                u8_at(data, at + 3).unwrap_or(0),
                u32_at(data, at + 4).unwrap_or(0),
            );
        }
        let count = u32_at(data, raw.at + 12).unwrap_or(0) as usize;
        let maps_at = raw.at + size;
        let room = raw.end.saturating_sub(maps_at) / MAP_LEN;
        let mut total = 0usize;
        for i in 0..count.min(room) {
            let at = maps_at + i * MAP_LEN;
            total += size_of::<BagItem>()
                + string_len(
                    u8_at(data, at + 7).unwrap_or(0),
                    u32_at(data, at + 8).unwrap_or(0),
                );
            if total > limit {
                break;
            }
        }
        total
    }

    /// The packages, in file order.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// The package with this id (`0x7f`), if any.
    pub fn package(&self, id: u32) -> Option<&Package> {
        self.packages.iter().find(|package| package.id == id)
    }

    /// The number of strings in the global string pool.
    pub fn global_string_count(&self) -> usize {
        self.strings.len()
    }

    /// String `index` of the global string pool.
    pub fn global_string(&self, index: u32) -> Option<Cow<'_, str>> {
        self.strings.get(&self.data, index)
    }

    /// The name of a resource id (`xml/network_security_config`), if the table defines it.
    pub fn name_of(&self, id: u32) -> Option<ResourceName> {
        self.name_of_with(id, &mut self.budget())
    }

    pub(crate) fn name_of_with(&self, id: u32, budget: &mut StringBudget) -> Option<ResourceName> {
        let (package_id, type_id, index) = split_id(id);
        let data = self.data.as_slice();
        self.packages
            .iter()
            .filter(|p| p.id == package_id)
            .find_map(|package| {
                let group = package.group(type_id)?;
                let key = group.variants.iter().find_map(|variant| {
                    let offset = self.entry_offset(variant, index)?;
                    self.locate_entry(variant, offset).ok().map(|raw| raw.key)
                })?;
                let type_index = u32::from(type_id.checked_sub(1)?);
                let cost = package.name.len()
                    + package.type_strings.encoded_len(data, type_index)?
                    + package.key_strings.encoded_len(data, key)?;
                if !budget.charge(cost) {
                    return None;
                }
                Some(ResourceName {
                    package: package.name.clone(),
                    type_name: package.type_name(data, type_id)?,
                    entry: package.key_strings.get(data, key)?.into_owned(),
                })
            })
    }

    /// The id of `type_name/entry` (`("xml", "network_security_config")`), searching packages
    /// in file order.
    pub fn id_of(&self, type_name: &str, entry: &str) -> Option<u32> {
        for package in &self.packages {
            // Decoding (lossily, for invalid data) turns n encoded units into n..=3n UTF-8
            // bytes, so keys whose encoded size rules out `entry` are never decoded.
            let unit = if package.key_strings.is_utf8() { 1 } else { 2 };
            let could_match = |encoded: usize| {
                let units = encoded / unit;
                units <= entry.len() && entry.len() <= units.saturating_mul(3)
            };
            for group in &package.types {
                if package.type_name(&self.data, group.id).as_deref() != Some(type_name) {
                    continue;
                }
                for variant in &group.variants {
                    for (index, offset) in self.variant_offsets(variant) {
                        let Ok(raw) = self.locate_entry(variant, offset) else {
                            continue;
                        };
                        if !package
                            .key_strings
                            .encoded_len(&self.data, raw.key)
                            .is_some_and(could_match)
                        {
                            continue;
                        }
                        if package.key_strings.get(&self.data, raw.key).as_deref() == Some(entry) {
                            return Some(
                                (package.id << 24) | (u32::from(group.id) << 16) | u32::from(index),
                            );
                        }
                    }
                }
            }
        }
        None
    }

    /// Every configuration's entry for a resource id.
    pub fn entries(&self, id: u32) -> Vec<Entry> {
        let mut budget = self.budget();
        self.entries_with(id, &mut budget)
    }

    fn entries_with(&self, id: u32, budget: &mut StringBudget) -> Vec<Entry> {
        self.candidates(id)
            .into_iter()
            .map(|(package, variant, raw)| self.decode_entry(package, id, variant, raw, budget))
            .collect()
    }

    /// The located (not yet decoded) entries of a resource id, one per configuration.
    fn candidates(&self, id: u32) -> Vec<(&Package, &TypeVariant, RawEntry)> {
        let (package_id, type_id, index) = split_id(id);
        let mut out = Vec::new();
        for package in self.packages.iter().filter(|p| p.id == package_id) {
            let Some(group) = package.group(type_id) else {
                continue;
            };
            for variant in &group.variants {
                let Some(offset) = self.entry_offset(variant, index) else {
                    continue;
                };
                if let Ok(raw) = self.locate_entry(variant, offset) {
                    out.push((package, variant, raw));
                }
            }
        }
        out
    }

    /// The entry a lookup without a device would pick: the one in `prefer` when present, else
    /// the default configuration's, else the least specific one.
    fn chosen_entry(
        &self,
        id: u32,
        prefer: Option<&Config>,
        budget: &mut StringBudget,
    ) -> Option<Entry> {
        let candidates = self.candidates(id);
        let preferred = prefer.and_then(|c| candidates.iter().position(|(_, v, _)| v.config == *c));
        let index = preferred.or_else(|| {
            (0..candidates.len()).min_by_key(|&i| default_rank(&candidates[i].1.config))
        })?;
        let (package, variant, raw) = candidates[index];
        Some(self.decode_entry(package, id, variant, raw, budget))
    }

    /// Every configuration's simple value for a resource id, with references followed (up to
    /// [`MAX_REFERENCE_DEPTH`] hops, preferring the same configuration at each hop).
    pub fn resolve(&self, id: u32) -> Vec<(Config, Value)> {
        let mut budget = self.budget();
        self.entries_with(id, &mut budget)
            .into_iter()
            .filter_map(|entry| match entry.value {
                EntryValue::Simple { value } => {
                    let config = entry.config;
                    Some((config, self.follow(value, Some(&config), &mut budget)))
                }
                EntryValue::Bag { .. } => None,
            })
            .collect()
    }

    /// The value a device with no special configuration would most likely get: the default
    /// configuration's value, else the least specific one (fewest qualifiers, then highest SDK
    /// level and density). References are followed.
    pub fn default_value(&self, id: u32) -> Option<Value> {
        self.default_value_with(id, &mut self.budget())
    }

    pub(crate) fn default_value_with(&self, id: u32, budget: &mut StringBudget) -> Option<Value> {
        let entry = self.chosen_entry(id, None, budget)?;
        match entry.value {
            EntryValue::Simple { value } => Some(self.follow(value, Some(&entry.config), budget)),
            EntryValue::Bag { .. } => None,
        }
    }

    /// The default-configuration entry of a resource (see [`ResourceTable::default_value`]),
    /// including bags.
    pub fn default_entry(&self, id: u32) -> Option<Entry> {
        self.chosen_entry(id, None, &mut self.budget())
    }

    /// Follows `value` while it is a reference this table defines, up to
    /// [`MAX_REFERENCE_DEPTH`] hops. Returns the last value reached (the reference itself when
    /// it points outside the table, e.g. into the framework).
    pub fn resolve_value(&self, value: &Value) -> Value {
        self.follow(value.clone(), None, &mut self.budget())
    }

    pub(crate) fn resolve_value_with(&self, value: &Value, budget: &mut StringBudget) -> Value {
        self.follow(value.clone(), None, budget)
    }

    fn follow(
        &self,
        mut value: Value,
        config: Option<&Config>,
        budget: &mut StringBudget,
    ) -> Value {
        for _ in 0..MAX_REFERENCE_DEPTH {
            let Some(target) = value.reference_id() else {
                return value;
            };
            match self.chosen_entry(target, config, budget) {
                Some(Entry {
                    value: EntryValue::Simple { value: next },
                    ..
                }) => value = next,
                _ => return value,
            }
        }
        value
    }

    /// A budget for the strings one lookup may copy out of this table.
    pub(crate) fn budget(&self) -> StringBudget {
        StringBudget::for_input(self.data.len())
    }

    /// The file a resource points to in the default configuration (`@xml/network_security_config`
    /// → `res/xml/network_security_config.xml`, or `res/a1.xml` after resource shrinking).
    pub fn file_path(&self, id: u32) -> Option<String> {
        self.file_path_with(id, &mut self.budget())
    }

    pub(crate) fn file_path_with(&self, id: u32, budget: &mut StringBudget) -> Option<String> {
        match self.default_value_with(id, budget)? {
            Value::String(path) if !path.is_empty() => Some(path),
            _ => None,
        }
    }

    /// Every configuration's file path for a resource (`res/xml/…`, `res/xml-v24/…`).
    pub fn file_paths(&self, id: u32) -> Vec<(Config, String)> {
        self.resolve(id)
            .into_iter()
            .filter_map(|(config, value)| match value {
                Value::String(path) if !path.is_empty() => Some((config, path)),
                _ => None,
            })
            .collect()
    }

    /// Every resource id that has at least one entry, in ascending order.
    pub fn resource_ids(&self) -> Vec<u32> {
        let mut ids = Vec::new();
        for package in &self.packages {
            for group in &package.types {
                for variant in &group.variants {
                    for (index, offset) in self.variant_offsets(variant) {
                        if self.locate_entry(variant, offset).is_ok() {
                            ids.push(
                                (package.id << 24) | (u32::from(group.id) << 16) | u32::from(index),
                            );
                        }
                    }
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Every string value in the table with its resource name and configuration, including the
    /// string items of arrays and plurals. File paths of file-based resources (layouts, xml,
    /// drawables) are left out. The copied text is capped at a budget proportional to the
    /// table's size (see `limit.decoded_strings`), which only hostile tables reach.
    pub fn string_resources(&self) -> Vec<StringResource> {
        let mut budget = self.budget();
        let mut out = Vec::new();
        for package in &self.packages {
            for group in &package.types {
                let Some(type_name) = package.type_name(&self.data, group.id) else {
                    continue;
                };
                let file_based = FILE_TYPES.contains(&type_name.as_str());
                for variant in &group.variants {
                    for (index, offset) in self.variant_offsets(variant) {
                        let Ok(raw) = self.locate_entry(variant, offset) else {
                            continue;
                        };
                        if budget.exhausted() {
                            return out;
                        }
                        let id =
                            (package.id << 24) | (u32::from(group.id) << 16) | u32::from(index);
                        let entry = self.decode_entry(package, id, variant, raw, &mut budget);
                        if !budget.charge(package.name.len() + type_name.len()) {
                            return out;
                        }
                        let name = ResourceName {
                            package: package.name.clone(),
                            type_name: type_name.clone(),
                            entry: entry.key.clone(),
                        };
                        match entry.value {
                            EntryValue::Simple {
                                value: Value::String(value),
                            } if !file_based => {
                                out.push(StringResource {
                                    id,
                                    name,
                                    config: entry.config,
                                    bag_key: None,
                                    value,
                                });
                            }
                            EntryValue::Bag { items, .. } => {
                                for item in items {
                                    if let Value::String(value) = item.value {
                                        if !budget.charge(name.type_name.len() + name.entry.len()) {
                                            return out;
                                        }
                                        out.push(StringResource {
                                            id,
                                            name: name.clone(),
                                            config: entry.config,
                                            bag_key: Some(item.key),
                                            value,
                                        });
                                    }
                                }
                            }
                            EntryValue::Simple { .. } => {}
                        }
                    }
                }
            }
        }
        out
    }

    /// A line-per-value listing of the whole table, for debugging and differential tests
    /// (capped at a size proportional to the table's).
    pub fn dump(&self) -> String {
        use std::fmt::Write;
        let mut budget = self.budget();
        let limit = StringBudget::limit_for(self.data.len());
        let mut out = String::new();
        for package in &self.packages {
            let _ = writeln!(out, "package 0x{:02x} {}", package.id, package.name);
            for group in &package.types {
                let type_name = package.type_name(&self.data, group.id).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  type 0x{:02x} {type_name} ({} configs)",
                    group.id,
                    group.variants.len()
                );
                for variant in &group.variants {
                    let _ = writeln!(out, "    config {}", variant.config);
                    for (index, offset) in self.variant_offsets(variant) {
                        let Ok(raw) = self.locate_entry(variant, offset) else {
                            continue;
                        };
                        if out.len() > limit {
                            out.push_str("... (output capped)\n");
                            return out;
                        }
                        let id =
                            (package.id << 24) | (u32::from(group.id) << 16) | u32::from(index);
                        let entry = self.decode_entry(package, id, variant, raw, &mut budget);
                        match &entry.value {
                            EntryValue::Simple { value } => {
                                let _ = writeln!(
                                    out,
                                    "      0x{id:08x} {type_name}/{} = {}",
                                    entry.key,
                                    dump_value(value)
                                );
                            }
                            EntryValue::Bag { parent, items } => {
                                let _ = writeln!(
                                    out,
                                    "      0x{id:08x} {type_name}/{} = bag parent=0x{parent:08x} count={}",
                                    entry.key,
                                    items.len()
                                );
                                for item in items {
                                    let _ = writeln!(
                                        out,
                                        "        0x{:08x} = {}",
                                        item.key,
                                        dump_value(&item.value)
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }

    /// `(entry index, offset from entries start)` for every present entry of a variant.
    fn variant_offsets<'s>(
        &'s self,
        variant: &'s TypeVariant,
    ) -> impl Iterator<Item = (u16, u32)> + 's {
        let data = self.data.as_slice();
        (0..variant.entry_count).filter_map(move |slot| match variant.encoding {
            OffsetEncoding::Dense => {
                let offset = u32_at(data, variant.offsets_at + slot * 4)?;
                (offset != NO_ENTRY && slot <= 0xffff).then_some((slot as u16, offset))
            }
            OffsetEncoding::Offset16 => {
                let offset = u16_at(data, variant.offsets_at + slot * 2)?;
                (offset != 0xffff && slot <= 0xffff).then_some((slot as u16, u32::from(offset) * 4))
            }
            OffsetEncoding::Sparse => {
                let index = u16_at(data, variant.offsets_at + slot * 4)?;
                let offset = u16_at(data, variant.offsets_at + slot * 4 + 2)?;
                Some((index, u32::from(offset) * 4))
            }
        })
    }

    /// The offset of entry `index` in a variant, as `LoadedPackage::GetEntryOffset` finds it.
    fn entry_offset(&self, variant: &TypeVariant, index: u16) -> Option<u32> {
        let data = self.data.as_slice();
        match variant.encoding {
            OffsetEncoding::Sparse => {
                // Sorted by index: binary search, as Android's lower_bound.
                let (mut low, mut high) = (0usize, variant.entry_count);
                while low < high {
                    let mid = low + (high - low) / 2;
                    let at = variant.offsets_at + mid * 4;
                    let mid_index = u16_at(data, at)?;
                    match mid_index.cmp(&index) {
                        std::cmp::Ordering::Less => low = mid + 1,
                        std::cmp::Ordering::Greater => high = mid,
                        std::cmp::Ordering::Equal => {
                            return u16_at(data, at + 2).map(|o| u32::from(o) * 4);
                        }
                    }
                }
                None
            }
            _ if usize::from(index) >= variant.entry_count => None,
            OffsetEncoding::Offset16 => {
                let offset = u16_at(data, variant.offsets_at + usize::from(index) * 2)?;
                (offset != 0xffff).then_some(u32::from(offset) * 4)
            }
            OffsetEncoding::Dense => {
                let offset = u32_at(data, variant.offsets_at + usize::from(index) * 4)?;
                (offset != NO_ENTRY).then_some(offset)
            }
        }
    }

    /// Checks an entry's header against the chunk and returns its location.
    fn locate_entry(&self, variant: &TypeVariant, offset: u32) -> Result<RawEntry, String> {
        let data = self.data.as_slice();
        let at = variant
            .entries_start
            .checked_add(offset as usize)
            .ok_or("offset overflows")?;
        if offset & 3 != 0 {
            return Err(format!("offset {offset} is not 4-byte aligned"));
        }
        if at
            .checked_add(SIMPLE_ENTRY_LEN)
            .is_none_or(|end| end > variant.chunk_end)
        {
            return Err(format!("offset {offset} is past the end of the type chunk"));
        }
        let size = usize::from(u16_at(data, at).unwrap_or(0));
        let flags = u16_at(data, at + 2).unwrap_or(0);
        if flags & ENTRY_FLAG_COMPACT != 0 {
            return Ok(RawEntry {
                at,
                end: at + SIMPLE_ENTRY_LEN,
                flags,
                key: u32::from(size as u16),
            });
        }
        let key = u32_at(data, at + 4).unwrap_or(0);
        if flags & ENTRY_FLAG_COMPLEX != 0 {
            if size < MAP_ENTRY_LEN || at + size > variant.chunk_end {
                return Err(format!("complex entry size {size} is invalid"));
            }
        } else if size < SIMPLE_ENTRY_LEN || at + size + SIMPLE_ENTRY_LEN > variant.chunk_end {
            return Err(format!("entry size {size} leaves no room for its value"));
        }
        Ok(RawEntry {
            at,
            end: variant.chunk_end,
            flags,
            key,
        })
    }

    fn decode_raw_value(&self, raw: RawValue, budget: &mut StringBudget) -> Value {
        if raw.data_type == TYPE_STRING {
            let affordable = self
                .strings
                .encoded_len(&self.data, raw.data)
                .is_some_and(|len| budget.charge(len));
            let text = if affordable {
                self.strings.get(&self.data, raw.data)
            } else {
                None
            };
            Value::String(text.map(Cow::into_owned).unwrap_or_default())
        } else {
            raw.decode(|_| None)
        }
    }

    fn decode_entry(
        &self,
        package: &Package,
        id: u32,
        variant: &TypeVariant,
        raw: RawEntry,
        budget: &mut StringBudget,
    ) -> Entry {
        let data = self.data.as_slice();
        let key = package
            .key_strings
            .encoded_len(data, raw.key)
            .filter(|&len| budget.charge(len))
            .and_then(|_| package.key_strings.get(data, raw.key))
            .map(Cow::into_owned)
            .unwrap_or_default();
        let value = if raw.flags & ENTRY_FLAG_COMPACT != 0 {
            let data_type = (raw.flags >> 8) as u8;
            let value_data = u32_at(data, raw.at + 4).unwrap_or(0);
            EntryValue::Simple {
                value: self.decode_raw_value(
                    RawValue {
                        data_type,
                        data: value_data,
                    },
                    budget,
                ),
            }
        } else if raw.flags & ENTRY_FLAG_COMPLEX != 0 {
            let size = usize::from(u16_at(data, raw.at).unwrap_or(0));
            let parent = u32_at(data, raw.at + 8).unwrap_or(0);
            let count = u32_at(data, raw.at + 12).unwrap_or(0) as usize;
            let maps_at = raw.at + size;
            let room = raw.end.saturating_sub(maps_at) / MAP_LEN;
            // Bag items cost memory even without strings: charge them to the budget too.
            let count = budget.charge_up_to(count.min(room), size_of::<BagItem>());
            let items = (0..count)
                .map(|i| {
                    let at = maps_at + i * MAP_LEN;
                    let key = u32_at(data, at).unwrap_or(0);
                    let raw_value = RawValue {
                        data_type: u8_at(data, at + 7).unwrap_or(0),
                        data: u32_at(data, at + 8).unwrap_or(0),
                    };
                    BagItem {
                        key,
                        value: self.decode_raw_value(raw_value, budget),
                    }
                })
                .collect();
            EntryValue::Bag { parent, items }
        } else {
            let size = usize::from(u16_at(data, raw.at).unwrap_or(0));
            let value_at = raw.at + size;
            let raw_value = RawValue {
                data_type: u8_at(data, value_at + 3).unwrap_or(0),
                data: u32_at(data, value_at + 4).unwrap_or(0),
            };
            EntryValue::Simple {
                value: self.decode_raw_value(raw_value, budget),
            }
        };
        Entry {
            id,
            config: variant.config,
            key,
            public: raw.flags & ENTRY_FLAG_PUBLIC != 0,
            weak: raw.flags & ENTRY_FLAG_WEAK != 0,
            value,
        }
    }
}

/// Types whose string values are file paths, not text.
const FILE_TYPES: &[&str] = &[
    "anim",
    "animator",
    "drawable",
    "font",
    "interpolator",
    "layout",
    "menu",
    "mipmap",
    "navigation",
    "raw",
    "transition",
    "xml",
];

/// Orders configurations for a lookup without a device: the default first, then fewest
/// qualifiers, then highest SDK level and density.
fn default_rank(config: &Config) -> (bool, u32, std::cmp::Reverse<u16>, std::cmp::Reverse<u16>) {
    (
        !config.is_default(),
        config.specificity(),
        std::cmp::Reverse(config.sdk_version),
        std::cmp::Reverse(config.density),
    )
}

fn dump_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("(string) {s:?}"),
        other => format!("({}) {other}", value_kind(other)),
    }
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null | Value::Empty => "null",
        Value::Reference(_) => "reference",
        Value::Attribute(_) => "attribute",
        Value::DynamicReference(_) => "dynamic-reference",
        Value::DynamicAttribute(_) => "dynamic-attribute",
        Value::String(_) => "string",
        Value::Float(_) => "float",
        Value::Dimension { .. } => "dimension",
        Value::Fraction { .. } => "fraction",
        Value::IntDec(_) => "int",
        Value::IntHex(_) => "hex",
        Value::Boolean(_) => "boolean",
        Value::Color { .. } => "color",
        Value::Unknown { .. } => "unknown",
    }
}

impl Package {
    /// The package id (`0x7f` for apps, `0x01` for the framework).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The package name from the package header.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Shared libraries this package references.
    pub fn libraries(&self) -> &[SharedLibrary] {
        &self.libraries
    }

    /// `(type id, type name, configurations)` for every type, in id order.
    pub fn types(&self, table: &ResourceTable) -> Vec<(u8, String, Vec<Config>)> {
        self.types
            .iter()
            .map(|group| {
                let name = self.type_name(&table.data, group.id).unwrap_or_default();
                (
                    group.id,
                    name,
                    group.variants.iter().map(|v| v.config).collect(),
                )
            })
            .collect()
    }

    /// The type spec flags of an entry (`SPEC_PUBLIC` is 0x40000000), if the spec has it.
    pub fn spec_flags(&self, table: &ResourceTable, id: u32) -> Option<u32> {
        let (_, type_id, index) = split_id(id);
        let (at, count) = self.group(type_id)?.spec?;
        if usize::from(index) >= count {
            return None;
        }
        u32_at(&table.data, at + usize::from(index) * 4)
    }

    fn group(&self, type_id: u8) -> Option<&TypeGroup> {
        self.types.iter().find(|group| group.id == type_id)
    }

    fn type_name(&self, data: &[u8], type_id: u8) -> Option<String> {
        let index = u32::from(type_id.checked_sub(1)?);
        self.type_strings.get(data, index).map(Cow::into_owned)
    }

    fn group_mut(&mut self, type_id: u8) -> &mut TypeGroup {
        if let Some(i) = self.types.iter().position(|group| group.id == type_id) {
            return &mut self.types[i];
        }
        let at = self.types.partition_point(|group| group.id < type_id);
        self.types.insert(
            at,
            TypeGroup {
                id: type_id,
                spec: None,
                variants: Vec::new(),
            },
        );
        &mut self.types[at]
    }
}

fn plausible_package_child(kind: u16) -> bool {
    matches!(
        kind,
        RES_STRING_POOL_TYPE
            | RES_TABLE_TYPE_TYPE
            | RES_TABLE_TYPE_SPEC_TYPE
            | RES_TABLE_LIBRARY_TYPE
            | RES_TABLE_OVERLAYABLE_TYPE
            | RES_TABLE_STAGED_ALIAS_TYPE
    )
}

fn parse_package(data: &[u8], chunk: &Chunk<'_>, anomalies: &mut Anomalies) -> Option<Package> {
    let bytes = chunk.bytes;
    if bytes.len() < PACKAGE_HEADER_MIN {
        anomalies.add(AnomalyKind::BadPackage, Some(chunk.offset), || {
            format!(
                "package chunk is {} bytes, shorter than a package header; skipped",
                bytes.len()
            )
        });
        return None;
    }
    let header_size = if chunk.header_size < PACKAGE_HEADER_MIN {
        anomalies.add(AnomalyKind::BadHeaderSize, Some(chunk.offset), || {
            format!("package header size {} is below {PACKAGE_HEADER_MIN}; assumed {PACKAGE_HEADER_MIN}", chunk.header_size)
        });
        PACKAGE_HEADER_MIN
    } else {
        chunk.header_size
    };
    let id = u32_at(bytes, 8).unwrap_or(0);
    let name = utf16_name(bytes, 12, 128);
    let type_strings_at = u32_at(bytes, 268).unwrap_or(0) as usize;
    let key_strings_at = u32_at(bytes, 276).unwrap_or(0) as usize;
    if id > 0xff {
        anomalies.add(AnomalyKind::BadPackage, Some(chunk.offset), || {
            format!("package id 0x{id:x} does not fit in 8 bits")
        });
    }

    let mut package = Package {
        id: id & 0xff,
        name,
        type_strings: PoolIndex::default(),
        key_strings: PoolIndex::default(),
        types: Vec::new(),
        libraries: Vec::new(),
    };
    let mut type_pool = None;
    let mut key_pool = None;
    let mut other_pools = Vec::new();
    let body = &bytes[header_size.min(bytes.len())..];
    let mut walker = ChunkWalker::new(
        body,
        chunk.offset + header_size,
        "package",
        plausible_package_child,
    );
    while let Some(child) = walker.next_chunk(anomalies) {
        let relative = child.offset - chunk.offset;
        match child.kind {
            RES_STRING_POOL_TYPE if relative == type_strings_at && type_pool.is_none() => {
                type_pool = Some(child)
            }
            RES_STRING_POOL_TYPE if relative == key_strings_at && key_pool.is_none() => {
                key_pool = Some(child)
            }
            RES_STRING_POOL_TYPE => other_pools.push(child),
            RES_TABLE_TYPE_SPEC_TYPE => parse_type_spec(&mut package, &child, anomalies),
            RES_TABLE_TYPE_TYPE => parse_type(&mut package, &child, anomalies),
            RES_TABLE_LIBRARY_TYPE => parse_library(&mut package, &child, anomalies),
            RES_TABLE_OVERLAYABLE_TYPE
            | RES_TABLE_OVERLAYABLE_POLICY_TYPE
            | RES_TABLE_STAGED_ALIAS_TYPE => {}
            kind => anomalies.add(AnomalyKind::UnknownChunk, Some(child.offset), || {
                format!(
                    "skipped chunk type 0x{kind:04x} inside package 0x{:02x}",
                    package.id
                )
            }),
        }
    }
    // Pools whose offsets do not match the header: take them in order, as a fallback.
    let mut spare = other_pools.into_iter();
    if type_pool.is_none() {
        type_pool = spare.next();
        if type_pool.is_some() {
            anomalies.add(AnomalyKind::BadPackage, Some(chunk.offset), || {
                format!("package type-string offset {type_strings_at} points at no string pool; used the first unclaimed pool")
            });
        }
    }
    if key_pool.is_none() {
        key_pool = spare.next();
        if key_pool.is_some() {
            anomalies.add(AnomalyKind::BadPackage, Some(chunk.offset), || {
                format!("package key-string offset {key_strings_at} points at no string pool; used the next unclaimed pool")
            });
        }
    }
    if spare.next().is_some() {
        anomalies.add(AnomalyKind::MultipleStringPools, Some(chunk.offset), || {
            "package holds more string pools than its type and key pools; extras ignored"
                .to_string()
        });
    }
    match type_pool {
        Some(pool) => package.type_strings = PoolIndex::parse(data, &pool, anomalies),
        None => anomalies.add(AnomalyKind::MissingStringPool, Some(chunk.offset), || {
            format!("package 0x{:02x} has no type-name string pool", package.id)
        }),
    }
    match key_pool {
        Some(pool) => package.key_strings = PoolIndex::parse(data, &pool, anomalies),
        None => anomalies.add(AnomalyKind::MissingStringPool, Some(chunk.offset), || {
            format!("package 0x{:02x} has no key-name string pool", package.id)
        }),
    }
    for group in &package.types {
        if package.type_name(data, group.id).is_none() {
            let (id, count) = (group.id, package.type_strings.len());
            anomalies.add(AnomalyKind::BadTypeId, Some(chunk.offset), || {
                format!("type id {id} has no name ({count} type names)")
            });
        }
    }
    Some(package)
}

fn parse_type_spec(package: &mut Package, chunk: &Chunk<'_>, anomalies: &mut Anomalies) {
    let bytes = chunk.bytes;
    if bytes.len() < TYPE_SPEC_HEADER_LEN || chunk.header_size < TYPE_SPEC_HEADER_LEN {
        anomalies.add(AnomalyKind::BadTypeSpec, Some(chunk.offset), || {
            "type spec chunk is too short".to_string()
        });
        return;
    }
    let type_id = u8_at(bytes, 8).unwrap_or(0);
    if type_id == 0 {
        anomalies.add(AnomalyKind::BadTypeId, Some(chunk.offset), || {
            "type spec with type id 0 skipped".to_string()
        });
        return;
    }
    let declared = u32_at(bytes, 12).unwrap_or(0) as usize;
    let room = chunk.body().len() / 4;
    let count = declared.min(room);
    if count < declared {
        anomalies.add(AnomalyKind::BadTypeSpec, Some(chunk.offset), || {
            format!("type spec {type_id} declares {declared} entries but has room for {room}")
        });
    }
    let group = package.group_mut(type_id);
    if group.spec.is_some() {
        anomalies.add(AnomalyKind::BadTypeSpec, Some(chunk.offset), || {
            format!("second type spec for type {type_id}; the first one is kept")
        });
        return;
    }
    group.spec = Some((chunk.offset + chunk.header_size, count));
}

fn parse_type(package: &mut Package, chunk: &Chunk<'_>, anomalies: &mut Anomalies) {
    let bytes = chunk.bytes;
    if bytes.len() < TYPE_HEADER_FIXED + 4 || chunk.header_size < TYPE_HEADER_FIXED + 4 {
        anomalies.add(AnomalyKind::BadType, Some(chunk.offset), || {
            "type chunk is too short for its header".to_string()
        });
        return;
    }
    let type_id = u8_at(bytes, 8).unwrap_or(0);
    let flags = u8_at(bytes, 9).unwrap_or(0);
    let entry_count = u32_at(bytes, 12).unwrap_or(0) as usize;
    let entries_start = u32_at(bytes, 16).unwrap_or(0) as usize;
    if type_id == 0 {
        anomalies.add(AnomalyKind::BadTypeId, Some(chunk.offset), || {
            "type chunk with type id 0 skipped".to_string()
        });
        return;
    }
    let config_bytes = &bytes[TYPE_HEADER_FIXED..chunk.header_size.min(bytes.len())];
    let (config, config_size) = Config::read(config_bytes);
    if config_size < 28 || config_size > config_bytes.len() || config_size % 4 != 0 {
        anomalies.add(AnomalyKind::BadConfig, Some(chunk.offset + TYPE_HEADER_FIXED), || {
            format!(
                "type {type_id} config size is {config_size} (header has room for {}, current size {CURRENT_CONFIG_SIZE})",
                config_bytes.len()
            )
        });
    }
    let encoding = if flags & FLAG_SPARSE != 0 {
        OffsetEncoding::Sparse
    } else if flags & FLAG_OFFSET16 != 0 {
        OffsetEncoding::Offset16
    } else {
        OffsetEncoding::Dense
    };
    let slot = if encoding == OffsetEncoding::Offset16 {
        2
    } else {
        4
    };
    let offsets_room = entries_start
        .min(bytes.len())
        .saturating_sub(chunk.header_size)
        / slot;
    if entries_start > bytes.len()
        || entries_start < chunk.header_size
        || !entries_start.is_multiple_of(4)
    {
        anomalies.add(AnomalyKind::BadType, Some(chunk.offset), || {
            format!("type {type_id} ({config}) entries start at {entries_start}, outside its {}-byte chunk", bytes.len())
        });
        if entries_start > bytes.len() || entries_start < chunk.header_size {
            return;
        }
    }
    let count = entry_count.min(offsets_room);
    if count < entry_count {
        anomalies.add(AnomalyKind::BadType, Some(chunk.offset), || {
            format!("type {type_id} ({config}) declares {entry_count} entries but its offsets overlap the entry data")
        });
    }
    let variant = TypeVariant {
        config,
        encoding,
        offsets_at: chunk.offset + chunk.header_size,
        entry_count: count,
        entries_start: chunk.offset + entries_start,
        chunk_end: chunk.offset + bytes.len(),
    };
    package.group_mut(type_id).variants.push(variant);
}

fn parse_library(package: &mut Package, chunk: &Chunk<'_>, anomalies: &mut Anomalies) {
    const ENTRY_LEN: usize = 4 + 256;
    let count = u32_at(chunk.bytes, 8).unwrap_or(0) as usize;
    let body = chunk.body();
    let room = body.len() / ENTRY_LEN;
    if count > room {
        anomalies.add(AnomalyKind::BadPackage, Some(chunk.offset), || {
            format!("library chunk declares {count} entries but has room for {room}")
        });
    }
    for i in 0..count.min(room) {
        let at = i * ENTRY_LEN;
        package.libraries.push(SharedLibrary {
            package_id: u32_at(body, at).unwrap_or(0),
            package_name: utf16_name(body, at + 4, 128),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{E, Encoding, TypeChunk, config, table};

    const STRING: u8 = 1;
    const XML: u8 = 2;
    const BOOL: u8 = 3;

    fn sample(encoding: Encoding) -> Vec<u8> {
        let french = config(|c| c[8..10].copy_from_slice(b"fr"));
        let v24 = config(|c| c[24] = 24);
        let s = |key: u32, data: u32| {
            Some(E::Simple {
                key,
                data_type: 0x03,
                data,
            })
        };
        let r = |key: u32, target: u32| {
            Some(E::Simple {
                key,
                data_type: 0x01,
                data: target,
            })
        };
        table(
            0x7f,
            "com.example",
            &[
                "hello",
                "bonjour",
                "res/xml/a.xml",
                "res/xml-v24/a.xml",
                "one",
                "many",
            ],
            &["string", "xml", "bool"],
            &[
                "greeting", "nsc", "alias", "loop_a", "loop_b", "flag", "items",
            ],
            &[
                TypeChunk {
                    type_id: STRING,
                    config: config(|_| {}),
                    encoding,
                    entries: vec![
                        s(0, 0),
                        r(2, 0x7f01_0000),
                        r(3, 0x7f01_0003),
                        r(4, 0x7f01_0002),
                        Some(E::Bag {
                            key: 6,
                            parent: 0,
                            items: vec![(0x0100_0004, 0x03, 4), (0x0100_0005, 0x03, 5)],
                        }),
                    ],
                },
                TypeChunk {
                    type_id: STRING,
                    config: french,
                    encoding,
                    entries: vec![s(0, 1)],
                },
                TypeChunk {
                    type_id: XML,
                    config: v24,
                    encoding,
                    entries: vec![s(1, 3)],
                },
                TypeChunk {
                    type_id: XML,
                    config: config(|_| {}),
                    encoding,
                    entries: vec![s(1, 2)],
                },
                TypeChunk {
                    type_id: BOOL,
                    config: config(|_| {}),
                    encoding,
                    entries: vec![
                        None,
                        None,
                        Some(E::Compact {
                            key: 5,
                            data_type: 0x12,
                            data: 0xffff_ffff,
                        }),
                    ],
                },
            ],
        )
    }

    fn ids(anomalies: &[Anomaly]) -> Vec<&'static str> {
        anomalies.iter().map(|a| a.kind.id()).collect()
    }

    #[test]
    fn every_offset_encoding_gives_the_same_lookups() {
        for encoding in [Encoding::Dense, Encoding::Offset16, Encoding::Sparse] {
            let (table, anomalies) = ResourceTable::parse(&sample(encoding)).expect("parses");
            assert!(anomalies.is_empty(), "{anomalies:?}");
            assert_eq!(table.packages().len(), 1);
            assert_eq!(table.package(0x7f).map(Package::name), Some("com.example"));
            let greeting = table.resolve(0x7f01_0000);
            assert_eq!(greeting.len(), 2);
            assert_eq!(
                table.default_value(0x7f01_0000),
                Some(Value::String("hello".into()))
            );
            let french = greeting
                .iter()
                .find(|(c, _)| c.language() == "fr")
                .map(|(_, v)| v.clone());
            assert_eq!(french, Some(Value::String("bonjour".into())));
            assert_eq!(
                table.name_of(0x7f01_0000).map(|n| n.to_string()).as_deref(),
                Some("string/greeting")
            );
            assert_eq!(table.id_of("xml", "nsc"), Some(0x7f02_0000));
            assert_eq!(table.id_of("xml", "missing"), None);
            assert_eq!(
                table.file_path(0x7f02_0000).as_deref(),
                Some("res/xml/a.xml")
            );
            let mut paths: Vec<String> = table
                .file_paths(0x7f02_0000)
                .into_iter()
                .map(|(_, p)| p)
                .collect();
            paths.sort();
            assert_eq!(paths, vec!["res/xml-v24/a.xml", "res/xml/a.xml"]);
            assert_eq!(table.default_value(0x7f03_0002), Some(Value::Boolean(true)));
            assert_eq!(table.default_value(0x7f03_0000), None);
            assert_eq!(table.resource_ids().len(), 7);
        }
    }

    #[test]
    fn references_are_followed_with_a_cap() {
        let (table, _) = ResourceTable::parse(&sample(Encoding::Dense)).expect("parses");
        assert_eq!(
            table.default_value(0x7f01_0001),
            Some(Value::String("hello".into()))
        );
        // loop_a -> loop_b -> loop_a -> ...: stops after MAX_REFERENCE_DEPTH hops.
        let looped = table.default_value(0x7f01_0002);
        assert!(matches!(looped, Some(Value::Reference(_))), "{looped:?}");
        // A reference outside the table stays as it is.
        assert_eq!(
            table.resolve_value(&Value::Reference(0x0101_0000)),
            Value::Reference(0x0101_0000)
        );
    }

    #[test]
    fn bags_and_string_resources() {
        let (table, _) = ResourceTable::parse(&sample(Encoding::Dense)).expect("parses");
        let entry = table.default_entry(0x7f01_0004).expect("bag");
        assert_eq!(entry.key, "items");
        match &entry.value {
            EntryValue::Bag { parent, items } => {
                assert_eq!(*parent, 0);
                assert_eq!(items.len(), 2);
                assert_eq!(items[1].value, Value::String("many".into()));
            }
            other => panic!("not a bag: {other:?}"),
        }
        let strings = table.string_resources();
        let names: Vec<String> = strings
            .iter()
            .map(|s| format!("{}={}", s.name, s.value))
            .collect();
        assert_eq!(
            names,
            vec![
                "string/greeting=hello",
                "string/items=one",
                "string/items=many",
                "string/greeting=bonjour"
            ]
        );
        assert!(
            table
                .dump()
                .contains("0x7f010000 string/greeting = (string) \"hello\"")
        );
    }

    #[test]
    fn default_prefers_the_least_specific_config() {
        let night = config(|c| c[29] = 0x20);
        let v21 = config(|c| c[24] = 21);
        let data = table(
            0x7f,
            "p",
            &["night", "v21"],
            &["string"],
            &["k"],
            &[
                TypeChunk {
                    type_id: 1,
                    config: night,
                    encoding: Encoding::Dense,
                    entries: vec![Some(E::Simple {
                        key: 0,
                        data_type: 3,
                        data: 0,
                    })],
                },
                TypeChunk {
                    type_id: 1,
                    config: v21,
                    encoding: Encoding::Dense,
                    entries: vec![Some(E::Simple {
                        key: 0,
                        data_type: 3,
                        data: 1,
                    })],
                },
            ],
        );
        let (table, _) = ResourceTable::parse(&data).expect("parses");
        assert_eq!(
            table.default_value(0x7f01_0000),
            Some(Value::String("v21".into()))
        );
    }

    #[test]
    fn bad_entries_are_reported_and_skipped() {
        let mut data = sample(Encoding::Dense);
        // The first type chunk's first offset: find the string type chunk (type id 1, flags 0).
        let at = data
            .windows(4)
            .position(|w| w == [0x01, 0x02, 0x54, 0x00])
            .expect("type chunk");
        let offsets = at + 0x54;
        data[offsets..offsets + 4].copy_from_slice(&0x00ff_fff0u32.to_le_bytes());
        let (table, anomalies) = ResourceTable::parse(&data).expect("parses");
        assert_eq!(ids(&anomalies), vec!["arsc.bad_entry"]);
        assert_eq!(
            table.resolve(0x7f01_0000).len(),
            1,
            "the French value survives"
        );
        assert_eq!(
            table.default_value(0x7f01_0000),
            Some(Value::String("bonjour".into()))
        );
    }

    #[test]
    fn truncated_tables_keep_what_is_there() {
        let data = sample(Encoding::Dense);
        let cut = &data[..data.len() - 30];
        let (table, anomalies) = ResourceTable::parse(cut).expect("parses");
        assert!(ids(&anomalies).contains(&"chunk.truncated"));
        assert_eq!(
            table.default_value(0x7f01_0000),
            Some(Value::String("hello".into()))
        );
    }

    #[test]
    fn hopeless_tables_are_errors() {
        assert!(matches!(
            ResourceTable::parse(&[2, 0, 12]),
            Err(ArscError::TooShort(3))
        ));
        let mut no_package = crate::testkit::chunk(RES_TABLE_TYPE, &0u32.to_le_bytes(), &[]);
        no_package.extend_from_slice(&[0; 4]);
        assert!(matches!(
            ResourceTable::parse(&no_package),
            Err(ArscError::NoPackages { .. })
        ));
    }

    #[test]
    fn package_count_mismatch_is_reported() {
        let mut data = sample(Encoding::Sparse);
        data[8..12].copy_from_slice(&3u32.to_le_bytes());
        let (_, anomalies) = ResourceTable::parse(&data).expect("parses");
        assert_eq!(ids(&anomalies), vec!["arsc.package_count_mismatch"]);
    }

    #[test]
    fn one_huge_string_referenced_many_times_is_capped() {
        let huge = "y".repeat(100_000);
        let entries = (0..2000)
            .map(|_| {
                Some(E::Simple {
                    key: 0,
                    data_type: 0x03,
                    data: 0,
                })
            })
            .collect();
        let data = table(
            0x7f,
            "p",
            &[&huge],
            &["string"],
            &["k"],
            &[TypeChunk {
                type_id: 1,
                config: config(|_| {}),
                encoding: Encoding::Dense,
                entries,
            }],
        );
        let (table, anomalies) = ResourceTable::parse(&data).expect("parses");
        assert_eq!(ids(&anomalies), vec!["limit.decoded_strings"]);
        let limit = StringBudget::limit_for(data.len());
        let strings = table.string_resources();
        let copied: usize = strings.iter().map(|s| s.value.len()).sum();
        assert!(copied <= limit && !strings.is_empty(), "{copied}");
        assert!(table.dump().len() <= limit + 200_000);
        assert_eq!(
            table
                .default_value(0x7f01_07cf)
                .map(|v| v.as_str().map(str::len)),
            Some(Some(100_000))
        );
    }
}
