use std::collections::BTreeMap;

use crate::finding::{Location, Severity};
use crate::model::{AppModel, ScanAnomaly};
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "resilience.malformed_container",
    title: "APK container or binary XML deliberately malformed",
    severity: Severity::Info,
    masvs: "MASVS-RESILIENCE-3",
    cwe: 656,
    docs: Docs {
        what: "The ZIP container, the binary manifest, `resources.arsc` or a res/xml file the manifest uses is malformed \
               in a way Android tolerates but analysis tools trip over: local headers that disagree with the central \
               directory, fake encryption flags, bogus compression methods, duplicate or hidden entries, prepended \
               bytes, zip-bomb sizes, binary XML with a wrong file type, blank or mismatched attribute names, inserted \
               garbage. One finding per kind of tampering, not per entry; Low for tricks that make tools and the \
               platform see different content, Info for damage that only limits analysis. Oddities that normal \
               build tools produce (ZIP64 in very large apps, configuration structures of newer platforms) are not \
               reported.",
        why: "Nobody builds an APK like this by accident: these are the tricks malware and some protectors use so that \
              jadx, apktool, androguard and store-side scanners fail or read different content than the device \
              installs (duplicate entries and local-header tricks were also the shape of the 2013 \"Master Key\" \
              signature bypasses). The finding tells a reviewer that the app resists analysis on purpose, and which \
              tool-visible content may differ from what runs.",
        fix: "Build with the standard toolchain (AGP, aapt2, zipalign, apksigner) and do not post-process the APK with tools \
              that rewrite ZIP headers or binary XML. If a protector does this, know that it adds no security: Android \
              reads the same data, and so does any analyser that follows the platform's parsing rules.",
        references: &[
            "https://mas.owasp.org/MASVS/11-MASVS-RESILIENCE/",
            "https://source.android.com/docs/security/features/apksigning",
            "https://cwe.mitre.org/data/definitions/656.html",
        ],
    },
    check,
};

