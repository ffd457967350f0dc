//! Agreement with the reference calculators: the scores in `tests/vectors/` were produced by
//! independent implementations (see `tests/vectors/README.md`); every one must match exactly.

use std::path::PathBuf;

use appvd_severity::{Cvss, Cvss3, Cvss4};

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
}

fn check_v3_base(file: &str, expected_count: usize) {
    let text = data(file);
    let mut count = 0;
    let mut failures = Vec::new();
    for line in lines(&text) {
        let (vector, score) = line.split_once(' ').unwrap_or((line, ""));
        let cvss = Cvss3::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(cvss.to_string(), vector, "canonical form");
        if cvss.base_score().to_string() != score {
            failures.push(format!(
                "{vector}: expected {score}, got {}",
                cvss.base_score()
            ));
        }
        count += 1;
    }
    assert_eq!(count, expected_count);
    assert!(
        failures.is_empty(),
        "{} mismatches, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

fn check_v3_random(file: &str) -> usize {
    let text = data(file);
    let mut count = 0;
    let mut failures = Vec::new();
    for line in lines(&text) {
        let fields: Vec<&str> = line.split(' ').collect();
        let [vector, base, temporal, environmental] = fields[..] else {
            panic!("bad line {line:?}");
        };
        let cvss = Cvss3::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(cvss.to_string(), vector, "canonical form");
        let got = (
            cvss.base_score().to_string(),
            cvss.temporal_score().to_string(),
            cvss.environmental_score().to_string(),
        );
        if got
            != (
                base.to_string(),
                temporal.to_string(),
                environmental.to_string(),
            )
        {
            failures.push(format!(
                "{vector}: expected {base} {temporal} {environmental}, got {got:?}"
            ));
        }
        count += 1;
    }
    assert!(
        failures.is_empty(),
        "{} mismatches, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    count
}

#[test]
fn every_cvss31_base_vector() {
    check_v3_base("cvss31_base.txt", 2592);
}

#[test]
fn every_cvss30_base_vector() {
    check_v3_base("cvss30_base.txt", 2592);
}

#[test]
fn random_cvss31_vectors_with_temporal_and_environmental_metrics() {
    assert_eq!(check_v3_random("cvss31_random.txt"), 3000);
}

#[test]
fn random_cvss30_vectors_with_temporal_and_environmental_metrics() {
    assert_eq!(check_v3_random("cvss30_random.txt"), 1000);
}

/// Values of the CVSS 4.0 base metrics in the enumeration order of `cvss40_base.txt`.
const V4_BASE_METRICS: [(&str, &[&str]); 11] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];

fn v4_base_vector(mut index: usize) -> String {
    let mut parts = Vec::with_capacity(V4_BASE_METRICS.len());
    for (metric, values) in V4_BASE_METRICS.iter().rev() {
        parts.push(format!("{metric}:{}", values[index % values.len()]));
        index /= values.len();
    }
    parts.reverse();
    format!("CVSS:4.0/{}", parts.join("/"))
}

#[test]
fn every_cvss40_base_vector() {
    let text = data("cvss40_base.txt");
    let mut count = 0;
    let mut failures = Vec::new();
    for (index, expected) in lines(&text).enumerate() {
        let vector = v4_base_vector(index);
        let cvss = Cvss4::parse(&vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(cvss.to_string(), vector, "canonical form");
        if cvss.score().to_string() != expected {
            failures.push(format!(
                "{vector}: expected {expected}, got {}",
                cvss.score()
            ));
        }
        count += 1;
    }
    assert_eq!(count, 104_976);
    assert!(
        failures.is_empty(),
        "{} mismatches, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

#[test]
fn random_cvss40_vectors_with_threat_environmental_and_supplemental_metrics() {
    let text = data("cvss40_random.txt");
    let mut count = 0;
    let mut failures = Vec::new();
    for line in lines(&text) {
        let (vector, expected) = line.split_once(' ').unwrap_or((line, ""));
        let cvss = Cvss::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_eq!(cvss.to_string(), vector, "canonical form");
        if cvss.score().to_string() != expected {
            failures.push(format!(
                "{vector}: expected {expected}, got {}",
                cvss.score()
            ));
        }
        count += 1;
    }
    assert_eq!(count, 3000);
    assert!(
        failures.is_empty(),
        "{} mismatches, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}
