//! Editing a case during verification: classification, grading, advisory text. Only staff edit;
//! every field is validated; the grade is never typed in — it is computed from the GB/T 30279
//! indicators by the grading table in force, so the public severity always traces to the table
//! (REG-9.3).

use appvd_severity::Cvss;
use appvd_severity::gbt::{GradingTable, Indicators};

use crate::case::{Case, CaseState, CaseType, EarlyReleaseException, Mitigation, MpsConsent};
use crate::error::InvalidInput;
use crate::refusal::{Refusal, rules};
use crate::text::{self, limits};
use crate::user::{Actor, Role};

/// Fields an analyst may change. Absent fields stay as they are; an empty string clears an
/// optional text field, `0` clears the CWE.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub case_type: Option<CaseType>,
    pub affected_versions: Option<String>,
    pub harm: Option<String>,
    pub scope: Option<String>,
    pub cwe: Option<u32>,
    pub gbt_category: Option<String>,
    pub masvs: Option<String>,
    pub cvss_v3: Option<String>,
    pub cvss_v4: Option<String>,
    /// GB/T 30279 indicators in text form; the grade follows from them.
    pub gbt_indicators: Option<String>,
    pub advisory_summary: Option<String>,
    pub remediation: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub mitigation: Option<Mitigation>,
    pub early_release: Option<EarlyReleaseException>,
    pub mps_consent: Option<MpsConsent>,
}

/// States in which a case's record can still be edited.
pub fn editable(state: CaseState) -> bool {
    !matches!(
        state,
        CaseState::Rejected
            | CaseState::Duplicate
            | CaseState::ClosedUnpublished
            | CaseState::Withdrawn
            | CaseState::Published
    )
}

fn optional(field: &str, value: &str, max: usize) -> Result<Option<String>, InvalidInput> {
    text::optional_text(field, Some(value), max)
}

fn alias_ok(alias: &str) -> bool {
    let parts: Vec<&str> = alias.split('-').collect();
    let digits = |s: &str, min: usize| s.len() >= min && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        ["CVE", year, seq] => digits(year, 4) && digits(seq, 4),
        ["CNVD", year, seq] => digits(year, 4) && digits(seq, 4),
        ["CNNVD", ym, seq] => digits(ym, 6) && digits(seq, 3),
        ["GHSA", a, b, c] => [a, b, c]
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|x| x.is_ascii_alphanumeric())),
        _ => false,
    }
}

