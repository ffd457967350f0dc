//! Shared machinery of the typed views: attribute lookup the way Android does it, reference
//! resolution through the resource table, and [`ResourceLink`].

use std::collections::HashSet;

use serde::Serialize;

use crate::android_attrs;
use crate::anomaly::{Anomalies, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::budget::StringBudget;
use crate::value::Value;
use crate::xml::{Attribute, Element};

/// A reference to a resource, named and located through the resource table when possible
/// (`@xml/network_security_config` → `res/xml/network_security_config.xml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceLink {
    /// The resource id.
    pub id: u32,
    /// `type/entry`, when the table names the id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The file in the APK for the default configuration, for file-based resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl ResourceLink {
    fn new(id: u32, table: Option<&ResourceTable>, budget: &mut StringBudget) -> Self {
        ResourceLink {
            id,
            name: table
                .and_then(|t| t.name_of_with(id, budget))
                .map(|name| name.to_string()),
            path: table.and_then(|t| t.file_path_with(id, budget)),
        }
    }
}

/// Attribute access for one view: finds attributes, resolves references, records anomalies.
pub(crate) struct Reader<'t> {
    pub table: Option<&'t ResourceTable>,
    pub anomalies: Anomalies,
    /// Strings copied out of the table for this view (see [`StringBudget`]).
    budget: StringBudget,
    budget_reported: bool,
    /// `(element offset, attribute id)` pairs already reported, since views may read one
    /// attribute more than once.
    reported: HashSet<(u64, u32)>,
}

impl<'t> Reader<'t> {
    pub(crate) fn new(table: Option<&'t ResourceTable>) -> Self {
        Reader {
            table,
            anomalies: Anomalies::new(),
            budget: table.map_or_else(|| StringBudget::for_input(0), ResourceTable::budget),
            budget_reported: false,
            reported: HashSet::new(),
        }
    }

    /// A link to resource `id`, named and located through the table.
    pub(crate) fn link_to(&mut self, id: u32) -> ResourceLink {
        let link = ResourceLink::new(id, self.table, &mut self.budget);
        self.report_budget();
        link
    }

    fn report_budget(&mut self) {
        if self.budget.exhausted() && !self.budget_reported {
            self.budget_reported = true;
            self.anomalies.add(AnomalyKind::StringBudget, None, || {
                "resources referenced by this document copy more string bytes than the view's budget; later ones are left unresolved".to_string()
            });
        }
    }

