//! Text rendering of an [`XmlDocument`] as indented XML.
//!
//! The output is meant for reports and debugging: attribute names blanked by an obfuscator are
//! shown under the name of their resource id, namespace prefixes come from the document's own
//! declarations (a prefix is invented for URIs without one), and references are named through
//! the resource table when one is given.

use std::fmt::Write;

use crate::android_attrs;
use crate::arsc::ResourceTable;
use crate::budget::StringBudget;
use crate::value::Value;
use crate::xml::{Element, Node, XmlDocument};

pub(crate) fn render_document(document: &XmlDocument, table: Option<&ResourceTable>) -> String {
    let mut renderer = Renderer {
        out: String::new(),
        table,
        scopes: Vec::new(),
        invented: 0,
        budget: table.map_or_else(|| StringBudget::for_input(0), ResourceTable::budget),
    };
    renderer
        .out
        .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    renderer.element(&document.root, 0);
    for extra in &document.extra_roots {
        renderer.element(extra, 0);
    }
    renderer.out
}

struct Renderer<'t> {
    out: String,
    table: Option<&'t ResourceTable>,
    /// Namespace bindings `(prefix, uri)` per open element.
    scopes: Vec<Vec<(String, String)>>,
    invented: usize,
    /// Caps the resource names copied out of the table (see [`StringBudget`]).
    budget: StringBudget,
}

impl Renderer<'_> {
    fn prefix_for(&self, uri: &str) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .flatten()
            .find(|(_, bound)| bound == uri)
            .map(|(prefix, _)| prefix.as_str())
    }

    fn element(&mut self, element: &Element, depth: usize) {
        let indent = "  ".repeat(depth);
        let mut scope: Vec<(String, String)> = Vec::new();
        let mut declarations = String::new();
        for declaration in &element.namespace_declarations {
            let prefix = declaration.prefix.clone().unwrap_or_default();
            if prefix.is_empty() {
                let _ = write!(declarations, " xmlns=\"{}\"", escape(&declaration.uri));
            } else {
                let _ = write!(
                    declarations,
                    " xmlns:{}=\"{}\"",
                    sanitize_name(&prefix),
                    escape(&declaration.uri)
                );
            }
            scope.push((sanitize_name(&prefix), declaration.uri.clone()));
        }
        self.scopes.push(scope);

        // Bind a prefix for every namespace used here that has none in scope.
        let uris: Vec<String> = element
            .namespace
            .iter()
            .chain(
                element
                    .attributes
                    .iter()
                    .filter_map(|a| a.namespace.as_ref()),
            )
            .cloned()
            .collect();
        for uri in uris {
            if self.prefix_for(&uri).is_none() {
                self.invented += 1;
                let prefix = if uri == android_attrs::ANDROID_NS {
                    "android".to_string()
                } else {
                    format!("ns{}", self.invented)
                };
                let _ = write!(declarations, " xmlns:{prefix}=\"{}\"", escape(&uri));
                if let Some(scope) = self.scopes.last_mut() {
                    scope.push((prefix, uri));
                }
            }
        }

        let tag = self.qualified(element.namespace.as_deref(), &sanitize_name(&element.name));
        let _ = write!(self.out, "{indent}<{tag}{declarations}");
        for attribute in &element.attributes {
            let name = self.qualified(
                attribute.namespace.as_deref(),
                &sanitize_name(&attribute.display_name()),
            );
            let value = self.value_text(&attribute.value, attribute.raw_value.as_deref());
            let _ = write!(self.out, " {name}=\"{}\"", escape(&value));
        }
        if element.children.is_empty() {
            self.out.push_str(" />\n");
        } else if element
            .children
            .iter()
            .all(|node| matches!(node, Node::Text(_)))
        {
            let _ = writeln!(self.out, ">{}</{tag}>", escape(&element.text()));
        } else {
            self.out.push_str(">\n");
            for child in &element.children {
                match child {
                    Node::Element(child) => self.element(child, depth + 1),
                    Node::Text(text) => {
                        let trimmed = text.text.trim();
                        if !trimmed.is_empty() {
                            let _ = writeln!(self.out, "{indent}  {}", escape(trimmed));
                        }
                    }
                }
            }
            let _ = writeln!(self.out, "{indent}</{tag}>");
        }
        self.scopes.pop();
    }

    fn qualified(&self, namespace: Option<&str>, name: &str) -> String {
        match namespace.and_then(|uri| self.prefix_for(uri)) {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}:{name}"),
            _ => name.to_string(),
        }
    }

    fn value_text(&mut self, value: &Value, raw: Option<&str>) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Reference(id) | Value::DynamicReference(id) if *id != 0 => {
                self.reference_name('@', *id)
            }
            Value::Attribute(id) | Value::DynamicAttribute(id) => self.reference_name('?', *id),
            Value::Null if raw.is_some() => raw.unwrap_or_default().to_string(),
            other => other.to_string(),
        }
    }

    fn reference_name(&mut self, sigil: char, id: u32) -> String {
        let budget = &mut self.budget;
        if let Some(name) = self.table.and_then(|table| table.name_of_with(id, budget)) {
            return format!("{sigil}{name}");
        }
        if id >> 24 == 0x01 {
            if let Some(attr) = android_attrs::name_of(id) {
                return format!("{sigil}android:attr/{attr}");
            }
            return format!("{sigil}android:0x{id:08x}");
        }
        format!("{sigil}0x{id:08x}")
    }
}

/// Replaces characters that cannot appear in an XML name, so hostile names cannot break the
/// output's structure.
fn sanitize_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "_".to_string()
    } else {
        cleaned
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "&#x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            escape("a<b>&\"c\"\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;&#x1;"
        );
    }

    #[test]
    fn sanitizes_hostile_names() {
        assert_eq!(sanitize_name("a b\"<c"), "a_b__c");
        assert_eq!(sanitize_name(""), "_");
        assert_eq!(sanitize_name("intent-filter"), "intent-filter");
    }
}