/// The anomaly kinds this rule reports, with their severity and what they mean. Kinds not listed
/// (ZIP64, signing-block and bundle anomalies, semantic manifest oddities, newer resource
/// configuration sizes) are either normal or reported by other rules.
// One kind per line reads better than rustfmt's three.
#[rustfmt::skip]
const REPORTED: &[(&str, Severity, &str)] = &[
    ("zip.eocd_far_from_end", Severity::Info, "The end-of-central-directory record is further from the end of the file than a ZIP comment allows"),
    ("zip.trailing_data", Severity::Info, "Bytes follow the end of the ZIP archive"),
    ("zip.eocd_comment_overrun", Severity::Info, "The ZIP comment length points past the end of the file"),
    ("zip.multiple_eocd", Severity::Low, "The file holds several end-of-central-directory records, so tools can disagree on which archive they read"),
    ("zip.multi_disk", Severity::Info, "The archive claims to span several disks"),
    ("zip.zip64_malformed", Severity::Info, "The ZIP64 end records are damaged"),
    ("zip.central_directory_relocated", Severity::Low, "The central directory is not where the end record says: bytes were added before the archive"),
    ("zip.prepended_data", Severity::Low, "Bytes precede the first local file header, the shape of a prepended DEX or a polyglot file"),
    ("zip.central_directory_truncated", Severity::Info, "The central directory ends before all the records it declares"),
    ("zip.central_directory_size_mismatch", Severity::Info, "The declared size of the central directory differs from its records"),
    ("zip.entry_count_mismatch", Severity::Low, "The two entry counts of the end record disagree"),
    ("zip.extra_central_records", Severity::Low, "Central directory records follow the declared count: Android never sees them, some tools do"),
    ("zip.local_header_invalid", Severity::Info, "Central directory records point at no local file header"),
    ("zip.local_name_mismatch", Severity::Low, "Local file headers name entries differently from the central directory"),
    ("zip.local_method_mismatch", Severity::Low, "Local file headers give another compression method than the central directory"),
    ("zip.local_size_mismatch", Severity::Low, "Local file headers give other sizes than the central directory"),
    ("zip.local_crc_mismatch", Severity::Low, "Local file headers give another CRC-32 than the central directory"),
    ("zip.local_flags_mismatch", Severity::Info, "Local file headers give other flags than the central directory"),
    ("zip.unknown_compression_method", Severity::Low, "Entries declare a compression method that does not exist; Android reads them anyway"),
    ("zip.stored_size_mismatch", Severity::Low, "Stored entries declare different compressed and uncompressed sizes"),
    ("zip.encryption_flag", Severity::Low, "Entries carry the ZIP encryption flag although they are not encrypted; Android ignores it, many tools refuse the entry"),
    ("zip.duplicate_entry", Severity::Low, "Several entries share a name, so different readers pick different files"),
    ("zip.entry_out_of_bounds", Severity::Info, "Entries point outside the file"),
    ("zip.absurd_size", Severity::Low, "Entries declare implausible sizes or compression ratios, the shape of a zip bomb"),
    ("zip.overlapping_entries", Severity::Low, "The data of several entries overlaps"),
    ("zip.name_path_traversal", Severity::Low, "Entry names contain `..` components, aimed at tools that extract the archive"),
    ("zip.name_absolute", Severity::Low, "Entry names are absolute paths, aimed at tools that extract the archive"),
    ("zip.name_nul", Severity::Low, "Entry names contain NUL bytes, so C-string readers see another name"),
    ("zip.name_backslash", Severity::Info, "Entry names contain backslashes"),
    ("zip.name_not_utf8", Severity::Info, "Entry names are not valid UTF-8"),
    ("zip.name_empty", Severity::Info, "Entries have empty names"),
    ("zip.directory_with_data", Severity::Info, "Directory entries carry data"),
    ("zip.file_directory_conflict", Severity::Low, "A path is used both as a file and as a directory"),
    ("zip.crc_mismatch", Severity::Info, "Entry data does not match its CRC-32"),
    ("zip.data_descriptor_mismatch", Severity::Info, "Data descriptors disagree with the central directory"),
    ("zip.corrupt_data", Severity::Info, "Compressed data cannot be decoded"),
    ("zip.inflated_size_mismatch", Severity::Info, "Decoded data is not as long as declared"),
    ("budget.entry_size_cap", Severity::Info, "An entry inflates beyond the per-entry cap and was not analysed"),
    ("budget.total_size_cap", Severity::Info, "The app inflates beyond the total cap; later entries were not analysed"),
    ("budget.ratio_cap", Severity::Low, "An entry inflates at a zip-bomb compression ratio and was not analysed"),
    ("axml.unexpected_file_type", Severity::Low, "The binary XML header has another type than RES_XML_TYPE; Android does not check it, many decoders stop"),
    ("chunk.bad_header_size", Severity::Low, "Chunk headers declare impossible sizes"),
    ("chunk.oversized_header", Severity::Info, "Chunk headers are larger than their structure"),
    ("chunk.bad_size", Severity::Info, "Chunk sizes are inconsistent"),
    ("chunk.truncated", Severity::Info, "Chunks are cut off"),
    ("chunk.unknown_type", Severity::Info, "Chunks of unexpected types were skipped"),
    ("chunk.garbage_skipped", Severity::Low, "Bytes that form no chunk were inserted between chunks"),
    ("chunk.trailing_data", Severity::Info, "Bytes follow the last chunk"),
    ("strings.missing", Severity::Info, "A string pool is missing"),
    ("strings.multiple_pools", Severity::Low, "A second string pool replaces the first"),
    ("strings.bad_header", Severity::Low, "A string pool header has impossible counts or offsets"),
    ("strings.offset_out_of_range", Severity::Low, "String offsets point outside the string data"),
    ("strings.bad_length", Severity::Info, "String lengths are inconsistent with the pool"),
    ("strings.bad_encoding", Severity::Info, "Strings are not valid UTF-8 or UTF-16"),
    ("strings.bad_style", Severity::Info, "String style data is out of range"),
    ("strings.index_out_of_range", Severity::Info, "String indexes point past the pool"),
    ("axml.multiple_resource_maps", Severity::Low, "A second resource map replaces the first"),
    ("axml.bad_resource_map", Severity::Info, "The resource map is malformed"),
    ("axml.bad_node", Severity::Info, "XML node chunks are too small for their kind"),
    ("axml.unusual_attribute_size", Severity::Low, "Elements declare another attribute size than 20 bytes"),
    ("axml.attributes_overflow", Severity::Info, "Attributes run past the end of their element"),
    ("axml.blank_attribute_name", Severity::Low, "Attribute names are blank, obfuscator style, so only their resource ids identify them"),
    ("axml.attribute_name_mismatch", Severity::Low, "Attribute names disagree with their resource ids, so name-based decoders read the wrong attribute"),
    ("axml.unsorted_attributes", Severity::Info, "Attribute resource ids are not sorted"),
    ("axml.duplicate_attribute", Severity::Low, "Elements repeat an attribute, and decoders disagree on which one counts"),
    ("axml.tampered_namespace", Severity::Low, "Android attributes are placed in another namespace URI"),
    ("axml.raw_value_mismatch", Severity::Low, "Raw attribute strings disagree with the typed values Android uses"),
    ("axml.unbalanced_element", Severity::Info, "Start and end tags do not match"),
    ("axml.multiple_roots", Severity::Low, "The document has several root elements"),
    ("axml.too_deep", Severity::Info, "Elements are nested beyond any real document"),
    ("axml.bad_value", Severity::Info, "Typed values are malformed"),
    ("limit.decoded_strings", Severity::Low, "Values point at huge strings many times over, a memory bomb for decoders"),
    ("arsc.unexpected_file_type", Severity::Low, "The resource table header has another type than RES_TABLE_TYPE"),
    ("arsc.package_count_mismatch", Severity::Info, "The resource table's package count is wrong"),
    ("arsc.bad_package", Severity::Info, "Resource packages are malformed"),
    ("arsc.bad_type_spec", Severity::Info, "Resource type specs are malformed"),
    ("arsc.bad_type", Severity::Info, "Resource types are malformed"),
    ("arsc.bad_type_id", Severity::Info, "Resource types use invalid ids"),
    ("arsc.bad_entry", Severity::Info, "Resource entries are malformed"),
];

