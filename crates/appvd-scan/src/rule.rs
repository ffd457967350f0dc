//! The shape of a rule: one `static` per rule carries its metadata, its documentation and its
//! check. Everything else — `appvd rules`, SARIF rule metadata, the HTML rule reference — is
//! generated from it.

use crate::finding::{Finding, Location, Severity, fingerprint};
use crate::model::AppModel;

/// The documentation of a rule, in fixed sections.
#[derive(Debug, Clone, Copy)]
pub struct Docs {
    /// What it detects, in one or two sentences.
    pub what: &'static str,
    /// Why it matters: the attack it enables.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// References (OWASP MASTG tests, Android documentation, CWE pages).
    pub references: &'static [&'static str],
}

/// A rule.
pub struct Rule {
    /// Stable id, `family.name` (`manifest.debuggable`). Never reused for another meaning.
    pub id: &'static str,
    /// Short title, as a finding's heading.
    pub title: &'static str,
    pub severity: Severity,
    /// OWASP MASVS v2 control (`MASVS-RESILIENCE-4`).
    pub masvs: &'static str,
    pub cwe: u32,
    pub docs: Docs,
    /// Looks at the app and emits findings.
    pub check: fn(&AppModel, &mut Emitter<'_>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// The family, the part of the id before the dot (`manifest`, `tls`, `sign`…).
    pub fn family(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }

    /// Runs the rule on an app.
    pub fn run(&'static self, app: &AppModel) -> Vec<Finding> {
        let mut emitter = Emitter {
            rule: self,
            findings: Vec::new(),
        };
        (self.check)(app, &mut emitter);
        emitter.findings
    }
}

/// Collects a rule's findings and fills in the rule's metadata.
pub struct Emitter<'r> {
    rule: &'r Rule,
    findings: Vec<Finding>,
}

/// Most findings of one rule kept per app; beyond that the rule is clearly firing on a pattern, and
/// the report says how many were left out.
pub const MAX_FINDINGS_PER_RULE: usize = 200;

impl Emitter<'_> {
    /// Reports a finding at `location`. `key` identifies the occurrence across app versions (a
    /// component name, a host, a file name — never an offset); `message` says what this
    /// occurrence is; `evidence` shows the facts.
    pub fn emit(
        &mut self,
        location: Location,
        key: &str,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        self.emit_with_severity(self.rule.severity, location, key, message, evidence);
    }

    /// Like [`Emitter::emit`], for an occurrence that is worse or milder than the rule's default.
    pub fn emit_with_severity(
        &mut self,
        severity: Severity,
        location: Location,
        key: &str,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        if self.findings.len() >= MAX_FINDINGS_PER_RULE {
            return;
        }
        self.findings.push(Finding {
            rule: self.rule.id,
            severity,
            title: self.rule.title,
            message: message.into(),
            masvs: self.rule.masvs,
            cwe: self.rule.cwe,
            location,
            evidence: evidence.into(),
            fingerprint: fingerprint(self.rule.id, key),
            sdk: None,
        });
    }
}

/// Which rules run: `--rules` patterns, comma-separated. A pattern is a rule id, a family
/// (`tls` or `tls.`), or `all`; a leading `-` excludes. Without any including pattern, every rule
/// is included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    include: Vec<String>,
    exclude: Vec<String>,
    skip_code: bool,
}

/// A `--rules` pattern that matches no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} matches no rule id or family; `appvd rules` lists them")]
pub struct UnknownRulePattern(pub String);

impl Selection {
    pub fn all() -> Self {
        Self::default()
    }

    pub fn parse(spec: &str, rules: &[&'static Rule]) -> Result<Self, UnknownRulePattern> {
        let mut selection = Self::default();
        for raw in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (negated, pattern) = match raw.strip_prefix('-') {
                Some(p) => (true, p.trim()),
                None => (false, raw),
            };
            let pattern = pattern.trim_end_matches('.').to_owned();
            if pattern != "all" && !rules.iter().any(|r| matches(&pattern, r)) {
                return Err(UnknownRulePattern(raw.to_owned()));
            }
            if negated {
                selection.exclude.push(pattern)
            } else {
                selection.include.push(pattern)
            }
        }
        Ok(selection)
    }

    /// The same selection without bytecode analysis: the DEX files are never parsed, so rules
    /// that read code find nothing, secrets are searched outside the code only, and SDKs are
    /// recognised from the manifest, files and native libraries only. A quick triage of many
    /// apps; reports say that code was not analysed.
    pub fn without_code(mut self) -> Self {
        self.skip_code = true;
        self
    }

    /// Whether bytecode analysis is skipped.
    pub fn skips_code(&self) -> bool {
        self.skip_code
    }

    pub fn selects(&self, rule: &Rule) -> bool {
        let included =
            self.include.is_empty() || self.include.iter().any(|p| p == "all" || matches(p, rule));
        included && !self.exclude.iter().any(|p| p == "all" || matches(p, rule))
    }
}

fn matches(pattern: &str, rule: &Rule) -> bool {
    rule.id == pattern || rule.family() == pattern
}