/// Applies `edit` to a copy of `case`; returns the edited case and the names of the fields that
/// changed. Refuses non-staff, closed cases, and invalid values (naming the field).
pub fn apply_edit(
    case: &Case,
    actor: &Actor,
    edit: &CaseEdit,
    table: &GradingTable,
) -> Result<(Case, Vec<&'static str>), Refusal> {
    if !(actor.has(Role::Analyst) || actor.has(Role::Admin)) {
        return Err(Refusal::forbidden(
            rules::ROLE,
            "only staff edit a case's record",
        ));
    }
    if !editable(case.state) {
        return Err(Refusal::wrong_state(format!(
            "a {} case can no longer be edited",
            case.state
        )));
    }
    let mut next = case.clone();
    let mut changed: Vec<&'static str> = Vec::new();
    let invalid = |e: InvalidInput| Refusal::invalid(rules::INPUT, e.to_string());

    macro_rules! set {
        ($field:ident, $value:expr) => {{
            let value = $value;
            if next.$field != value {
                next.$field = value;
                changed.push(stringify!($field));
            }
        }};
    }

    if let Some(v) = &edit.title {
        set!(
            title,
            text::required_line("title", v, limits::TITLE).map_err(invalid)?
        );
    }
    if let Some(v) = &edit.description {
        set!(
            description,
            text::required_text("description", v, limits::DESCRIPTION).map_err(invalid)?
        );
    }
    if let Some(v) = edit.case_type {
        set!(case_type, v);
    }
    if let Some(v) = &edit.affected_versions {
        set!(
            affected_versions,
            text::required_line("affected_versions", v, limits::VERSION_LIST).map_err(invalid)?
        );
    }
    if let Some(v) = &edit.harm {
        set!(
            harm,
            optional("harm", v, limits::DESCRIPTION).map_err(invalid)?
        );
    }
    if let Some(v) = &edit.scope {
        set!(
            scope,
            optional("scope", v, limits::DESCRIPTION).map_err(invalid)?
        );
    }
    if let Some(id) = edit.cwe {
        let value = match id {
            0 => None,
            id if appvd_taxonomy::cwe(id).is_some() => Some(id),
            id => {
                return Err(invalid(InvalidInput::new(
                    "cwe",
                    format!("CWE-{id} is not in the weakness list"),
                )));
            }
        };
        set!(cwe, value);
    }
    if let Some(code) = &edit.gbt_category {
        let code = code.trim();
        let value = if code.is_empty() {
            None
        } else if appvd_taxonomy::gbt_category(code).is_some() {
            Some(code.to_owned())
        } else {
            return Err(invalid(InvalidInput::new(
                "gbt_category",
                format!("{code:?} is not a GB/T 30279 category code"),
            )));
        };
        set!(gbt_category, value);
    }
    if let Some(id) = &edit.masvs {
        let id = id.trim();
        let value = if id.is_empty() {
            None
        } else {
            match appvd_taxonomy::masvs_control(id) {
                Some(c) => Some(c.id.to_owned()),
                None => {
                    return Err(invalid(InvalidInput::new(
                        "masvs",
                        format!("{id:?} is not an OWASP MASVS v2 control"),
                    )));
                }
            }
        };
        set!(masvs, value);
    }
    for (field, value, major) in [
        ("cvss_v3", &edit.cvss_v3, "3"),
        ("cvss_v4", &edit.cvss_v4, "4"),
    ] {
        let Some(v) = value else { continue };
        let parsed = if v.trim().is_empty() {
            None
        } else {
            let cvss =
                Cvss::parse(v).map_err(|e| invalid(InvalidInput::new(field, e.to_string())))?;
            let text = cvss.to_string();
            if !text.starts_with(&format!("CVSS:{major}.")) {
                return Err(invalid(InvalidInput::new(
                    field,
                    format!("{field} takes a CVSS {major}.x vector, not {text}"),
                )));
            }
            Some(text)
        };
        if field == "cvss_v3" {
            set!(cvss_v3, parsed);
        } else {
            set!(cvss_v4, parsed);
        }
    }
    if let Some(v) = &edit.gbt_indicators {
        if v.trim().is_empty() {
            set!(gbt_indicators, None);
            set!(grade, None);
        } else {
            let indicators = Indicators::parse(v)
                .map_err(|e| invalid(InvalidInput::new("gbt_indicators", e.to_string())))?;
            let grading = table.grade(&indicators);
            set!(gbt_indicators, Some(indicators.to_string()));
            set!(
                grade,
                Some(
                    grading
                        .comprehensive_grade
                        .unwrap_or(grading.technical_grade)
                )
            );
        }
    }
    if let Some(v) = &edit.advisory_summary {
        set!(
            advisory_summary,
            optional("advisory_summary", v, limits::DESCRIPTION).map_err(invalid)?
        );
    }
    if let Some(v) = &edit.remediation {
        set!(
            remediation,
            optional("remediation", v, limits::DESCRIPTION).map_err(invalid)?
        );
    }
    if let Some(list) = &edit.aliases {
        let mut aliases = Vec::new();
        for a in list {
            let a = a.trim().to_ascii_uppercase();
            if !alias_ok(&a) {
                return Err(invalid(InvalidInput::new(
                    "aliases",
                    format!("{a:?} is not a CVE, CNVD, CNNVD or GHSA id"),
                )));
            }
            if !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        set!(aliases, aliases);
    }
    if let Some(m) = &edit.mitigation {
        let text = text::required_text("mitigation.text", &m.text, limits::DESCRIPTION)
            .map_err(invalid)?;
        set!(mitigation, Some(Mitigation { text, ..m.clone() }));
    }
    if let Some(e) = &edit.early_release {
        set!(early_release, Some(e.clone()));
    }
    if let Some(c) = &edit.mps_consent {
        text::required_line("mps_consent.reference", &c.reference, limits::SHORT)
            .map_err(invalid)?;
        set!(mps_consent, Some(c.clone()));
    }
    Ok((next, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn table() -> &'static GradingTable {
        GradingTable::builtin()
    }

    #[test]
    fn grade_follows_the_indicators() {
        let c = case_in(CaseState::Triage);
        let edit = CaseEdit {
            gbt_indicators: Some("GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:S/EC:L/FD:H/SC:H".into()),
            ..CaseEdit::default()
        };
        let (next, changed) = apply_edit(&c, &analyst(), &edit, table()).unwrap();
        assert_eq!(next.grade, Some(appvd_severity::gbt::Grade::Critical));
        assert!(changed.contains(&"grade") && changed.contains(&"gbt_indicators"));
    }

    #[test]
    fn vectors_are_canonical_and_version_checked() {
        let c = case_in(CaseState::Triage);
        let edit = CaseEdit {
            cvss_v3: Some("CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U".into()),
            ..CaseEdit::default()
        };
        let (next, _) = apply_edit(&c, &analyst(), &edit, table()).unwrap();
        assert_eq!(
            next.cvss_v3.as_deref(),
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        );
        let wrong = CaseEdit {
            cvss_v3: Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into()),
            ..CaseEdit::default()
        };
        assert!(
            apply_edit(&c, &analyst(), &wrong, table())
                .unwrap_err()
                .message
                .contains("cvss_v3 takes a CVSS 3.x vector")
        );
        let bad = CaseEdit {
            cvss_v4: Some("CVSS:4.0/AV:N".into()),
            ..CaseEdit::default()
        };
        assert!(
            apply_edit(&c, &analyst(), &bad, table())
                .unwrap_err()
                .message
                .starts_with("cvss_v4:")
        );
    }

    #[test]
    fn taxonomy_ids_are_checked() {
        let c = case_in(CaseState::Triage);
        assert!(
            apply_edit(
                &c,
                &analyst(),
                &CaseEdit {
                    cwe: Some(999_999),
                    ..CaseEdit::default()
                },
                table()
            )
            .is_err()
        );
        assert!(
            apply_edit(
                &c,
                &analyst(),
                &CaseEdit {
                    masvs: Some("MASVS-NOPE-9".into()),
                    ..CaseEdit::default()
                },
                table()
            )
            .is_err()
        );
        let (next, _) = apply_edit(
            &c,
            &analyst(),
            &CaseEdit {
                masvs: Some("MASVS-PLATFORM-1".into()),
                cwe: Some(0),
                ..CaseEdit::default()
            },
            table(),
        )
        .unwrap();
        assert_eq!(
            (next.masvs.as_deref(), next.cwe),
            (Some("MASVS-PLATFORM-1"), None)
        );
    }

    #[test]
    fn aliases_are_normalised_and_checked() {
        let c = case_in(CaseState::Triage);
        let edit = CaseEdit {
            aliases: Some(vec![
                "cve-2026-12345".into(),
                "CNVD-2026-01234".into(),
                "CVE-2026-12345".into(),
            ]),
            ..CaseEdit::default()
        };
        let (next, _) = apply_edit(&c, &analyst(), &edit, table()).unwrap();
        assert_eq!(next.aliases, ["CVE-2026-12345", "CNVD-2026-01234"]);
        let bad = CaseEdit {
            aliases: Some(vec!["CVE-26-1".into()]),
            ..CaseEdit::default()
        };
        assert!(apply_edit(&c, &analyst(), &bad, table()).is_err());
    }

    #[test]
    fn only_staff_and_only_open_cases() {
        let c = case_in(CaseState::Triage);
        let edit = CaseEdit {
            title: Some("New".into()),
            ..CaseEdit::default()
        };
        assert_eq!(
            apply_edit(&c, &vendor_member(), &edit, table())
                .unwrap_err()
                .rule,
            rules::ROLE
        );
        let closed = case_in(CaseState::Rejected);
        assert_eq!(
            apply_edit(&closed, &analyst(), &edit, table())
                .unwrap_err()
                .kind,
            crate::RefusalKind::WrongState
        );
        let (_, changed) = apply_edit(&c, &analyst(), &CaseEdit::default(), table()).unwrap();
        assert!(changed.is_empty());
    }
}
