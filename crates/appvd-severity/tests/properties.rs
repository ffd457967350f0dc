//! Property tests: the parsers never panic on any string, canonical forms round-trip, and the
//! GB/T grading is monotone in every indicator.

use appvd_severity::gbt::{
    AccessPath, ExploitationCost, FixDifficulty, GradingTable, ImpactDegree, Indicators,
    Interaction, PrivilegeRequirement, ScopeOfImpact, TriggerRequirement, prefill_from_cvss,
};
use appvd_severity::{Cvss, Score};
use proptest::prelude::*;

const V3_METRICS: &[(&str, &[&str], bool)] = &[
    ("AV", &["N", "A", "L", "P"], true),
    ("AC", &["L", "H"], true),
    ("PR", &["N", "L", "H"], true),
    ("UI", &["N", "R"], true),
    ("S", &["U", "C"], true),
    ("C", &["H", "L", "N"], true),
    ("I", &["H", "L", "N"], true),
    ("A", &["H", "L", "N"], true),
    ("E", &["X", "U", "P", "F", "H"], false),
    ("RL", &["X", "O", "T", "W", "U"], false),
    ("RC", &["X", "U", "R", "C"], false),
    ("CR", &["X", "L", "M", "H"], false),
    ("IR", &["X", "L", "M", "H"], false),
    ("AR", &["X", "L", "M", "H"], false),
    ("MAV", &["X", "N", "A", "L", "P"], false),
    ("MAC", &["X", "L", "H"], false),
    ("MPR", &["X", "N", "L", "H"], false),
    ("MUI", &["X", "N", "R"], false),
    ("MS", &["X", "U", "C"], false),
    ("MC", &["X", "H", "L", "N"], false),
    ("MI", &["X", "H", "L", "N"], false),
    ("MA", &["X", "H", "L", "N"], false),
];

const V4_METRICS: &[(&str, &[&str], bool)] = &[
    ("AV", &["N", "A", "L", "P"], true),
    ("AC", &["L", "H"], true),
    ("AT", &["N", "P"], true),
    ("PR", &["N", "L", "H"], true),
    ("UI", &["N", "P", "A"], true),
    ("VC", &["H", "L", "N"], true),
    ("VI", &["H", "L", "N"], true),
    ("VA", &["H", "L", "N"], true),
    ("SC", &["H", "L", "N"], true),
    ("SI", &["H", "L", "N"], true),
    ("SA", &["H", "L", "N"], true),
    ("E", &["X", "A", "P", "U"], false),
    ("CR", &["X", "H", "M", "L"], false),
    ("IR", &["X", "H", "M", "L"], false),
    ("AR", &["X", "H", "M", "L"], false),
    ("MAV", &["X", "N", "A", "L", "P"], false),
    ("MAC", &["X", "L", "H"], false),
    ("MAT", &["X", "N", "P"], false),
    ("MPR", &["X", "N", "L", "H"], false),
    ("MUI", &["X", "N", "P", "A"], false),
    ("MVC", &["X", "H", "L", "N"], false),
    ("MVI", &["X", "H", "L", "N"], false),
    ("MVA", &["X", "H", "L", "N"], false),
    ("MSC", &["X", "H", "L", "N"], false),
    ("MSI", &["X", "H", "L", "N", "S"], false),
    ("MSA", &["X", "H", "L", "N", "S"], false),
    ("S", &["X", "N", "P"], false),
    ("AU", &["X", "N", "Y"], false),
    ("R", &["X", "A", "U", "I"], false),
    ("V", &["X", "D", "C"], false),
    ("RE", &["X", "L", "M", "H"], false),
    ("U", &["X", "Clear", "Green", "Amber", "Red"], false),
];

