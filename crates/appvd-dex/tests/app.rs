//! The class table over several DEX files and hierarchy resolution.

mod common;

use appvd_dex::{AnomalyKind, App, DexInput};
use common::{AppFixture, fixture};

#[test]
fn multidex_class_table_first_definition_wins() {
    let fx = AppFixture::load();
    let app = App::new(&fx.inputs());
    assert_eq!(app.dexes().len(), 2);
    let dup = app.class_by_descriptor("Lcom/acme/app/Dup;").expect("Dup");
    assert_eq!(
        app.class(dup).map(|c| c.dex.0),
        Some(0),
        "classes.dex defines it first"
    );
    let duplicates: Vec<_> = app
        .anomalies()
        .iter()
        .filter(|a| a.anomaly.kind == AnomalyKind::DuplicateClass)
        .collect();
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].dex.as_deref(), Some("classes2.dex"));
    assert!(
        duplicates[0]
            .anomaly
            .message
            .contains("already defined in classes.dex")
    );
    // A class defined only in the second file is present.
    assert!(
        app.class_by_descriptor("Lcom/acme/app/MyWebView;")
            .is_some()
    );
    assert_eq!(app.classes().len(), 24);
}

#[test]
fn hierarchy_resolves_through_app_and_framework_classes() {
    let fx = AppFixture::load();
    let app = App::new(&fx.inputs());
    let sym = |d: &str| app.sym(d).unwrap_or_else(|| panic!("{d} interned"));
    // classes.dex -> classes2.dex -> framework.
    let web_activity = sym("Lcom/acme/app/WebActivity;");
    assert!(app.is_subtype_of(web_activity, "Lcom/acme/app/BaseActivity;"));
    assert!(app.is_subtype_of(web_activity, "Landroid/app/Activity;"));
    assert!(app.is_subtype_of(web_activity, "Landroid/content/Context;"));
    assert!(app.is_subtype_of(web_activity, "Landroid/content/ComponentCallbacks;"));
    assert!(!app.is_subtype_of(web_activity, "Landroid/webkit/WebView;"));
    let my_web_view = sym("Lcom/acme/app/MyWebView;");
    assert!(app.is_subtype_of(my_web_view, "Landroid/webkit/WebView;"));
    assert!(app.is_subtype_of(my_web_view, "Landroid/view/View;"));
    let conditional = sym("Lcom/acme/tls/ConditionalClient;");
    assert!(app.is_subtype_of(conditional, "Landroid/webkit/WebViewClient;"));
    let delegating = sym("Lcom/acme/tls/DelegatingTrustManager;");
    assert!(app.is_subtype_of(delegating, "Ljavax/net/ssl/X509TrustManager;"));
    assert!(app.is_subtype_of(delegating, "Ljavax/net/ssl/TrustManager;"));
    let supertypes: Vec<String> = app
        .supertypes(my_web_view)
        .iter()
        .map(|s| app.text(*s).into_owned())
        .collect();
    assert_eq!(
        supertypes[..4],
        [
            "Lcom/acme/app/MyWebView;",
            "Landroid/webkit/WebView;",
            "Landroid/widget/AbsoluteLayout;",
            "Landroid/view/ViewTreeObserver$OnGlobalFocusChangeListener;"
        ]
    );
    assert_eq!(
        supertypes.last().map(String::as_str),
        Some("Landroid/view/accessibility/AccessibilityEventSource;")
    );
}

#[test]
fn calls_resolve_to_the_declaring_framework_class() {
    let fx = AppFixture::load();
    let app = App::new(&fx.inputs());
    let key = |class: &str, name: &str, proto: &str| appvd_dex::app::MethodKey {
        class: app.sym(class).expect("class"),
        name: app.sym(name).expect("name"),
        proto: app.sym(proto).expect("proto"),
    };
    let prefs = key(
        "Lcom/acme/app/MainActivity;",
        "getSharedPreferences",
        "(Ljava/lang/String;I)Landroid/content/SharedPreferences;",
    );
    assert_eq!(
        app.text(app.resolve_declaring(prefs)),
        "Landroid/content/Context;"
    );
    let load = key(
        "Lcom/acme/app/MyWebView;",
        "loadUrl",
        "(Ljava/lang/String;)V",
    );
    assert_eq!(
        app.text(app.resolve_declaring(load)),
        "Landroid/webkit/WebView;"
    );
    // A method the app class defines itself resolves to that class.
    let run = key("Lcom/acme/app/MainActivity;", "run", "()V");
    assert_eq!(
        app.text(app.resolve_declaring(run)),
        "Lcom/acme/app/MainActivity;"
    );
}

#[test]
fn cyclic_hierarchies_are_reported_not_hangs() {
    let bytes = fixture("cycle.dex");
    let app = App::new(&[DexInput {
        name: "classes.dex",
        data: &bytes,
    }]);
    let cycles: Vec<_> = app
        .anomalies()
        .iter()
        .filter(|a| a.anomaly.kind == AnomalyKind::HierarchyCycle)
        .collect();
    assert_eq!(cycles.len(), 2, "{cycles:?}");
    assert!(cycles.iter().any(|c| {
        let m = &c.anomaly.message;
        m.contains("Lcom/acme/cycle/A; -> Lcom/acme/cycle/B; -> Lcom/acme/cycle/A;")
            || m.contains("Lcom/acme/cycle/B; -> Lcom/acme/cycle/A; -> Lcom/acme/cycle/B;")
    }));
    assert!(cycles.iter().any(|c| {
        c.anomaly
            .message
            .contains("Lcom/acme/cycle/Self; -> Lcom/acme/cycle/Self;")
    }));
    let c = app.sym("Lcom/acme/cycle/C;").expect("C");
    assert!(app.is_subtype_of(c, "Lcom/acme/cycle/A;"));
    assert!(!app.is_subtype_of(c, "Ljava/lang/String;"));
    assert!(app.supertypes(c).len() <= 4);
}

#[test]
fn package_counts_for_sdk_attribution() {
    let fx = AppFixture::load();
    let app = App::new(&fx.inputs());
    let counts = app.package_counts();
    assert!(counts.contains(&("com/google/ads".to_string(), 2)));
    assert!(counts.contains(&("okhttp3".to_string(), 1)));
    assert!(counts.contains(&("com/acme/tls".to_string(), 9)));
    assert_eq!(app.count_with_prefix("com/google/"), 2);
    assert_eq!(app.count_with_prefix("com/acme/"), 21);
}

#[test]
fn analysis_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<appvd_dex::Analysis<'static>>();
    assert_send_sync::<App<'static>>();
    assert_send_sync::<appvd_dex::DexFile<'static>>();
}
