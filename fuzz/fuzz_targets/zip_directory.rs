//! Fuzzes the lenient ZIP reader: open, list, read every entry under a small budget,
//! and derive signing facts and the bundle view.
#![no_main]

use appvd_apk::{App, InflateBudget, InflateLimits, SharedBytes, SigningInfo, ZipArchive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = InflateLimits {
        max_total_bytes: 8 << 20,
        max_entry_bytes: 2 << 20,
        max_ratio: 200,
        ratio_grace_bytes: 64 << 10,
    };
    let shared = SharedBytes::from(data);
    if let Ok(archive) = ZipArchive::from_shared(shared.clone(), InflateBudget::new(limits)) {
        for entry in archive.entries() {
            let _ = archive.read(entry);
            let _ = archive.read_prefix(entry, 64);
            let _ = appvd_apk::listing::classify(&entry.name);
        }
        let _ = SigningInfo::from_archive(&archive);
        let _ = archive.anomalies();
    }
    if let Ok(app) = App::from_shared("fuzz.apk", shared, InflateBudget::new(limits)) {
        for apk in app.apks() {
            let _ = apk.signing();
        }
        let _ = app.anomalies();
    }
});
