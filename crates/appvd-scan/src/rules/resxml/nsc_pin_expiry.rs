use std::time::{SystemTime, UNIX_EPOCH};

use appvd_axml::{DomainConfig, PinSet};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::resxml::{at, domains_key, domains_shown, network_security_config};

pub static RULE: Rule = Rule {
    id: "tls.nsc_pin_expiry",
    title: "Certificate pin-set expired, expiring or without a backup pin",
    severity: Severity::Low,
    masvs: "MASVS-NETWORK-2",
    cwe: 298,
    docs: Docs {
        what: "A `<pin-set>` in the network security config whose `expiration` date is already past on the day of \
               the scan, or falls within the next 90 days (Low); or, when it is not expired, a pin-set with a single \
               pin and so no backup key (Info). The date is compared with the scanning machine's clock, because what \
               matters is whether installed copies of the app enforce their pins now; the reported facts (the date, \
               the domains) do not depend on the day, so a finding keeps its fingerprint from scan to scan.",
        why: "After the expiration date Android silently stops enforcing the pins and falls back to ordinary CA \
              validation, so the app loses the protection against mis-issued or coerced certificates without anyone \
              noticing. A single pin is the opposite failure: a key rotation or a CA change locks every installed copy \
              out of its backend until users update, which pushes teams into emergency releases that drop pinning.",
        fix: "Move the expiration date forward (or rotate the pins) in a release shipped well before the date, and keep \
              at least two pins per set: the current key and a backup key held offline.",
        references: &[
            "https://developer.android.com/privacy-and-security/security-config#CertificatePinning",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0022/",
            "https://cwe.mitre.org/data/definitions/298.html",
        ],
    },
    check,
};

/// Pin sets expiring within this many days are reported ahead of time.
const WARNING_DAYS: i64 = 90;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Today, in days since 1970-01-01 (UTC), from the system clock.
fn today() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs() / 86_400).unwrap_or(i64::MAX)
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PinSetState {
    Expired,
    ExpiresSoon { days_left: i64 },
    SinglePin,
    Fine,
}

fn assess(pin_set: &PinSet, today: i64) -> PinSetState {
    if let Some((year, month, day)) = pin_set.expiration_date() {
        let days_left = days_from_civil(year, month, day) - today;
        if days_left < 0 {
            return PinSetState::Expired;
        }
        if days_left <= WARNING_DAYS {
            return PinSetState::ExpiresSoon { days_left };
        }
    }
    if pin_set.pins.len() == 1 {
        PinSetState::SinglePin
    } else {
        PinSetState::Fine
    }
}

fn walk<'c>(config: &'c DomainConfig, out: &mut Vec<&'c DomainConfig>) {
    out.push(config);
    for child in &config.domain_configs {
        walk(child, out);
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some((config, _)) = network_security_config(app) else {
        return;
    };
    let today = today();
    let mut configs = Vec::new();
    for domain_config in &config.view.domain_configs {
        walk(domain_config, &mut configs);
    }
    for domain_config in configs {
        let Some(pin_set) = domain_config.pin_set.as_ref() else {
            continue;
        };
        let domains = domains_shown(&domain_config.domains, 3);
        let key = domains_key(&domain_config.domains);
        let expiration = pin_set.expiration.as_deref().unwrap_or_default();
        let evidence = format!(
            "<pin-set expiration=\"{expiration}\"> with {} pin(s)",
            pin_set.pins.len()
        );
        match assess(pin_set, today) {
            PinSetState::Expired => out.emit(
                at(config, pin_set.line),
                &key,
                format!("The certificate pins for {domains} expired on {expiration}, so Android no longer enforces them."),
                evidence,
            ),
            PinSetState::ExpiresSoon { days_left } => out.emit(
                at(config, pin_set.line),
                &key,
                format!("The certificate pins for {domains} expire on {expiration}, after which Android stops enforcing them."),
                format!("{evidence}; {days_left} day(s) after the scan"),
            ),
            PinSetState::SinglePin => out.emit_with_severity(
                Severity::Info,
                at(config, pin_set.line),
                &format!("single-pin:{key}"),
                format!("The pin-set for {domains} has a single pin and no backup key."),
                format!("<pin-set> with 1 pin ({})", pin_set.pins.first().map_or("", |p| p.value.as_str())),
            ),
            PinSetState::Fine => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_axml::Pin;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn civil_dates_count_days_like_unix_time() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2020, 1, 1), 18_262);
        assert_eq!(
            days_from_civil(2024, 2, 29) + 1,
            days_from_civil(2024, 3, 1)
        );
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    fn pin_set(expiration: Option<&str>, pins: usize) -> PinSet {
        let pin = |i: usize| Pin {
            digest: Some("SHA-256".into()),
            value: format!("pin{i}"),
            line: 1,
        };
        PinSet {
            expiration: expiration.map(String::from),
            pins: (0..pins).map(pin).collect(),
            line: 1,
        }
    }

    #[test]
    fn states_follow_the_scan_date() {
        let day = days_from_civil(2026, 7, 1);
        assert_eq!(
            assess(&pin_set(Some("2026-06-30"), 2), day),
            PinSetState::Expired
        );
        assert_eq!(
            assess(&pin_set(Some("2026-07-01"), 2), day),
            PinSetState::ExpiresSoon { days_left: 0 }
        );
        assert_eq!(
            assess(&pin_set(Some("2026-09-29"), 2), day),
            PinSetState::ExpiresSoon { days_left: 90 }
        );
        assert_eq!(
            assess(&pin_set(Some("2026-09-30"), 2), day),
            PinSetState::Fine
        );
        assert_eq!(assess(&pin_set(None, 2), day), PinSetState::Fine);
        assert_eq!(assess(&pin_set(None, 1), day), PinSetState::SinglePin);
        assert_eq!(
            assess(&pin_set(Some("2020-01-01"), 1), day),
            PinSetState::Expired,
            "an expired set is reported as expired only"
        );
        assert_eq!(
            assess(&pin_set(Some("not a date"), 2), day),
            PinSetState::Fine
        );
    }
}
