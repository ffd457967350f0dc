//! `secret.aws_access_key`: aWS access key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.aws_access_key",
    title: "AWS access key hard-coded",
    severity: Severity::Critical,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "An AWS access key id (`AKIA…` long-term, `ASIA…` temporary) is a constant of the app. When a \
              40-character secret access key sits in the same class, file, resource table or library, the \
              pair is a working credential (Critical); an id alone is reported as Low, and a secret access \
              key assigned to an `aws…secret…` name as High. AWS's documentation keys (`…EXAMPLE`) are \
              ignored.",
        why: "Anyone who downloads the app can unzip it and read the pair, then call AWS with the \
             permissions of that IAM user: read or overwrite S3 buckets, send mail through SES or SMS \
             through SNS at the owner's cost, start compute for crypto mining, or read other users' \
             uploads. Keys in apps are found by automated scanners within days of release.",
        fix: "Deactivate and delete the key in IAM now and review CloudTrail for its use. Do not ship AWS \
             credentials: let the app obtain short-lived, narrowly scoped credentials after the user \
             signs in (Amazon Cognito identity pools, or your own backend issuing pre-signed S3 URLs or \
             STS tokens).",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
            "https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::AwsAccessKey);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
