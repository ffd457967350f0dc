use std::collections::BTreeMap;

use appvd_apk::listing;

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::files::shown_name;

pub static RULE: Rule = Rule {
    id: "resilience.packer_detected",
    title: "Packer or protector detected",
    severity: Severity::Info,
    masvs: "MASVS-RESILIENCE-3",
    cwe: 656,
    docs: Docs {
        what: "The APK carries the files or the `Application` stub class of a known Android packer (Qihoo 360 Jiagu, \
               Tencent Legu, Bangcle/SecNeo, Ijiami, Baidu, Alibaba, Kiwisec and others): the real code is encrypted \
               in the package and unpacked at run time by a native loader.",
        why: "This is context for the rest of the report rather than a flaw: the DEX files of a packed app are mostly the \
              packer's stub, so static results about the app's own code are incomplete, and the absence of a finding \
              proves little. Packing is obfuscation, not security: the code is decrypted in memory on every device, \
              where dumping tools recover it, so nothing secret may rely on it. Malware uses the same packers to hide \
              from store review.",
        fix: "Nothing is required. Do not treat the packer as protection for secrets or for server-side checks; keep keys \
              and business rules on the server. To review the app, analyse the unpacked build from its developer (or a \
              memory dump of the running app).",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0051/",
            "https://mas.owasp.org/MASVS/11-MASVS-RESILIENCE/",
            "https://cwe.mitre.org/data/definitions/656.html",
        ],
    },
    check,
};

/// `Application` classes that packers install in the manifest in place of the app's own, which
/// they load once the real code is decrypted.
const STUB_APPLICATIONS: &[(&str, &str)] = &[
    ("com.stub.StubApp", "Qihoo 360 Jiagu"),
    ("com.tencent.StubShell.TxAppEntry", "Tencent Legu"),
    (
        "com.wrapper.proxyapplication.WrapperProxyApplication",
        "Tencent Legu",
    ),
    ("com.secneo.apkwrapper.ApplicationWrapper", "SecNeo"),
    ("com.secshell.secData.ApplicationWrapper", "Bangcle"),
    ("s.h.e.l.l.S", "Ijiami"),
    ("com.baidu.protect.StubApplication", "Baidu"),
    ("com.Kiwisec.KiwiSecApplication", "Kiwisec"),
    ("com.Kiwisec.ProxyApplication", "Kiwisec"),
];

/// Most files named in one finding's evidence.
const SHOWN_FILES: usize = 8;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let mut found: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for apk in app.app().apks() {
        for entry in apk
            .archive()
            .entries()
            .iter()
            .filter(|e| e.duplicate_of.is_none() && !e.is_directory)
        {
            for marker in listing::packer_markers(&entry.name) {
                found
                    .entry(marker.packer)
                    .or_default()
                    .push(shown_name(app, apk, &entry.name));
            }
        }
    }
    let application = app.manifest().and_then(|m| m.application.as_ref());
    let stub = application
        .and_then(|a| a.class_name.as_deref())
        .and_then(|class| STUB_APPLICATIONS.iter().find(|(name, _)| *name == class));
    if let Some((_, packer)) = stub {
        found.entry(packer).or_default();
    }
    for (packer, files) in found {
        let stub_class = stub.filter(|(_, p)| *p == packer).map(|(class, _)| *class);
        let mut facts = Vec::new();
        if let Some(class) = stub_class {
            facts.push(format!("<application android:name=\"{class}\">"));
        }
        if !files.is_empty() {
            let mut shown = files
                .iter()
                .take(SHOWN_FILES)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if files.len() > SHOWN_FILES {
                shown.push_str(&format!(" and {} more", files.len() - SHOWN_FILES));
            }
            facts.push(format!("files: {shown}"));
        }
        let location = match (files.first(), stub_class, application) {
            (Some(file), _, _) => Location::file(file.clone()),
            (None, Some(class), Some(application)) => Location::file("AndroidManifest.xml")
                .with_line(application.line)
                .with_class(class),
            _ => Location::file("AndroidManifest.xml"),
        };
        out.emit(
            location,
            packer,
            format!("The app is packed with {packer}: its own code is encrypted in the APK, so static results are incomplete."),
            facts.join("; "),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
