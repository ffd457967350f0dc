use appvd_axml::{ComponentKind, XmlDocument};

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ui.no_tapjacking_protection",
    title: "No protection against overlay attacks (tapjacking)",
    severity: Severity::Low,
    masvs: "MASVS-PLATFORM-3",
    cwe: 1021,
    docs: Docs {
        what: "An app-wide absence: the app installs on Android versions before 12 (minSdkVersion below 31) and \
               nothing in it filters obscured touches — no `android:filterTouchesWhenObscured=\"true\"` in any \
               compiled layout or style, no `View.setFilterTouchesWhenObscured(true)`, no override of \
               `View.onFilterTouchEventForSecurity`, no look at `MotionEvent.getFlags()` (for \
               `FLAG_WINDOW_IS_OBSCURED`), no `Window.setHideOverlayWindows(true)`. Apps without activities are not \
               reported. Views built by other means (Jetpack Compose modifiers, web content) are not inspected.",
        why: "On Android 11 and older, another app with the overlay permission (or a toast-based trick) can draw a \
              window over this app that lets touches through: the user believes they tap the attacker's harmless \
              button while the tap lands on this app's \"confirm payment\", \"grant permission\" or \"allow\" \
              control. Android 12 blocks touches through untrusted overlays for every app, whatever its \
              targetSdkVersion, so only devices below Android 12 are exposed.",
        fix: "Set `android:filterTouchesWhenObscured=\"true\"` on the views that confirm sensitive actions (or in \
              the theme of the screens that show them), or call `setFilterTouchesWhenObscured(true)`; for custom \
              handling override `onFilterTouchEventForSecurity` and reject events with \
              `MotionEvent.FLAG_WINDOW_IS_OBSCURED` or `FLAG_WINDOW_IS_PARTIALLY_OBSCURED`. On API 31+ \
              `Window.setHideOverlayWindows(true)` hides non-system overlays on sensitive screens.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0035/",
            "https://developer.android.com/privacy-and-security/risks/tapjacking",
            "https://cwe.mitre.org/data/definitions/1021.html",
        ],
    },
    check,
};

/// `android:filterTouchesWhenObscured`.
const FILTER_TOUCHES_ATTR: u32 = 0x0101_02c4;
/// Android 12: touches through untrusted overlays are blocked for every app.
const BLOCKED_FROM_SDK: u32 = 31;

/// Code that shows the app handles obscured touches itself.
const PROTECTING_CALLS: &[&str] = &[
    "Landroid/view/View;->setFilterTouchesWhenObscured(Z)V",
    "Landroid/view/MotionEvent;->getFlags()I",
    "Landroid/view/Window;->setHideOverlayWindows(Z)V",
];
const SECURITY_FILTER: &str =
    "Landroid/view/View;->onFilterTouchEventForSecurity(Landroid/view/MotionEvent;)Z";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let Some(application) = manifest.application.as_ref() else {
        return;
    };
    let min_sdk = manifest.min_sdk();
    if min_sdk >= BLOCKED_FROM_SDK {
        return;
    }
    let activities = application
        .components
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                ComponentKind::Activity | ComponentKind::ActivityAlias
            )
        })
        .count();
    if activities == 0 {
        return;
    }
    if let Some(dex) = app.dex() {
        let protected_in_code = PROTECTING_CALLS.iter().any(|api| {
            dex.calls_to(api).iter().any(|call| {
                // UI libraries read event flags for their own gestures; only the app's code
                // reading them says something about obscured touches.
                if api.contains("getFlags") {
                    return !in_library(&call.location().class);
                }
                // `setFilterTouchesWhenObscured(false)` turns it off; anything else (true, or a
                // value decided at run time) counts as handling it.
                call.param(0).and_then(|a| a.as_bool()) != Some(false)
            })
        }) || !dex.overrides(SECURITY_FILTER).is_empty();
        if protected_in_code {
            return;
        }
    }
    let (layouts, protected_in_xml) = scan_xml(app);
    if protected_in_xml || protected_in_styles(app) {
        return;
    }
    out.emit(
        Location::file("AndroidManifest.xml").with_line(application.line),
        "application",
        format!(
            "No screen of the app filters touches that pass through other apps' overlays, and it installs on \
             Android versions before 12 (minSdkVersion {min_sdk}), which do not block them."
        ),
        format!(
            "minSdkVersion {min_sdk}; {activities} {}; no android:filterTouchesWhenObscured=\"true\" in {layouts} \
             compiled XML {} or in styles; no setFilterTouchesWhenObscured, onFilterTouchEventForSecurity, \
             MotionEvent.getFlags or setHideOverlayWindows in code",
            plural(activities, "activity", "activities"),
            plural(layouts, "file", "files"),
        ),
    );
}