/// A valid vector with its metrics in a random order, optional metrics present or not.
fn valid_vector() -> impl Strategy<Value = String> {
    let pick = |metrics: &'static [(&'static str, &'static [&'static str], bool)]| {
        let choices: Vec<BoxedStrategy<Option<String>>> = metrics
            .iter()
            .map(|(name, values, mandatory)| {
                let value = proptest::sample::select(values.to_vec());
                let segment = value.prop_map(move |v| format!("{name}:{v}"));
                if *mandatory {
                    segment.prop_map(Some).boxed()
                } else {
                    proptest::option::of(segment).boxed()
                }
            })
            .collect();
        choices
    };
    let version = prop_oneof![Just("3.0"), Just("3.1"), Just("4.0")];
    version.prop_flat_map(move |version| {
        let metrics = if version == "4.0" {
            V4_METRICS
        } else {
            V3_METRICS
        };
        (pick(metrics), Just(version)).prop_flat_map(|(segments, version)| {
            let segments: Vec<String> = segments.into_iter().flatten().collect();
            Just(segments)
                .prop_shuffle()
                .prop_map(move |s| format!("CVSS:{version}/{}", s.join("/")))
        })
    })
}

/// Strings close to vectors: valid ones with bytes deleted, inserted or replaced.
fn mutated_vector() -> impl Strategy<Value = String> {
    (
        valid_vector(),
        proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
    )
        .prop_map(|(vector, edits)| {
            let mut bytes = vector.into_bytes();
            for (position, byte, kind) in edits {
                let at = position % (bytes.len() + 1);
                match kind {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, b"/:XNACVSS.0134"[usize::from(byte) % 14]),
                    _ if at < bytes.len() => bytes[at] = byte,
                    _ => {}
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
}

fn check_parse_total(input: &str) {
    if let Ok(cvss) = Cvss::parse(input) {
        let canonical = cvss.to_string();
        let again = Cvss::parse(&canonical).unwrap_or_else(|e| panic!("{canonical}: {e}"));
        assert_eq!(again, cvss);
        assert_eq!(again.to_string(), canonical);
        assert!(cvss.score() <= Score::MAX && cvss.base_score() <= Score::MAX);
        let _ = prefill_from_cvss(&cvss);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn cvss_parse_never_panics_on_any_string(input in any::<String>()) {
        check_parse_total(&input);
    }

    #[test]
    fn cvss_parse_never_panics_on_vector_like_strings(
        input in "(CVSS:[0-9.]{0,4}/)?([A-Z]{0,3}:[A-Za-z]{0,5}/?){0,40}"
    ) {
        check_parse_total(&input);
    }

    #[test]
    fn cvss_parse_never_panics_on_mutated_vectors(input in mutated_vector()) {
        check_parse_total(&input);
    }

    #[test]
    fn valid_vectors_parse_in_any_order_and_round_trip(input in valid_vector()) {
        let cvss = Cvss::parse(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
        let canonical = cvss.to_string();
        prop_assert_eq!(Cvss::parse(&canonical).ok(), Some(cvss));
        let json = serde_json::to_string(&cvss).unwrap_or_default();
        prop_assert_eq!(serde_json::from_str::<Cvss>(&json).ok(), Some(cvss));
    }

    #[test]
    fn indicators_parse_never_panics(input in any::<String>(), near in "(GBT30279/)?([A-Z]{0,3}:[A-Z]{0,2}/?){0,14}") {
        for text in [&input, &near] {
            if let Ok(indicators) = Indicators::parse(text) {
                prop_assert_eq!(Indicators::parse(&indicators.to_string()).ok(), Some(indicators));
            }
        }
    }
}

fn indicators() -> impl Strategy<Value = Indicators> {
    (
        (
            proptest::sample::select(AccessPath::ALL.to_vec()),
            proptest::sample::select(TriggerRequirement::ALL.to_vec()),
            proptest::sample::select(PrivilegeRequirement::ALL.to_vec()),
            proptest::sample::select(Interaction::ALL.to_vec()),
        ),
        (
            proptest::sample::select(ImpactDegree::ALL.to_vec()),
            proptest::sample::select(ImpactDegree::ALL.to_vec()),
            proptest::sample::select(ImpactDegree::ALL.to_vec()),
        ),
        (
            proptest::option::of(proptest::sample::select(ExploitationCost::ALL.to_vec())),
            proptest::option::of(proptest::sample::select(FixDifficulty::ALL.to_vec())),
            proptest::option::of(proptest::sample::select(ScopeOfImpact::ALL.to_vec())),
        ),
    )
        .prop_map(|((ap, tr, pr, ui), (c, i, a), (ec, fd, sc))| Indicators {
            access_path: ap,
            trigger: tr,
            privilege: pr,
            interaction: ui,
            confidentiality: c,
            integrity: i,
            availability: a,
            exploitation_cost: ec,
            fix_difficulty: fd,
            scope: sc,
        })
}

/// The indicator sets that differ from `x` by one indicator made one step worse.
fn one_step_worse(x: &Indicators) -> Vec<Indicators> {
    fn next<T: Copy>(all: &[T], rank: impl Fn(T) -> u8, v: T) -> Option<T> {
        all.iter().copied().find(|w| rank(*w) == rank(v) + 1)
    }
    let mut out = Vec::new();
    let mut push = |y: Option<Indicators>| out.extend(y);
    push(
        next(AccessPath::ALL, AccessPath::rank, x.access_path).map(|v| Indicators {
            access_path: v,
            ..*x
        }),
    );
    push(
        next(TriggerRequirement::ALL, TriggerRequirement::rank, x.trigger)
            .map(|v| Indicators { trigger: v, ..*x }),
    );
    push(
        next(
            PrivilegeRequirement::ALL,
            PrivilegeRequirement::rank,
            x.privilege,
        )
        .map(|v| Indicators { privilege: v, ..*x }),
    );
    push(
        next(Interaction::ALL, Interaction::rank, x.interaction).map(|v| Indicators {
            interaction: v,
            ..*x
        }),
    );
    push(
        next(ImpactDegree::ALL, ImpactDegree::rank, x.confidentiality).map(|v| Indicators {
            confidentiality: v,
            ..*x
        }),
    );
    push(
        next(ImpactDegree::ALL, ImpactDegree::rank, x.integrity)
            .map(|v| Indicators { integrity: v, ..*x }),
    );
    push(
        next(ImpactDegree::ALL, ImpactDegree::rank, x.availability).map(|v| Indicators {
            availability: v,
            ..*x
        }),
    );
    push(
        x.exploitation_cost
            .and_then(|c| next(ExploitationCost::ALL, ExploitationCost::rank, c))
            .map(|v| Indicators {
                exploitation_cost: Some(v),
                ..*x
            }),
    );
    push(
        x.fix_difficulty
            .and_then(|c| next(FixDifficulty::ALL, FixDifficulty::rank, c))
            .map(|v| Indicators {
                fix_difficulty: Some(v),
                ..*x
            }),
    );
    push(
        x.scope
            .and_then(|c| next(ScopeOfImpact::ALL, ScopeOfImpact::rank, c))
            .map(|v| Indicators {
                scope: Some(v),
                ..*x
            }),
    );
    out
}

fn assert_not_lower(table: &GradingTable, x: &Indicators) {
    let before = table.grade(x);
    for y in one_step_worse(x) {
        let after = table.grade(&y);
        assert!(
            after.technical_grade.rank() >= before.technical_grade.rank(),
            "{x} → {y}"
        );
        if let (Some(a), Some(b)) = (after.comprehensive_grade, before.comprehensive_grade) {
            assert!(a.rank() >= b.rank(), "{x} → {y}");
        }
    }
}

proptest! {
    #[test]
    fn grading_is_monotone_in_every_indicator(x in indicators()) {
        assert_not_lower(GradingTable::builtin(), &x);
    }

    #[test]
    fn indicator_text_round_trips(x in indicators()) {
        prop_assert_eq!(Indicators::parse(&x.to_string()).ok(), Some(x));
        let json = serde_json::to_string(&x).unwrap_or_default();
        prop_assert_eq!(serde_json::from_str::<Indicators>(&json).ok(), Some(x));
    }
}

#[test]
fn grading_is_monotone_exhaustively() {
    let table = GradingTable::builtin();
    let mut count = 0;
    for x in Indicators::all() {
        assert_not_lower(table, &x);
        count += 1;
    }
    assert_eq!(count, 46_656);
}
