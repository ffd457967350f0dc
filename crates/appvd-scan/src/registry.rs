//! The registry: every rule, in one list. `appvd rules`, SARIF `tool.driver.rules` and the HTML rule
//! reference are generated from it; the meta-tests below hold every rule to the same standard.

use std::sync::LazyLock;

use crate::rule::Rule;
use crate::rules;

/// Every rule, in group order. Ids are never reused; a retired rule keeps its id out of use.
pub static RULES: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    [
        rules::manifest::RULES,
        rules::resxml::RULES,
        rules::signing::RULES,
        rules::files::RULES,
        rules::native::RULES,
        rules::code_data::RULES,
        rules::code_platform::RULES,
        rules::code_flow::RULES,
        rules::secrets::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect()
});

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in RULES.iter() {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            let (family, name) = rule
                .id
                .split_once('.')
                .unwrap_or_else(|| panic!("{} has no family", rule.id));
            let ok = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            };
            assert!(
                ok(family) && ok(name),
                "{} is not family.snake_case",
                rule.id
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in RULES.iter() {
            let d = &rule.docs;
            assert!(
                !rule.title.is_empty() && rule.title.len() < 90,
                "{}: title",
                rule.id
            );
            for (section, text) in [("what", d.what), ("why", d.why), ("fix", d.fix)] {
                assert!(
                    text.trim().len() >= 30,
                    "{}: the {section} section is too thin",
                    rule.id
                );
            }
            assert!(!d.references.is_empty(), "{}: no references", rule.id);
            assert!(
                d.references.iter().all(|r| r.starts_with("https://")),
                "{}: references are https URLs",
                rule.id
            );
        }
    }

    #[test]
    fn masvs_and_cwe_ids_exist_in_the_taxonomy() {
        for rule in RULES.iter() {
            assert!(
                appvd_taxonomy::masvs_control(rule.masvs).is_some(),
                "{}: unknown MASVS control {}",
                rule.id,
                rule.masvs
            );
            assert!(
                appvd_taxonomy::cwe(rule.cwe).is_some(),
                "{}: unknown CWE-{}",
                rule.id,
                rule.cwe
            );
        }
    }

    #[test]
    fn every_rule_has_a_positive_and_a_negative_fixture() {
        for rule in RULES.iter() {
            for kind in ["positive", "negative"] {
                let path = crate::testing::fixture_path(rule, kind);
                assert!(
                    path.is_file(),
                    "{}: missing fixture {}",
                    rule.id,
                    path.display()
                );
            }
        }
    }
}
