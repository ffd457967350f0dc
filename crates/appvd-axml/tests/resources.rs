//! resources.arsc lookups on aapt/aapt2-built tables and their re-encoded variants.

mod common;

use appvd_axml::{EntryValue, ResourceTable, Value};
use common::{kinds, table};

const APP_NAME: u32 = 0x7f05_0000;

fn full() -> ResourceTable {
    let (table, anomalies) = table("full/resources.arsc");
    assert!(anomalies.is_empty(), "{anomalies:?}");
    table
}

#[test]
fn names_ids_and_paths() {
    let table = full();
    let package = table.package(0x7f).expect("package");
    assert_eq!(package.name(), "com.appvd.fixture.full");
    let type_names: Vec<String> = package
        .types(&table)
        .into_iter()
        .map(|(_, name, _)| name)
        .collect();
    assert_eq!(
        type_names,
        vec![
            "attr", "xml", "raw", "bool", "string", "array", "plurals", "integer", "color",
            "dimen", "fraction", "style"
        ]
    );
    assert_eq!(
        table.name_of(0x7f02_0003).map(|n| n.to_string()).as_deref(),
        Some("xml/network_security_config")
    );
    let name = table.name_of(APP_NAME).expect("name");
    assert_eq!(
        (
            name.package.as_str(),
            name.type_name.as_str(),
            name.entry.as_str()
        ),
        ("com.appvd.fixture.full", "string", "app_name")
    );
    assert_eq!(table.name_of(0x7f05_00ff), None);
    assert_eq!(
        table.name_of(0x0101_0000),
        None,
        "framework ids are not in an app table"
    );
    assert_eq!(
        table.id_of("xml", "network_security_config"),
        Some(0x7f02_0003)
    );
    assert_eq!(table.id_of("string", "maps_key"), Some(0x7f05_0002));
    assert_eq!(
        table.file_path(0x7f02_0003).as_deref(),
        Some("res/xml/network_security_config.xml")
    );
    let paths: Vec<(String, String)> = table
        .file_paths(0x7f02_0003)
        .into_iter()
        .map(|(c, p)| (c.to_string(), p))
        .collect();
    assert_eq!(
        paths,
        vec![
            (
                "default".to_string(),
                "res/xml/network_security_config.xml".to_string()
            ),
            (
                "v24".to_string(),
                "res/xml-v24/network_security_config.xml".to_string()
            ),
        ]
    );
    assert_eq!(
        table.file_path(0x7f03_0000).as_deref(),
        Some("res/raw/extra_ca.pem")
    );
    assert_eq!(
        table.file_path(APP_NAME),
        Some("Fixture".to_string()),
        "any default string counts as a path"
    );
}

#[test]
fn locales_and_night_mode() {
    let table = full();
    let values: Vec<(String, Option<String>, Value)> = table
        .resolve(APP_NAME)
        .into_iter()
        .map(|(config, value)| (config.to_string(), config.locale(), value))
        .collect();
    assert_eq!(
        values,
        vec![
            ("default".to_string(), None, Value::String("Fixture".into())),
            (
                "fr".to_string(),
                Some("fr".into()),
                Value::String("Montage".into())
            ),
            (
                "zh-rCN".to_string(),
                Some("zh-CN".into()),
                Value::String("测试应用".into())
            ),
        ]
    );
    let night: Vec<(Option<bool>, Value)> = table
        .resolve(0x7f04_0001)
        .into_iter()
        .map(|(config, value)| (config.night(), value))
        .collect();
    assert_eq!(
        night,
        vec![
            (None, Value::Boolean(false)),
            (Some(true), Value::Boolean(true))
        ]
    );
    assert_eq!(
        table.default_value(0x7f04_0001),
        Some(Value::Boolean(false))
    );
    assert_eq!(table.default_value(0x7f04_0000), Some(Value::Boolean(true)));
}