/// The decoders whose anomalies describe the container and the files Android parses at install.
const SOURCES: &[&str] = &["container", "manifest", "resources", "res_xml"];
/// Occurrences quoted per kind.
const QUOTED: usize = 5;

fn reported(kind: &str) -> Option<(Severity, &'static str)> {
    REPORTED
        .iter()
        .find(|(id, _, _)| *id == kind)
        .map(|&(_, severity, what)| (severity, what))
}

/// The apk crate keeps a bounded number of anomalies per kind and appends one summary for the
/// rest; that summary has no entry and is not an occurrence of its own.
fn is_overflow_summary(anomaly: &ScanAnomaly) -> bool {
    anomaly.source == "container"
        && anomaly
            .message
            .contains("more anomalies of this kind were not kept")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    // The model's list is taken when the app is opened, before any rule reads an entry, so the
    // result does not depend on which other rules ran first.
    let anomalies = app.anomalies();
    let mut by_kind: BTreeMap<&str, (Vec<&ScanAnomaly>, bool)> = BTreeMap::new();
    for anomaly in anomalies
        .iter()
        .filter(|a| SOURCES.contains(&a.source) && reported(&a.kind).is_some())
    {
        let slot = by_kind.entry(anomaly.kind.as_str()).or_default();
        if is_overflow_summary(anomaly) {
            slot.1 = true;
        } else {
            slot.0.push(anomaly);
        }
    }
    for (kind, (occurrences, more)) in by_kind {
        let Some((severity, what)) = reported(kind) else {
            continue;
        };
        let Some(first) = occurrences.first() else {
            continue;
        };
        let count = match (occurrences.len(), more) {
            (n, true) => format!("more than {n} occurrences"),
            (1, false) => "1 occurrence".to_owned(),
            (n, false) => format!("{n} occurrences"),
        };
        let mut evidence: Vec<String> = occurrences
            .iter()
            .take(QUOTED)
            .map(|a| {
                let place = match (&a.file, a.offset) {
                    (Some(file), Some(offset)) => format!("{file} @ {offset:#x}: "),
                    (Some(file), None) => format!("{file}: "),
                    (None, Some(offset)) => format!("@ {offset:#x}: "),
                    (None, None) => String::new(),
                };
                format!("{place}{}", a.message)
            })
            .collect();
        if occurrences.len() > QUOTED || more {
            evidence.push(format!("({count} in all)"));
        }
        let location = match &first.file {
            Some(file) => Location::file(file.clone()),
            None => Location::default(),
        };
        out.emit_with_severity(
            severity,
            location,
            kind,
            format!("{what} ({kind}, {count})."),
            evidence.join("\n"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    /// The kinds the rule reports on a tampered variant of the fixture app, with their severities
    /// (the fingerprint keys on the kind).
    fn reported_kinds(variant: &str) -> Vec<(&'static str, Severity)> {
        let app = AppModel::open(&crate::testing::fixture_path(&RULE, variant)).unwrap();
        let findings = RULE.run(&app);
        findings
            .iter()
            .map(|f| {
                let kind = REPORTED
                    .iter()
                    .map(|(id, _, _)| *id)
                    .find(|id| crate::finding::fingerprint(RULE.id, id) == f.fingerprint);
                (kind.unwrap_or("?"), f.severity)
            })
            .collect()
    }

    #[test]
    fn a_declared_zip_bomb_is_reported_without_inflating_it() {
        assert_eq!(
            reported_kinds("positive-zip-bomb"),
            [("zip.absurd_size", Severity::Low)]
        );
    }

    #[test]
    fn a_prepended_dex_header_is_reported() {
        let kinds = reported_kinds("positive-prepended");
        assert!(
            kinds.contains(&("zip.prepended_data", Severity::Low)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("zip.central_directory_relocated", Severity::Low)),
            "{kinds:?}"
        );
    }

    #[test]
    fn every_reported_kind_is_a_kind_the_decoders_know() {
        let known: Vec<&str> = appvd_apk::AnomalyKind::ALL
            .iter()
            .map(|k| k.id())
            .chain(appvd_axml::AnomalyKind::ALL.iter().map(|k| k.id()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (id, _, what) in REPORTED {
            assert!(
                known.contains(id),
                "{id} is not an anomaly kind of appvd-apk or appvd-axml"
            );
            assert!(seen.insert(*id), "{id} is listed twice");
            assert!(
                !what.ends_with('.') && !what.contains('('),
                "{id}: the description is embedded in a sentence with a parenthesis"
            );
        }
    }

    #[test]
    fn normal_apks_are_silent() {
        // The other fixtures of this rule group and its siblings are plain aapt/zipalign/apksigner
        // builds, some unsigned, some with native libraries or key files.
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
        let groups = [
            crate::rules::signing::RULES,
            crate::rules::files::RULES,
            crate::rules::native::RULES,
        ];
        let mut checked = 0;
        for rule in groups
            .iter()
            .flat_map(|g| g.iter())
            .filter(|r| r.id != RULE.id)
        {
            for apk in std::fs::read_dir(rules.join(rule.id))
                .unwrap()
                .flatten()
                .filter(|f| f.path().extension().is_some_and(|e| e == "apk"))
            {
                let app = AppModel::open(&apk.path()).unwrap();
                let findings = RULE.run(&app);
                assert!(
                    findings.is_empty(),
                    "{}: {findings:#?}",
                    apk.path().display()
                );
                checked += 1;
            }
        }
        assert!(checked >= 28, "only {checked} fixture APKs found");
    }
}
