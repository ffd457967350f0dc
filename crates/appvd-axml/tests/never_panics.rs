//! Property tests: no mutation of a real fixture makes a decoder or view panic.

mod common;

use std::sync::OnceLock;

use appvd_axml::{
    BackupRules, FileProviderPaths, Manifest, NetworkSecurityConfig, ResourceTable, XmlDocument,
};
use proptest::prelude::*;

struct Corpus {
    xml: Vec<Vec<u8>>,
    arsc: Vec<Vec<u8>>,
    table: ResourceTable,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let files = common::all_fixtures();
        let (xml, arsc): (Vec<String>, Vec<String>) =
            files.into_iter().partition(|f| !f.ends_with(".arsc"));
        let deep = |f: &String| f.contains("deep_nesting");
        Corpus {
            xml: xml
                .iter()
                .filter(|f| !deep(f))
                .map(|f| common::bytes(f))
                .collect(),
            arsc: arsc.iter().map(|f| common::bytes(f)).collect(),
            table: common::table("full/resources.arsc").0,
        }
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, xor: u8 },
    SetWord { at: usize, value: u32 },
    Truncate { keep: usize },
    Insert { at: usize, bytes: Vec<u8> },
    CopyRange { from: usize, to: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let word = prop_oneof![
        Just(0u32),
        Just(0xffff_ffff),
        Just(0x7fff_ffff),
        Just(0x8000_0000),
        0u32..64,
        any::<u32>()
    ];
    prop_oneof![
        4 => (any::<usize>(), 1u8..).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        4 => (any::<usize>(), word).prop_map(|(at, value)| Mutation::SetWord { at, value }),
        1 => any::<usize>().prop_map(|keep| Mutation::Truncate { keep }),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..24)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<usize>(), any::<usize>(), 1usize..64).prop_map(|(from, to, len)| Mutation::CopyRange { from, to, len }),
    ]
}

fn apply(mut data: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = data.len().max(1);
        match mutation {
            Mutation::Flip { at, xor } => {
                if let Some(byte) = data.get_mut(at % len) {
                    *byte ^= xor;
                }
            }
            Mutation::SetWord { at, value } => {
                // Chunk fields are 4-byte aligned; aim at them.
                let at = (at % len) & !3;
                if at + 4 <= data.len() {
                    data[at..at + 4].copy_from_slice(&value.to_le_bytes());
                }
            }
            Mutation::Truncate { keep } => data.truncate(keep % len),
            Mutation::Insert { at, bytes } => {
                let at = at % (data.len() + 1);
                data.splice(at..at, bytes.iter().copied());
            }
            Mutation::CopyRange { from, to, len: n } => {
                let from = from % len;
                let to = to % len;
                let n = (*n)
                    .min(data.len().saturating_sub(from))
                    .min(data.len().saturating_sub(to));
                let chunk: Vec<u8> = data[from..from + n].to_vec();
                data[to..to + n].copy_from_slice(&chunk);
            }
        }
    }
    data
}

fn exercise_xml(data: &[u8], table: &ResourceTable) {
    let Ok((document, anomalies)) = XmlDocument::parse(data) else {
        return;
    };
    assert!(anomalies.len() <= appvd_axml::anomaly::MAX_ANOMALIES + 1);
    let _ = document.to_xml();
    let _ = document.to_xml_with(table);
    let (manifest, _) = Manifest::from_document(&document, Some(table));
    let _ = (
        manifest.min_sdk(),
        manifest.target_sdk(),
        manifest.long_version_code(),
    );
    let (nsc, _) = NetworkSecurityConfig::from_document(&document, Some(table));
    let _ = nsc.effective_configs(manifest.target_sdk(), true);
    let _ = BackupRules::from_document(&document, None);
    let _ = FileProviderPaths::from_document(&document, None);
    let _ = serde_json::to_string(&document).expect("serialises");
    let _ = serde_json::to_string(&manifest).expect("serialises");
}

fn exercise_table(data: &[u8]) {
    let Ok((table, anomalies)) = ResourceTable::parse(data) else {
        return;
    };
    assert!(anomalies.len() <= appvd_axml::anomaly::MAX_ANOMALIES + 1);
    for id in table.resource_ids().into_iter().take(200) {
        let _ = table.resolve(id);
        let _ = table.default_value(id);
        let _ = table.name_of(id);
        let _ = table.file_path(id);
    }
    let _ = table.string_resources();
    let _ = table.dump();
    let _ = table.id_of("string", "app_name");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_xml_never_panics(pick in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..8)) {
        let corpus = corpus();
        let original = &corpus.xml[pick % corpus.xml.len()];
        exercise_xml(&apply(original.clone(), &mutations), &corpus.table);
    }

    #[test]
    fn mutated_tables_never_panic(pick in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..8)) {
        let corpus = corpus();
        let original = &corpus.arsc[pick % corpus.arsc.len()];
        exercise_table(&apply(original.clone(), &mutations));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        exercise_xml(&bytes, &corpus().table);
        exercise_table(&bytes);
    }
}

#[test]
fn every_fixture_decodes() {
    for file in common::all_fixtures() {
        let data = common::bytes(&file);
        if file.ends_with(".arsc") {
            assert!(ResourceTable::parse(&data).is_ok(), "{file}");
        } else {
            assert!(XmlDocument::parse(&data).is_ok(), "{file}");
        }
    }
}
