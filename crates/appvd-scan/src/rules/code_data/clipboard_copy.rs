use std::collections::BTreeMap;

use appvd_dex::app::AppMethodId;

use super::flow;
use super::sensitive::{SENSITIVE, SensitiveIndex, SensitivePolicy};
use super::{call_text, emit_at_call, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.clipboard_copy",
    title: "Data copied to the clipboard",
    severity: Severity::Info,
    masvs: "MASVS-STORAGE-2",
    cwe: 200,
    docs: Docs {
        what: "Code puts data on the system clipboard (`ClipboardManager.setPrimaryClip`, or the old `setText`) \
               without marking the clip sensitive. A clip that carries a credential or user input (a value named \
               password, token, secret, PIN, OTP… or text read from an `EditText`, followed through string \
               building and `ClipData.newPlainText`) is reported Low; other copies are Info. A copy whose method \
               sets the `android.content.extra.IS_SENSITIVE` extra is not reported when the app's minSdk is 29 or \
               higher.",
        why: "The clipboard is shared by every app. Up to Android 9 any app could read it in the background, and \
              keyboards, clipboard managers and the Android 12+ paste notification still see it; on Android 13+ \
              the clipboard preview shows its content on screen unless the clip is flagged sensitive. Copied \
              passwords and one-time codes therefore leak to other apps and onlookers.",
        fix: "Do not copy secrets to the clipboard. When copying is the feature (a generated password, an account \
              number), set `ClipDescription.EXTRA_IS_SENSITIVE` (`android.content.extra.IS_SENSITIVE`) in the \
              clip's description extras, clear the clip after a short time, and prefer minSdk 29+ where \
              background apps can no longer read it.",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/secure-clipboard-handling",
            "https://developer.android.com/develop/ui/views/touch-and-input/copy-paste#SensitiveContent",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0005/",
            "https://cwe.mitre.org/data/definitions/200.html",
        ],
    },
    check,
};

/// The `ClipDescription.EXTRA_IS_SENSITIVE` key, a constant the compiler inlines.
const IS_SENSITIVE: &str = "android.content.extra.IS_SENSITIVE";

const COPY_CALLS: [&str; 2] = [
    "Landroid/content/ClipboardManager;->setPrimaryClip(Landroid/content/ClipData;)V",
    "Landroid/text/ClipboardManager;->setText(Ljava/lang/CharSequence;)V",
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, _) = sdk_levels(app);
    let mut by_method: BTreeMap<AppMethodId, Vec<_>> = BTreeMap::new();
    for query in COPY_CALLS {
        for call in dex.calls_to(query) {
            by_method.entry(call.caller().id()).or_default().push(call);
        }
    }
    if by_method.is_empty() {
        return;
    }
    let index = SensitiveIndex::new(dex);
    for (method, mut calls) in by_method {
        calls.sort_by_key(|c| c.at());
        let view = dex.method(method);
        let marked = view.strings().iter().any(|(_, s)| s == IS_SENSITIVE);
        if marked && min_sdk >= 29 {
            continue;
        }
        let policy = SensitivePolicy::new(&index);
        let taint = index
            .might_hold(dex, method)
            .then(|| flow::run(dex, method, &policy))
            .flatten();
        // One finding per method: the most severe of its copies.
        let mut worst: Option<(Severity, _, String, String)> = None;
        for call in calls {
            // The clip (or text) is the only parameter; argument 0 is the receiver.
            let labels = taint.as_ref().map_or(0, |t| t.arg(call.at(), 1)) & SENSITIVE;
            let sources: Vec<String> = policy.sources(labels);
            let (severity, message) = if !sources.is_empty() && !marked {
                (
                    Severity::Low,
                    format!(
                        "The app copies {} to the clipboard, where other apps and the keyboard can read it.",
                        sources.join(", ")
                    ),
                )
            } else if marked {
                (
                    Severity::Info,
                    format!(
                        "The app copies data to the clipboard; the clip is marked sensitive, but Android 9 and \
                         older (minSdk {min_sdk}) let any background app read it."
                    ),
                )
            } else {
                (
                    Severity::Info,
                    "The app copies data to the clipboard without marking the clip sensitive."
                        .to_owned(),
                )
            };
            let mut facts = call_text(&call);
            if !sources.is_empty() {
                facts.push_str(&format!("\nsensitive values: {}", sources.join(", ")));
            }
            if marked {
                facts.push_str(&format!("\n{IS_SENSITIVE} is set in this method"));
            }
            if worst.as_ref().is_none_or(|(s, ..)| severity > *s) {
                worst = Some((severity, call, message, facts));
            }
        }
        if let Some((severity, call, message, facts)) = worst {
            emit_at_call(out, severity, &call, "clipboard", message, &facts);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
