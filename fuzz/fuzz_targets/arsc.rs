//! resources.arsc: decode, then run every lookup on every resource id the table defines.
#![no_main]

use appvd_axml::ResourceTable;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((table, anomalies)) = ResourceTable::parse(data) else {
        return;
    };
    assert!(anomalies.len() <= appvd_axml::anomaly::MAX_ANOMALIES + 1);
    for id in table.resource_ids() {
        let _ = table.resolve(id);
        let _ = table.default_value(id);
        let _ = table.default_entry(id);
        if let Some(name) = table.name_of(id) {
            // Names may repeat in a hostile table, so the id found need not be this one.
            assert!(table.id_of(&name.type_name, &name.entry).is_some());
        }
        let _ = table.file_paths(id);
    }
    for package in table.packages() {
        let _ = package.types(&table);
    }
    let _ = table.string_resources();
    let _ = table.dump();
});
