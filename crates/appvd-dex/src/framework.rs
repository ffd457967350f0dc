//! The bundled table of Android and Java framework classes (`data/framework.txt`): superclass,
//! interfaces and the methods each class introduces. App classes that extend framework classes
//! are resolved through it.

use crate::hash::FxHashMap;
use std::sync::OnceLock;

/// One framework class or interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkClass {
    /// Type descriptor, e.g. `Landroid/webkit/WebView;`.
    pub descriptor: String,
    /// Superclass descriptor (`None` for `java.lang.Object` and for interfaces).
    pub superclass: Option<String>,
    /// Implemented (or, for interfaces, extended) interfaces.
    pub interfaces: Vec<String>,
    /// Whether this is an interface.
    pub is_interface: bool,
    /// Methods the class introduces, as `name(params)return`.
    pub methods: Vec<String>,
}

/// The parsed framework table.
#[derive(Debug, Default)]
pub struct Framework {
    classes: Vec<FrameworkClass>,
    by_descriptor: FxHashMap<String, usize>,
}

const SOURCE: &str = include_str!("../data/framework.txt");

/// The bundled framework table (parsed once).
pub fn framework() -> &'static Framework {
    static TABLE: OnceLock<Framework> = OnceLock::new();
    TABLE.get_or_init(|| Framework::parse(SOURCE))
}

/// Converts a Java binary name (`android.webkit.WebView`) to a descriptor.
pub fn descriptor_of(java_name: &str) -> String {
    format!("L{};", java_name.replace('.', "/"))
}

/// Converts a class descriptor to its Java binary name (`Landroid/app/Activity;` to
/// `android.app.Activity`); array and primitive descriptors are returned unchanged.
pub fn java_name_of(descriptor: &str) -> String {
    match descriptor
        .strip_prefix('L')
        .and_then(|d| d.strip_suffix(';'))
    {
        Some(inner) => inner.replace('/', "."),
        None => descriptor.to_string(),
    }
}

impl Framework {
    /// Parses the table format described at the top of `data/framework.txt`. Lines that do not
    /// follow it are skipped.
    pub fn parse(text: &str) -> Framework {
        let mut table = Framework::default();
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indented = line.starts_with(' ') || line.starts_with('\t');
            if indented {
                if let Some(class) = table.classes.last_mut()
                    && trimmed.contains('(')
                {
                    class.methods.push(trimmed.to_string());
                }
                continue;
            }
            let mut words = trimmed.split_whitespace();
            let is_interface = match words.next() {
                Some("class") => false,
                Some("interface") => true,
                _ => continue,
            };
            let Some(name) = words.next() else { continue };
            let mut superclass = None;
            let mut interfaces = Vec::new();
            let mut mode = "";
            for word in words {
                match word {
                    "extends" | "implements" => mode = word,
                    _ if mode == "extends" && !is_interface => {
                        superclass = Some(descriptor_of(word))
                    }
                    _ if !mode.is_empty() => interfaces.push(descriptor_of(word)),
                    _ => {}
                }
            }
            let descriptor = descriptor_of(name);
            if superclass.is_none() && !is_interface && descriptor != "Ljava/lang/Object;" {
                superclass = Some("Ljava/lang/Object;".to_string());
            }
            table
                .by_descriptor
                .insert(descriptor.clone(), table.classes.len());
            table.classes.push(FrameworkClass {
                descriptor,
                superclass,
                interfaces,
                is_interface,
                methods: Vec::new(),
            });
        }
        table
    }

    /// The class with this descriptor.
    pub fn get(&self, descriptor: &str) -> Option<&FrameworkClass> {
        self.by_descriptor
            .get(descriptor)
            .and_then(|&i| self.classes.get(i))
    }

    /// All classes in file order.
    pub fn classes(&self) -> &[FrameworkClass] {
        &self.classes
    }

    /// Whether `descriptor` declares `name_and_proto` (e.g. `loadUrl(Ljava/lang/String;)V`).
    pub fn declares(&self, descriptor: &str, name_and_proto: &str) -> bool {
        self.get(descriptor)
            .is_some_and(|c| c.methods.iter().any(|m| m == name_and_proto))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_parses_and_is_closed() {
        let fw = framework();
        assert!(fw.classes().len() > 150);
        let webview = fw.get("Landroid/webkit/WebView;").expect("WebView");
        assert_eq!(
            webview.superclass.as_deref(),
            Some("Landroid/widget/AbsoluteLayout;")
        );
        assert!(fw.declares("Landroid/webkit/WebView;", "loadUrl(Ljava/lang/String;)V"));
        assert!(fw.declares(
            "Landroid/content/Context;",
            "getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;"
        ));
        let trust = fw
            .get("Ljavax/net/ssl/X509TrustManager;")
            .expect("X509TrustManager");
        assert!(trust.is_interface);
        assert_eq!(trust.interfaces, ["Ljavax/net/ssl/TrustManager;"]);
        // Every superclass and interface named in the table is itself in the table, so that
        // walks up the hierarchy end at java.lang.Object.
        for class in fw.classes() {
            for parent in class.superclass.iter().chain(class.interfaces.iter()) {
                assert!(
                    fw.get(parent).is_some(),
                    "{} names missing {parent}",
                    class.descriptor
                );
            }
            for method in &class.methods {
                assert!(method.contains('(') && method.contains(')'), "{method}");
            }
        }
    }

    #[test]
    fn names_convert() {
        assert_eq!(
            descriptor_of("android.webkit.WebView"),
            "Landroid/webkit/WebView;"
        );
        assert_eq!(
            java_name_of("Landroid/content/SharedPreferences$Editor;"),
            "android.content.SharedPreferences$Editor"
        );
        assert_eq!(java_name_of("[I"), "[I");
    }
}
