//! Property: no mutation of a fixture makes the reader panic or exceed its budget.
//! Also replays every input in `tests/regressions/` (crashers found by fuzzing).

mod common;

use appvd_apk::{App, InflateBudget, InflateLimits, SharedBytes, SigningInfo, ZipArchive};
use common::fixture;
use proptest::prelude::*;

const SEEDS: [&str; 6] = [
    "signed-v1v2v3.apk",
    "ber-indefinite-pkcs7.apk",
    "zip64.apk",
    "data-descriptors.apk",
    "fixture.xapk",
    "tampered-names.apk",
];

fn limits() -> InflateLimits {
    InflateLimits {
        max_total_bytes: 16 << 20,
        max_entry_bytes: 4 << 20,
        max_ratio: 300,
        ratio_grace_bytes: 1 << 20,
    }
}

/// Everything a scan does with an input.
fn exercise(bytes: Vec<u8>) {
    let shared = SharedBytes::from_vec(bytes);
    let budget = InflateBudget::new(limits());
    if let Ok(archive) = ZipArchive::from_shared(shared.clone(), budget.clone()) {
        for entry in archive.entries() {
            let _ = archive.read(entry);
            let _ = archive.read_prefix(entry, 32);
        }
        let info = SigningInfo::from_archive(&archive);
        let _ = info.certificates();
        let _ = serde_json::to_string(&info).unwrap();
        let _ = archive.anomalies();
    }
    if let Ok(app) = App::from_shared("mutated.apk", shared, budget.clone()) {
        for apk in app.apks() {
            let _ = apk.signing().schemes();
        }
        let _ = app.anomalies();
    }
    assert!(budget.used() <= limits().max_total_bytes);
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Set { at: usize, value: u8 },
    Truncate { keep: usize },
    Splice { from: usize, to: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (
            any::<usize>(),
            prop_oneof![Just(0u8), Just(0xff), Just(0x80), any::<u8>()]
        )
            .prop_map(|(at, value)| Mutation::Set { at, value }),
        any::<usize>().prop_map(|keep| Mutation::Truncate { keep }),
        (any::<usize>(), any::<usize>(), 1usize..512)
            .prop_map(|(from, to, len)| Mutation::Splice { from, to, len }),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let len = bytes.len();
    match mutation {
        Mutation::Flip { at, mask } => bytes[at % len] ^= mask,
        Mutation::Set { at, value } => bytes[at % len] = *value,
        Mutation::Truncate { keep } => bytes.truncate(keep % len),
        Mutation::Splice { from, to, len: n } => {
            let from = from % len;
            let n = (*n).min(len - from);
            let chunk = bytes[from..from + n].to_vec();
            let to = to % len;
            let end = (to + n).min(len);
            bytes[to..end].copy_from_slice(&chunk[..end - to]);
        }
        Mutation::Insert {
            at,
            bytes: inserted,
        } => {
            let at = at % len;
            bytes.splice(at..at, inserted.iter().copied());
        }
    }
}

/// Mutations aimed at the last 512 bytes, where the central directory and end record live.
fn tail_mutation() -> impl Strategy<Value = (usize, u8)> {
    (0usize..512, any::<u8>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(seed in 0..SEEDS.len(), mutations in proptest::collection::vec(mutation(), 1..6)) {
        let mut bytes = std::fs::read(fixture(SEEDS[seed])).unwrap();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise(bytes);
    }

    #[test]
    fn mutated_directories_never_panic(seed in 0..SEEDS.len(), edits in proptest::collection::vec(tail_mutation(), 1..12)) {
        let mut bytes = std::fs::read(fixture(SEEDS[seed])).unwrap();
        let len = bytes.len();
        for (back, value) in edits {
            let at = len - 1 - back.min(len - 1);
            bytes[at] = value;
        }
        exercise(bytes);
    }
}

/// What the `signing_block` fuzz target does: the first byte picks the parser.
fn exercise_signing_parsers(bytes: &[u8]) {
    use appvd_apk::signing::{ber, block, scheme, v1};
    let Some((&selector, rest)) = bytes.split_first() else {
        return;
    };
    let mut anomalies = Vec::new();
    match selector % 5 {
        0 => drop(block::parse_pairs(rest, 0)),
        1 => drop(scheme::parse_scheme_block(
            scheme::Scheme::V2,
            rest,
            &mut anomalies,
        )),
        2 => drop(scheme::parse_scheme_block(
            scheme::Scheme::V3,
            rest,
            &mut anomalies,
        )),
        3 => {
            let _ = v1::parse_pkcs7(rest, &mut anomalies);
            let _ = v1::parse_sections(&String::from_utf8_lossy(rest));
        }
        _ => {
            let _ = ber::to_der(rest);
            for tlv in ber::iter(rest).flatten() {
                let _ = tlv.children().count();
            }
            let _ = appvd_apk::Certificate::from_der(rest);
        }
    }
}

#[test]
fn fuzz_regressions() {
    let dir = fixture("../regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            let bytes = std::fs::read(&path).unwrap();
            exercise_signing_parsers(&bytes);
            exercise(bytes);
            count += 1;
        }
    }
    assert!(count > 0, "no regression inputs in {}", dir.display());
}
