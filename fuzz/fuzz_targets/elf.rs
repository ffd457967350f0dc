#![no_main]
//! ELF facts: parse, then touch every derived fact and format the result, so
//! that every computed path runs too.

use appvd_elf::{ElfFacts, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Tight limits exercise the caps; default ones the full scan.
    let tight = Limits { max_strings: 8, max_string_bytes: 256, max_name_bytes: 512, ..Limits::default() };
    for limits in [Limits::default(), tight] {
        let Ok((facts, anomalies)) = ElfFacts::parse_with_limits(data, &limits) else { continue };
        assert!(facts.strings.strings.len() <= limits.max_strings);
        assert!(facts.strings.total_bytes <= limits.max_string_bytes);
        for string in &facts.strings.strings {
            let start = usize::try_from(string.file_offset).expect("offset fits");
            assert_eq!(data.get(start..start + string.text.len()), Some(string.text.as_bytes()));
            assert!(facts.strings.region_of(string).is_some());
        }
        let _ = facts.stack_protector_applies();
        let _ = facts.hardening.is_position_independent();
        let _ = facts.hardening.fortify.lacks_fortify();
        let _ = facts.load.supports_16k_pages();
        let _ = facts.linking.has_search_path();
        let _ = facts.sections.names().count();
        let _ = format!("{facts:?}");
        for anomaly in &anomalies {
            let _ = anomaly.to_string();
        }
    }
});
