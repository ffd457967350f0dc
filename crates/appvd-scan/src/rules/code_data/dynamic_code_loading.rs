use std::collections::BTreeMap;

use appvd_dex::facts::{ConstValue, Origins};
use appvd_dex::{Analysis, ArgView, CallSiteView, MethodView};

use super::flow::{self, Call, FieldRef, Labels, Policy};
use super::storage::{PathKind, path_kind};
use super::{call_text, emit_at_call, method_identity, propagate_strings, sdk_levels, simple_name};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "code.dynamic_code_loading",
    title: "Code loaded at run time",
    severity: Severity::Medium,
    masvs: "MASVS-CODE-4",
    cwe: 829,
    docs: Docs {
        what: "The app runs code that is not part of its own APK: it creates a DEX class loader \
               (`DexClassLoader`, `PathClassLoader`, `InMemoryDexClassLoader`, `DelegateLastClassLoader`, a \
               subclass of `BaseDexClassLoader`), loads a class from a `DexFile` it opened, or opens another \
               installed package's code with `createPackageContext(name, CONTEXT_INCLUDE_CODE | \
               CONTEXT_IGNORE_SECURITY)`. One finding per method. Not reported: a loader over the app's own APK \
               (`ApplicationInfo.sourceDir`, `getPackageCodePath()`), the `super(...)` call inside a loader \
               subclass (its `new` is), a `DexFile` opened only to list its classes. High when the path comes \
               from shared storage, the app's external directory on Android 10 and older, or an Intent, or when \
               the package name is chosen at run time; Medium otherwise.",
        why: "Code loaded at run time escapes review and Play's scanning, and whoever can write the file controls \
              the app: a DEX or JAR on shared storage can be replaced by any app with storage access, a file \
              downloaded over a tampered connection or named by another app's Intent runs with all the app's \
              permissions and data, and a package context opened while ignoring security runs whatever app holds \
              that package name. It is also how droppers fetch their payload after installation.",
        fix: "Ship the code in the APK (or as a Play Feature Delivery module, which Play signs and verifies). If \
              plugins are unavoidable, load them only from the app's private storage, after verifying a signature \
              over the file made with a key the app pins, and never from a path another app can influence; check \
              another package's signing certificate before loading its code. Paths computed in another method \
              are judged Medium.",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/dynamic-code-loading",
            "https://mas.owasp.org/MASTG/knowledge/android/MASVS-CODE/MASTG-KNOW-0027/",
            "https://cwe.mitre.org/data/definitions/829.html",
        ],
    },
    check,
};

/// Constructors of every DEX class loader (subclass-aware).
const LOADER_INIT: &str = "Ldalvik/system/BaseDexClassLoader;-><init>";
/// `DexFile` only runs code when a class is loaded from it; opening one to list its classes
/// (test runners, class scanners) does not.
const DEX_FILE_LOAD_CLASS: &str = "Ldalvik/system/DexFile;->loadClass(Ljava/lang/String;Ljava/lang/ClassLoader;)Ljava/lang/Class;";

const CREATE_PACKAGE_CONTEXT: &str =
    "Landroid/content/Context;->createPackageContext(Ljava/lang/String;I)Landroid/content/Context;";
const CONTEXT_INCLUDE_CODE: i64 = 0x1;
const CONTEXT_IGNORE_SECURITY: i64 = 0x2;

/// A value naming the app's own installed code.
const OWN_CODE: Labels = 1;

/// Labels paths that name the app's own APK or native library directory.
struct OwnCodePolicy;

impl Policy for OwnCodePolicy {
    fn field_read(&self, field: &FieldRef<'_>) -> Labels {
        let own = field.class == "Landroid/content/pm/ApplicationInfo;"
            && matches!(
                field.name.as_ref(),
                "sourceDir" | "publicSourceDir" | "splitSourceDirs" | "splitPublicSourceDirs"
            );
        if own { OWN_CODE } else { 0 }
    }

    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels {
        if matches!(
            call.name.as_ref(),
            "getPackageCodePath" | "getPackageResourcePath"
        ) {
            return OWN_CODE;
        }
        if call.class == "Ljava/io/File;" {
            let all = args.iter().fold(0, |acc, l| acc | l);
            if call.name == "<init>" {
                effects.push((0, args.iter().skip(1).fold(0, |acc, l| acc | l)));
            }
            return if call.returns_void() { 0 } else { all };
        }
        propagate_strings(call, args, effects).unwrap_or(0)
    }
}

const UNTRUSTED: u32 = Origins::EXTERNAL_STORAGE
    | Origins::INTENT
    | Origins::INTENT_EXTRA
    | Origins::INTENT_DATA
    | Origins::URI_PATH
    | Origins::URI_QUERY;

/// What a loaded path is worth: `None` for the app's own code, else the severity and why.
fn judge_path(
    app: &AppModel,
    caller: &MethodView<'_, '_>,
    at: u32,
    path: Option<&ArgView<'_, '_>>,
    own_code: impl FnOnce() -> bool,
) -> Option<(Severity, String)> {
    let Some(path) = path else {
        return Some((Severity::Medium, String::new()));
    };
    let untrusted = path.origins().has(UNTRUSTED);
    if !untrusted && !matches!(path.value(), ConstValue::String(_)) && own_code() {
        return None;
    }
    if untrusted && !path.origins().has(Origins::EXTERNAL_STORAGE) {
        return Some((
            Severity::High,
            " from a path another app controls (Intent data)".to_owned(),
        ));
    }
    let (min_sdk, _) = sdk_levels(app);
    Some(match path_kind(caller, at, path) {
        Some((PathKind::Shared, via)) => (
            Severity::High,
            format!(" from shared storage ({via}), which other apps can write"),
        ),
        // Android 11 made the app's external directories private.
        Some((PathKind::AppExternal, via)) if min_sdk < 30 => (
            Severity::High,
            format!(
                " from the app's external storage directory ({via}), which apps with storage access \
                 can write on Android 10 and older (minSdk {min_sdk})"
            ),
        ),
        Some((PathKind::AppExternal, via)) => (
            Severity::Medium,
            format!(" from the app's external storage directory ({via})"),
        ),
        None => (Severity::Medium, String::new()),
    })
}

