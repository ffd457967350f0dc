//! Bundles as one logical app, and the file-listing facts.

mod common;

use appvd_apk::listing::{self, EntryClass, KeyFileKind, SniffedKeyMaterial};
use appvd_apk::{AnomalyKind, App, BundleKind, InflateBudget, InflateLimits, SharedBytes};
use common::{fixture, open};

#[test]
fn plain_apk() {
    let app = open("signed-v1v2v3.apk");
    assert_eq!(app.kind(), BundleKind::Apk);
    assert_eq!(app.base().name(), "signed-v1v2v3.apk");
    assert!(app.splits().is_empty());
    assert!(app.container().is_none());
    assert!(app.anomalies().is_empty());
}

#[test]
fn xapk() {
    let app = open("fixture.xapk");
    assert_eq!(app.kind(), BundleKind::Xapk);
    assert_eq!(app.base().name(), "com.example.fixture.apk");
    let splits: Vec<_> = app.splits().iter().map(|s| s.name()).collect();
    assert_eq!(splits, ["config.arm64_v8a.apk"]);
    assert_eq!(app.splits()[0].split_name_hint(), Some("config.arm64_v8a"));
    assert_eq!(
        app.obb_files(),
        ["Android/obb/com.example.fixture/main.1.com.example.fixture.obb"]
    );
    let manifest = app.xapk_manifest().unwrap();
    assert_eq!(
        manifest.package_name.as_deref(),
        Some("com.example.fixture")
    );
    assert_eq!(manifest.split_apks.len(), 2);
    // The stored base APK shares the mapping; the deflated split went through the budget.
    assert!(app.base().archive().bytes().is_mapped());
    assert!(app.budget().used() > 0);
    assert_eq!(app.base().signing().schemes(), ["v1", "v2", "v3"]);
    assert!(
        app.splits()[0]
            .archive()
            .contains("lib/arm64-v8a/libfixture.so")
    );
    assert!(app.anomalies().is_empty(), "{:?}", app.anomalies());
}

#[test]
fn apks() {
    let app = open("fixture.apks");
    assert_eq!(app.kind(), BundleKind::Apks);
    assert_eq!(app.base().name(), "splits/base-master.apk");
    let splits: Vec<_> = app.splits().iter().map(|s| s.name()).collect();
    assert_eq!(splits, ["splits/base-arm64_v8a.apk"]);
    assert_eq!(app.splits()[0].split_name_hint(), Some("arm64_v8a"));
    let names: Vec<_> = app.apks().map(|a| a.name()).collect();
    assert_eq!(names.len(), 2);
}

#[test]
fn split_set_given_as_files() {
    let app = App::open_split_set(&[
        fixture("split_config.arm64_v8a.apk"),
        fixture("signed-v1v2v3.apk"),
    ])
    .unwrap();
    assert_eq!(app.kind(), BundleKind::SplitApks);
    assert_eq!(app.base().name(), "signed-v1v2v3.apk");
    assert_eq!(app.splits()[0].name(), "split_config.arm64_v8a.apk");
    assert!(app.anomalies().is_empty(), "{:?}", app.anomalies());
    assert!(App::open_split_set::<&std::path::Path>(&[]).is_err());
}

#[test]
fn budget_is_shared_by_the_whole_bundle() {
    let bytes = std::fs::read(fixture("fixture.xapk")).unwrap();
    // Enough for nothing: the deflated split cannot be inflated and is reported.
    let limits = InflateLimits {
        max_total_bytes: 1024,
        ..InflateLimits::default()
    };
    let app = App::from_shared(
        "fixture.xapk",
        SharedBytes::from_vec(bytes),
        InflateBudget::new(limits),
    )
    .unwrap();
    assert!(app.splits().is_empty());
    let kinds: Vec<_> = app.anomalies().iter().map(|a| a.kind).collect();
    assert!(
        kinds.contains(&AnomalyKind::BundleMemberUnreadable),
        "{kinds:?}"
    );
    assert!(kinds.contains(&AnomalyKind::TotalSizeCap), "{kinds:?}");
}

#[test]
fn anomalies_of_bundle_members_are_qualified() {
    let app = App::open_split_set(&[
        fixture("signed-v1v2v3.apk"),
        fixture("tampered-duplicate.apk"),
    ])
    .unwrap();
    let duplicate = app
        .anomalies()
        .into_iter()
        .find(|a| a.kind == AnomalyKind::DuplicateEntry)
        .unwrap();
    assert_eq!(
        duplicate.entry.as_deref(),
        Some("tampered-duplicate.apk!AndroidManifest.xml")
    );
}

#[test]
fn not_an_app() {
    let empty_zip = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
    let app = App::from_bytes(empty_zip).unwrap();
    assert_eq!(app.kind(), BundleKind::Apk);
    assert_eq!(app.anomalies()[0].kind, AnomalyKind::NoAndroidManifest);
    assert!(App::open(&fixture("does-not-exist.apk")).is_err());
}

#[test]
fn listing_facts() {
    let app = open("listing.apk");
    let archive = app.base().archive();
    let classes: Vec<_> = archive
        .entries()
        .iter()
        .map(|e| (e.name.as_str(), listing::classify(&e.name)))
        .collect();
    assert!(classes.contains(&("classes.dex", EntryClass::Dex { number: 1 })));
    assert!(classes.contains(&("AndroidManifest.xml", EntryClass::Manifest)));
    assert!(classes.contains(&(
        "lib/armeabi-v7a/libjiagu.so",
        EntryClass::NativeLibrary {
            abi: "armeabi-v7a".into()
        }
    )));

    let key_files: Vec<_> = archive
        .entries()
        .iter()
        .filter_map(|e| Some((e.name.as_str(), listing::key_file_kind(&e.name)?)))
        .collect();
    assert_eq!(
        key_files,
        [
            ("assets/certs/server.bks", KeyFileKind::BouncyCastleKeyStore),
            ("assets/release.jks", KeyFileKind::JavaKeyStore),
            ("assets/certs/client.p12", KeyFileKind::Pkcs12),
            ("res/raw/key.pem", KeyFileKind::Pem),
        ]
    );
    let sniff = |name: &str| {
        let entry = archive.by_name(name).unwrap();
        listing::sniff_key_material(&archive.read_prefix(entry, listing::SNIFF_LEN).unwrap())
    };
    assert_eq!(
        sniff("res/raw/key.pem"),
        Some(SniffedKeyMaterial::PemPrivateKey)
    );
    assert_eq!(
        sniff("assets/certs/client.p12"),
        Some(SniffedKeyMaterial::Pkcs12)
    );
    assert_eq!(sniff("assets/release.jks"), None);

    let mut packers: Vec<_> = archive
        .entries()
        .iter()
        .flat_map(|e| listing::packer_markers(&e.name))
        .map(|m| m.packer)
        .collect();
    packers.sort();
    assert_eq!(packers, ["Ijiami", "Qihoo 360 Jiagu", "Tencent Legu"]);
}
