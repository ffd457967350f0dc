//! Fixture checks shared by the rule tests: each rule has a positive and a negative fixture APK
//! under `tests/fixtures/rules/<rule-id>/`, built by `tests/fixtures/build.sh` from the sources
//! beside them.

use std::path::PathBuf;

use crate::model::AppModel;
use crate::rule::Rule;

pub fn fixture_path(rule: &Rule, kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(rule.id)
        .join(format!("{kind}.apk"))
}

/// The positive fixture makes the rule fire (and its findings match the snapshot beside the rule's
/// file); the negative fixture, the same app without the flaw, keeps it silent.
pub fn assert_fixtures(rule: &'static Rule) {
    let positive = AppModel::open(&fixture_path(rule, "positive"))
        .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
    let findings = rule.run(&positive);
    assert!(
        !findings.is_empty(),
        "{}: the positive fixture produced no finding",
        rule.id
    );
    assert!(findings.iter().all(|f| f.rule == rule.id));
    // One snapshot per rule: src/rules/snapshots/<id>.snap.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("rules/snapshots");
    settings.bind(|| insta::assert_json_snapshot!(rule.id.replace('.', "__"), findings));

    let negative = AppModel::open(&fixture_path(rule, "negative"))
        .unwrap_or_else(|e| panic!("{}: {e}", rule.id));
    let findings = rule.run(&negative);
    assert!(
        findings.is_empty(),
        "{}: the negative fixture produced findings: {findings:#?}",
        rule.id
    );
}