#[test]
fn typed_values_and_reference_chains() {
    let table = full();
    let value = |type_name: &str, entry: &str| {
        table
            .id_of(type_name, entry)
            .and_then(|id| table.default_value(id))
    };
    assert_eq!(
        value("string", "alias_to_app_name"),
        Some(Value::String("Fixture".into()))
    );
    assert_eq!(value("integer", "retries"), Some(Value::IntDec(3)));
    assert_eq!(
        value("color", "accent").map(|v| v.to_string()).as_deref(),
        Some("#ff3366cc")
    );
    assert_eq!(
        value("dimen", "margin").map(|v| v.to_string()).as_deref(),
        Some("16.0dip")
    );
    assert_eq!(
        value("fraction", "ratio").map(|v| v.to_string()).as_deref(),
        Some("50.0%")
    );
    assert_eq!(
        value("string", "greeting"),
        Some(Value::String("Hello world".into())),
        "style spans dropped"
    );
    let alias_entries = table.entries(table.id_of("string", "alias_to_app_name").expect("id"));
    assert!(matches!(
        alias_entries[0].value,
        EntryValue::Simple {
            value: Value::Reference(APP_NAME)
        }
    ));

    let array = table
        .default_entry(table.id_of("array", "endpoints").expect("id"))
        .expect("entry");
    let EntryValue::Bag { items, .. } = array.value else {
        panic!("array is a bag")
    };
    let urls: Vec<&str> = items.iter().filter_map(|i| i.value.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://api.appvd.example.com",
            "http://legacy.appvd.example.com"
        ]
    );
    let style = table
        .default_entry(table.id_of("style", "AppTheme").expect("id"))
        .expect("entry");
    let EntryValue::Bag { items, .. } = style.value else {
        panic!("style is a bag")
    };
    assert_eq!(items[0].key, 0x0101_0001);
    assert_eq!(
        table.resolve_value(&items[0].value),
        Value::String("Fixture".into())
    );
}

#[test]
fn string_values_with_their_names() {
    let table = full();
    let strings: Vec<(String, String, String)> = table
        .string_resources()
        .into_iter()
        .map(|s| (s.name.to_string(), s.config.to_string(), s.value))
        .collect();
    assert!(strings.contains(&(
        "string/maps_key".into(),
        "default".into(),
        "AIzaSyFIXTUREfixtureFIXTUREfixture0000".into()
    )));
    assert!(strings.contains(&(
        "string/api_token".into(),
        "default".into(),
        "sk_live_fixturefixturefixture0000".into()
    )));
    assert!(strings.contains(&(
        "array/endpoints".into(),
        "default".into(),
        "http://legacy.appvd.example.com".into()
    )));
    assert!(strings.contains(&("plurals/items".into(), "default".into(), "one item".into())));
    assert!(strings.contains(&("string/app_name".into(), "zh-rCN".into(), "测试应用".into())));
    assert!(
        !strings.iter().any(|(name, _, _)| name.starts_with("xml/")),
        "file paths are not text"
    );
    assert_eq!(strings.len(), 12);
}

#[test]
fn sparse_entries_from_aapt2() {
    let (table, anomalies) = table("sparse/resources.arsc");
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let german = |id: u32| {
        table
            .resolve(id)
            .into_iter()
            .find(|(config, _)| config.language() == "de")
            .map(|(_, value)| value)
    };
    assert_eq!(german(0x7f01_0007), Some(Value::String("Wert 7".into())));
    assert_eq!(german(0x7f01_0021), Some(Value::String("Wert 33".into())));
    assert_eq!(german(0x7f01_0008), None);
    assert_eq!(
        table.default_value(0x7f01_0021),
        Some(Value::String("value 33".into()))
    );
    assert_eq!(table.resource_ids().len(), 41);
}

#[test]
fn re_encoded_tables_decode_identically() {
    let original = full();
    for variant in [
        "tampered/offset16_compact.arsc",
        "tampered/utf16_pool.arsc",
        "tampered/garbage.arsc",
    ] {
        let (table, anomalies) = table(variant);
        for id in original.resource_ids() {
            assert_eq!(
                table.entries(id),
                original.entries(id),
                "{variant} 0x{id:08x}"
            );
        }
        assert_eq!(table.resource_ids(), original.resource_ids(), "{variant}");
        let expected: Vec<&str> = match variant {
            "tampered/garbage.arsc" => vec!["chunk.trailing_data", "chunk.unknown_type"],
            _ => vec![],
        };
        assert_eq!(kinds(&anomalies), expected, "{variant}");
    }
}

#[test]
fn broken_tables_keep_what_they_can() {
    let (table, anomalies) = table("tampered/bad_entry_offsets.arsc");
    assert_eq!(kinds(&anomalies), vec!["arsc.bad_entry", "arsc.bad_entry"]);
    assert_eq!(table.resolve(APP_NAME).len(), 2, "fr and zh-rCN survive");
    assert_eq!(
        table.default_value(0x7f05_0002),
        Some(Value::String(
            "AIzaSyFIXTUREfixtureFIXTUREfixture0000".into()
        ))
    );

    let (table, anomalies) = common::table("tampered/truncated.arsc");
    assert!(kinds(&anomalies).contains(&"chunk.truncated"));
    assert_eq!(
        table.file_path(0x7f02_0003).as_deref(),
        Some("res/xml/network_security_config.xml")
    );
    assert_eq!(table.default_value(0x7f04_0000), Some(Value::Boolean(true)));
}

#[test]
fn table_dump_snapshot() {
    insta::assert_snapshot!("full_table_dump", full().dump());
}