type PerMethod<'x, 'a> = BTreeMap<String, (Severity, CallSiteView<'x, 'a>, String)>;

fn keep<'x, 'a>(
    per_method: &mut PerMethod<'x, 'a>,
    severity: Severity,
    call: CallSiteView<'x, 'a>,
    message: String,
) {
    let key = method_identity(&call.location());
    if per_method.get(&key).is_none_or(|(s, ..)| severity > *s) {
        per_method.insert(key, (severity, call, message));
    }
}

/// Whether argument `arg` (receiver first) of the call at `at` names the app's own APK.
fn names_own_code(dex: &Analysis<'_>, caller: &MethodView<'_, '_>, at: u32, arg: usize) -> bool {
    flow::run(dex, caller.id(), &OwnCodePolicy).is_some_and(|t| t.arg(at, arg) & OWN_CODE != 0)
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let code_in_assets: Vec<&str> = app
        .entry_names()
        .map(|(_, name)| name)
        .filter(|name| {
            name.starts_with("assets/")
                && [".dex", ".jar", ".apk"]
                    .iter()
                    .any(|ext| name.to_ascii_lowercase().ends_with(ext))
        })
        .take(5)
        .collect();
    // One finding per method: the most severe of its loads.
    let mut per_method: PerMethod<'_, '_> = BTreeMap::new();
    for call in dex.calls_to(LOADER_INIT) {
        let Some(key) = call.callee() else { continue };
        let class = dex.app().text(key.class).into_owned();
        let caller = call.caller();
        // `super(...)` in a loader subclass's constructor: the subclass's `new` is reported.
        if caller.location().method == "<init>"
            && call
                .receiver()
                .is_some_and(|r| r.origins().has(Origins::THIS))
        {
            continue;
        }
        let path = call.param(0).filter(|p| {
            p.type_descriptor()
                .is_some_and(|t| t == "Ljava/lang/String;" || t == "Ljava/io/File;")
        });
        let Some((severity, reason)) = judge_path(app, &caller, call.at(), path.as_ref(), || {
            names_own_code(dex, &caller, call.at(), 1)
        }) else {
            continue;
        };
        let message = format!(
            "new {} loads code at run time{reason}.",
            simple_name(&class)
        );
        keep(&mut per_method, severity, call, message);
    }
    for call in dex.calls_to(DEX_FILE_LOAD_CLASS) {
        let caller = call.caller();
        // The path the DexFile was opened with: `DexFile.loadDex(path, …)` or `new DexFile(path)`.
        let opened = call.receiver().and_then(|r| match r.value() {
            ConstValue::CallResult { .. } => r.producer(),
            ConstValue::NewInstance { at, .. } => caller.calls().into_iter().find(|c| {
                c.callee_text().starts_with("Ldalvik/system/DexFile;-><init>")
                    && c.receiver().is_some_and(|o| {
                        matches!(o.value(), ConstValue::NewInstance { at: created, .. } if created == at)
                    })
            }),
            _ => None,
        });
        let path = opened.as_ref().and_then(|o| o.param(0));
        let Some((severity, reason)) = judge_path(app, &caller, call.at(), path.as_ref(), || {
            opened.as_ref().is_some_and(|o| {
                names_own_code(dex, &caller, o.at(), usize::from(o.kind().has_receiver()))
            })
        }) else {
            continue;
        };
        let message = format!("DexFile.loadClass loads code at run time{reason}.");
        keep(&mut per_method, severity, call, message);
    }
    // Another installed package's code in this process: `createPackageContext(name,
    // CONTEXT_INCLUDE_CODE | CONTEXT_IGNORE_SECURITY)`, whose class loader runs that package's code.
    for call in dex.calls_to(CREATE_PACKAGE_CONTEXT) {
        let Some(flags) = call.param(1).and_then(|a| a.as_int()) else {
            continue;
        };
        if flags & (CONTEXT_INCLUDE_CODE | CONTEXT_IGNORE_SECURITY)
            != CONTEXT_INCLUDE_CODE | CONTEXT_IGNORE_SECURITY
        {
            continue;
        }
        let package = call
            .param(0)
            .and_then(|a| a.as_str().map(|s| s.into_owned()));
        let (severity, message) = match package {
            Some(package) => (
                Severity::Medium,
                format!(
                    "createPackageContext(\"{package}\", CONTEXT_INCLUDE_CODE | CONTEXT_IGNORE_SECURITY) \
                     loads code of another installed package, whoever signed it."
                ),
            ),
            None => (
                Severity::High,
                "createPackageContext(…, CONTEXT_INCLUDE_CODE | CONTEXT_IGNORE_SECURITY) loads code of an \
                 installed package chosen at run time, whoever signed it."
                    .to_owned(),
            ),
        };
        keep(&mut per_method, severity, call, message);
    }
    for (_, (severity, call, message)) in per_method {
        let mut facts = call_text(&call);
        if !code_in_assets.is_empty() {
            facts.push_str(&format!(
                "\ncode files in the APK: {}",
                code_in_assets.join(", ")
            ));
        }
        emit_at_call(out, severity, &call, "loads code", message, &facts);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
