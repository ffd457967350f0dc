//! `secret.azure_storage`: azure Storage account key or SAS hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.azure_storage",
    title: "Azure Storage account key or SAS hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "An Azure Storage account key (`AccountKey=` in a connection string, Critical) or a shared \
              access signature URL (`https://<account>.blob.core.windows.net/…?…&sig=…`, Medium) is a \
              constant of the app. The storage emulator's published key is ignored.",
        why: "An account key is full control of every blob, queue, table and file share of the storage \
             account: read all users' data, overwrite app content (including content the app downloads \
             and runs), delete everything. A SAS grants what it was issued for until it expires, often \
             years for hard-coded ones.",
        fix: "Rotate the account key in the Azure portal and revoke the SAS (rotate the key it was signed \
             with, or delete its stored access policy). Have your backend issue short-lived, narrowly \
             scoped user-delegation SAS URLs per request.",
        references: &[
            "https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage",
            "https://learn.microsoft.com/en-us/azure/storage/common/storage-sas-overview",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::AzureStorage);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