    /// The `android:` attribute with resource id `id`. Like Android, the id decides: an attribute
    /// with the right name but no resource id is invisible to the platform's package parser, so it
    /// is not used either (a decoy `exported="true"` must not make a component look exported); its
    /// presence is recorded as an anomaly.
    pub(crate) fn android<'e>(&mut self, element: &'e Element, id: u32) -> Option<&'e Attribute> {
        let by_id = element.attribute_by_id(id);
        let name = android_attrs::name_of(id);
        let by_name = name.and_then(|name| {
            element
                .attributes
                .iter()
                .find(|a| a.resource_id.is_none() && a.name == name)
        });
        let first_time = by_name.is_some() && self.reported.insert((element.offset, id));
        match (by_id, by_name) {
            (Some(found), None) => Some(found),
            (Some(found), Some(_)) if !first_time => Some(found),
            (None, Some(_)) if !first_time => None,
            (Some(found), Some(shadow)) => {
                let budget = &mut self.budget;
                let mut resolve = |value: &Value| match self.table {
                    Some(table) => table.resolve_value_with(value, budget),
                    None => value.clone(),
                };
                let (by_id, by_name) = (resolve(&found.value), resolve(&shadow.value));
                if by_id != by_name {
                    let name = name.unwrap_or_default();
                    self.anomalies.add(AnomalyKind::AttributeConflict, Some(element.offset as usize), || {
                        format!(
                            "<{}> line {}: android:{name} is {by_id} by resource id but {by_name} in an attribute of the same name without id; the id wins, as on Android",
                            element.name, element.line
                        )
                    });
                }
                Some(found)
            }
            (None, Some(shadow)) => {
                let name = name.unwrap_or_default();
                self.anomalies.add(AnomalyKind::AttributeFoundByName, Some(element.offset as usize), || {
                    format!(
                        "<{}> line {}: android:{name} has no resource id, so Android ignores it (and so does this view)",
                        element.name, element.line
                    )
                });
                let _ = shadow;
                None
            }
            (None, None) => None,
        }
    }

    /// The value of an `android:` attribute with references followed through the table.
    pub(crate) fn value(&mut self, element: &Element, id: u32) -> Option<Value> {
        let value = self.android(element, id)?.value.clone();
        self.resolve(element, id, value)
    }

    fn resolve(&mut self, element: &Element, id: u32, value: Value) -> Option<Value> {
        if value.reference_id().is_none() {
            return match value {
                Value::Null => None,
                other => Some(other),
            };
        }
        let Some(table) = self.table else {
            return Some(value);
        };
        let resolved = table.resolve_value_with(&value, &mut self.budget);
        self.report_budget();
        if resolved.reference_id().is_some() {
            let name = android_attrs::name_of(id).unwrap_or("?");
            self.anomalies.add(
                AnomalyKind::UnresolvedReference,
                Some(element.offset as usize),
                || {
                    format!(
                        "<{}> line {}: android:{name}={value} is not defined in the resource table",
                        element.name, element.line
                    )
                },
            );
        }
        Some(resolved)
    }

    /// A boolean `android:` attribute as `TypedArray.getBoolean` reads it.
    pub(crate) fn bool(&mut self, element: &Element, id: u32) -> Option<bool> {
        let value = self.value(element, id)?;
        let result = value.as_bool();
        let odd = match &value {
            Value::String(s) => {
                !matches!(s.as_str(), "true" | "TRUE" | "1" | "false" | "FALSE" | "0")
            }
            other => result.is_none() && other.reference_id().is_none(),
        };
        if odd {
            self.unexpected(element, id, &value, "a boolean");
        }
        result
    }

    /// An integer `android:` attribute as `TypedArray.getInt` reads it.
    pub(crate) fn int(&mut self, element: &Element, id: u32) -> Option<i64> {
        let value = self.value(element, id)?;
        let result = value.as_int();
        if result.is_none() && value.reference_id().is_none() {
            self.unexpected(element, id, &value, "an integer");
        }
        result
    }

    /// A string `android:` attribute; non-string values are rendered as text.
    pub(crate) fn string(&mut self, element: &Element, id: u32) -> Option<String> {
        let value = self.value(element, id)?;
        match value {
            Value::String(s) => Some(s),
            Value::Reference(_) | Value::DynamicReference(_) => None,
            other => other.coerce_to_string(),
        }
    }

    /// An `android:` attribute that names a resource (`@xml/…`), as a link.
    pub(crate) fn link(&mut self, element: &Element, id: u32) -> Option<ResourceLink> {
        let attribute = self.android(element, id)?;
        match attribute.value.reference_id() {
            Some(target) => Some(self.link_to(target)),
            None => {
                let value = attribute.value.clone();
                if value != Value::Null {
                    self.unexpected(element, id, &value, "a resource reference");
                }
                None
            }
        }
    }

    fn unexpected(&mut self, element: &Element, id: u32, value: &Value, wanted: &str) {
        let name = android_attrs::name_of(id).unwrap_or("?");
        self.anomalies.add(
            AnomalyKind::UnexpectedValueType,
            Some(element.offset as usize),
            || {
                format!(
                    "<{}> line {}: android:{name}=\"{value}\" is not {wanted}",
                    element.name, element.line
                )
            },
        );
    }

    /// A plain (namespace-less) attribute as `getAttributeValue(null, name)` returns it.
    pub(crate) fn plain_string(&mut self, element: &Element, name: &str) -> Option<String> {
        element.attribute(name).and_then(Attribute::string_value)
    }

    /// A plain attribute as `getAttributeBooleanValue(null, name, default)` reads it: only
    /// integer-typed values count; a string such as `"true"` makes Android use its default.
    pub(crate) fn plain_bool(&mut self, element: &Element, name: &str) -> Option<bool> {
        let attribute = element.attribute(name)?;
        match &attribute.value {
            Value::Boolean(b) => Some(*b),
            Value::IntDec(i) => Some(*i != 0),
            Value::IntHex(i) => Some(*i != 0),
            Value::Color { argb, .. } => Some(*argb != 0),
            other => {
                let shown = other.to_string();
                self.anomalies.add(AnomalyKind::UnexpectedValueType, Some(element.offset as usize), || {
                    format!(
                        "<{}> line {}: {name}=\"{shown}\" is not a compiled boolean; Android ignores it and uses the default",
                        element.name, element.line
                    )
                });
                None
            }
        }
    }

    /// A plain attribute as `getAttributeResourceValue(null, name, 0)` reads it.
    pub(crate) fn plain_reference(
        &mut self,
        element: &Element,
        name: &str,
    ) -> Option<ResourceLink> {
        let id = element.attribute(name)?.value.reference_id()?;
        Some(self.link_to(id))
    }

    pub(crate) fn unknown_element(&mut self, element: &Element, parent: &str) {
        self.anomalies.add(
            AnomalyKind::UnknownElement,
            Some(element.offset as usize),
            || {
                format!(
                    "<{}> (line {}) is not expected inside <{parent}>; ignored",
                    element.name, element.line
                )
            },
        );
    }

    pub(crate) fn duplicate(&mut self, element: &Element, rule: &str) {
        self.anomalies.add(
            AnomalyKind::DuplicateElement,
            Some(element.offset as usize),
            || {
                format!(
                    "<{}> (line {}) repeated: {rule}",
                    element.name, element.line
                )
            },
        );
    }
}
