//! Cross-checks between the taxonomies, and against the scanner's rule catalog when the shared
//! reference folder is present.

use std::collections::HashSet;
use std::path::PathBuf;

use appvd_taxonomy::{
    cwe, cwes, gbt_categories, gbt_category, gbt_children, masvs_control, masvs_controls,
};

#[test]
fn gbt_codes_unique_parents_exist_and_precede_children() {
    let mut seen = HashSet::new();
    for category in gbt_categories() {
        assert!(seen.insert(category.code), "{} twice", category.code);
        if let Some(parent) = category.parent {
            assert!(
                seen.contains(parent),
                "{}: parent {parent} missing or listed later",
                category.code
            );
            assert!(
                category.code.starts_with(&format!("{parent}.")),
                "{} not under {parent}",
                category.code
            );
        } else {
            assert!(!category.code.contains('.'));
        }
        assert!(!category.name_zh.is_empty() && !category.name_en.is_empty());
    }
}

#[test]
fn only_leaves_map_to_cwe_and_every_mapped_cwe_is_known() {
    let mut mapped = 0;
    for category in gbt_categories() {
        if !category.cwes.is_empty() {
            assert!(
                category.is_leaf(),
                "{} has children and CWE ids",
                category.code
            );
        }
        let unique: HashSet<u32> = category.cwes.iter().copied().collect();
        assert_eq!(
            unique.len(),
            category.cwes.len(),
            "{} repeats a CWE",
            category.code
        );
        for id in category.cwes {
            assert!(
                cwe(*id).is_some(),
                "{} maps to unknown CWE-{id}",
                category.code
            );
            mapped += 1;
        }
    }
    assert!(mapped > 150);
}

#[test]
fn every_mobile_weakness_in_the_cwe_list_has_a_gbt_category() {
    // Each weakness (not category) appvd knows should classify somewhere in the tree, so that a
    // finding's CWE always yields a GB/T label.
    let unmapped: Vec<String> = cwes()
        .iter()
        .filter(|c| c.kind == appvd_taxonomy::CweKind::Weakness)
        .filter(|c| {
            appvd_taxonomy::gbt_categories_for_cwe(c.id)
                .next()
                .is_none()
        })
        .map(|c| c.to_string())
        .collect();
    assert!(unmapped.is_empty(), "no GB/T category for {unmapped:?}");
}

#[test]
fn masvs_ids_well_formed() {
    for control in masvs_controls() {
        let parts: Vec<&str> = control.id.split('-').collect();
        assert_eq!(parts.len(), 3, "{}", control.id);
        assert_eq!(parts[0], "MASVS");
        assert!(parts[1].chars().all(|c| c.is_ascii_uppercase()));
        assert!(parts[2].parse::<u8>().is_ok_and(|n| (1..=4).contains(&n)));
        assert_eq!(masvs_control(control.id), Some(control));
    }
    assert_eq!(masvs_controls().len(), 24);
    assert!(gbt_category("config").is_some() && gbt_children("config").next().is_none());
}

/// The scanner's rule catalog names CWE and MASVS ids; every one must resolve here.
#[test]
#[allow(clippy::print_stderr)] // says it skipped when the shared folder is absent (e.g. outside CI)
fn every_id_in_the_scanner_rule_catalog_is_known() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/scanner-rules.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let mut cwe_ids = 0;
    for (index, _) in text.match_indices("CWE-") {
        let digits: String = text[index + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(id) = digits.parse::<u32>() {
            assert!(cwe(id).is_some(), "scanner-rules.md names CWE-{id}");
            cwe_ids += 1;
        }
    }
    assert!(cwe_ids > 50);
    let mut masvs_ids = 0;
    for (index, _) in text.match_indices("MASVS-") {
        let id: String = text[index..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if id.split('-').count() == 3 && id.ends_with(|c: char| c.is_ascii_digit()) {
            assert!(masvs_control(&id).is_some(), "scanner-rules.md names {id}");
            masvs_ids += 1;
        }
    }
    assert!(masvs_ids >= 24);
}
