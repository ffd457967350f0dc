//! Property tests: no mutation of a real fixture makes the parser panic, and
//! whatever it returns stays consistent with the input.

mod common;

use appvd_elf::{ElfFacts, Limits};
use common::{BUILT, fixture};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite one byte.
    Byte { at: usize, value: u8 },
    /// Overwrite a little-endian word with a boundary value, where headers and
    /// tables live: this reaches the count and offset checks far more often
    /// than random bytes do.
    Word { at: usize, value: u64, width: usize },
    /// Cut the file.
    Truncate { len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let boundary = prop_oneof![
        Just(0u64),
        Just(1),
        Just(0x7f),
        Just(0xff),
        Just(0xffff),
        Just(0x4000),
        Just(0x7fff_ffff),
        Just(0xffff_ffff),
        Just(u64::MAX),
        Just(u64::MAX / 2),
        any::<u64>(),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Mutation::Byte { at, value }),
        (
            0usize..4096,
            boundary,
            prop_oneof![Just(2usize), Just(4), Just(8)]
        )
            .prop_map(|(at, value, width)| Mutation::Word { at, value, width }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match *mutation {
        Mutation::Byte { at, value } => {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        Mutation::Word { at, value, width } => {
            let at = (at / width * width) % bytes.len();
            let end = (at + width).min(bytes.len());
            let raw = value.to_le_bytes();
            bytes[at..end].copy_from_slice(&raw[..end - at]);
        }
        Mutation::Truncate { len } => {
            let len = len % (bytes.len() + 1);
            bytes.truncate(len);
        }
    }
}

fn check(bytes: &[u8], limits: &Limits) {
    if let Ok((facts, anomalies)) = ElfFacts::parse_with_limits(bytes, limits) {
        assert_eq!(facts.file_size, bytes.len() as u64);
        assert!(facts.strings.strings.len() <= limits.max_strings);
        assert!(facts.strings.total_bytes <= limits.max_string_bytes);
        for string in &facts.strings.strings {
            let start = usize::try_from(string.file_offset).unwrap();
            assert_eq!(
                bytes.get(start..start + string.text.len()),
                Some(string.text.as_bytes())
            );
        }
        // 25 kinds, at most 17 entries each.
        assert!(anomalies.len() <= appvd_elf::AnomalyKind::ALL.len() * 17);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..BUILT.len(),
        mutations in prop::collection::vec(mutation(), 1..12),
    ) {
        let mut bytes = fixture(BUILT[which]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        check(&bytes, &Limits::default());
    }

    #[test]
    fn tight_limits_hold_on_mutated_fixtures(
        which in 0..BUILT.len(),
        mutations in prop::collection::vec(mutation(), 0..4),
        max_strings in 0usize..4,
        max_string_bytes in 0usize..64,
        max_name_bytes in 0usize..128,
        max_string_len in 1usize..16,
    ) {
        let mut bytes = fixture(BUILT[which]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let limits = Limits { max_strings, max_string_bytes, max_name_bytes, max_string_len, max_name_len: 8, min_string_len: 1 };
        check(&bytes, &limits);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_ident_never_panic(
        class in 1u8..=2,
        data in 1u8..=2,
        rest in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = vec![0x7f, b'E', b'L', b'F', class, data, 1];
        bytes.extend(rest);
        check(&bytes, &Limits::default());
    }
}