fn plural<'s>(count: usize, one: &'s str, many: &'s str) -> &'s str {
    if count == 1 { one } else { many }
}

/// Classes of widespread UI and language libraries.
fn in_library(descriptor: &str) -> bool {
    [
        "Landroidx/",
        "Landroid/support/",
        "Lcom/google/android/material/",
        "Lkotlin/",
        "Lkotlinx/",
    ]
    .iter()
    .any(|p| descriptor.starts_with(p))
}

/// Caps on the compiled XML read from `res/` (real layouts are a few kilobytes; the caps keep a
/// hostile archive from spending the app's inflate budget here).
const MAX_XML_FILES: usize = 20_000;
const MAX_XML_BYTES: usize = 1 << 20;
const MAX_XML_TOTAL: usize = 64 << 20;

/// Compiled XML files under `res/` of every APK of the app (layouts, also when R8 renamed their
/// paths), and whether one of them sets `filterTouchesWhenObscured` to true.
fn scan_xml(app: &AppModel) -> (usize, bool) {
    let mut files = 0;
    let mut total = 0usize;
    for apk in app.app().apks() {
        for entry in apk.archive().entries() {
            let name = entry.name.as_str();
            if entry.is_directory
                || !name.starts_with("res/")
                || !name.ends_with(".xml")
                || name.starts_with("res/raw")
            {
                continue;
            }
            if files >= MAX_XML_FILES || total >= MAX_XML_TOTAL {
                return (files, false);
            }
            let Ok(bytes) = apk.archive().read_prefix(entry, MAX_XML_BYTES) else {
                continue;
            };
            total = total.saturating_add(bytes.len());
            let Ok((document, _)) = XmlDocument::parse(&bytes) else {
                continue;
            };
            files += 1;
            let protected = std::iter::once(&document.root)
                .chain(document.extra_roots.iter())
                .flat_map(|root| root.descendants())
                .any(|element| {
                    element
                        .attribute_by_id(FILTER_TOUCHES_ATTR)
                        .is_some_and(|a| a.value.as_bool() == Some(true))
                });
            if protected {
                return (files, true);
            }
        }
    }
    (files, false)
}

/// Whether a style or theme in resources.arsc sets `filterTouchesWhenObscured` to true.
fn protected_in_styles(app: &AppModel) -> bool {
    let Some(table) = app.resources() else {
        return false;
    };
    table
        .resource_ids()
        .into_iter()
        .filter(|&id| table.name_of(id).is_some_and(|n| n.type_name == "style"))
        .flat_map(|id| table.entries(id))
        .any(|entry| match entry.value {
            appvd_axml::EntryValue::Bag { items, .. } => items
                .iter()
                .any(|item| item.key == FILTER_TOUCHES_ATTR && item.value.as_bool() == Some(true)),
            appvd_axml::EntryValue::Simple { .. } => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::model::AppModel;
    use crate::testing::fixture_path;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    #[test]
    fn protection_in_code_or_styles_or_a_platform_that_blocks_overlays_keeps_it_silent() {
        for variant in ["negative-code", "negative-style", "negative-min-sdk-31"] {
            let app = AppModel::open(&fixture_path(&super::RULE, variant)).expect(variant);
            let findings = super::RULE.run(&app);
            assert!(findings.is_empty(), "{variant}: {findings:#?}");
        }
    }
}
