//! Call-site index, string references, constant propagation and field facts on the app fixture.

mod common;

use appvd_dex::facts::{ConstValue, InvokeKind, Origins};
use appvd_dex::index::StringUse;
use appvd_dex::{Analysis, CallSiteView};
use common::AppFixture;

/// The only call from `caller` (a `Lcls;->name` prefix) matching `query`.
fn call_in<'x, 'a>(analysis: &'x Analysis<'a>, query: &str, caller: &str) -> CallSiteView<'x, 'a> {
    let mut found: Vec<_> = analysis
        .calls_to(query)
        .into_iter()
        .filter(|c| c.caller().signature().starts_with(caller))
        .collect();
    assert_eq!(found.len(), 1, "{query} in {caller}: {found:?}");
    found.remove(0)
}

const CIPHER: &str = "Ljavax/crypto/Cipher;->getInstance(Ljava/lang/String;)Ljavax/crypto/Cipher;";

#[test]
fn framework_queries_find_calls_through_app_subclasses() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    // MainActivity.getSharedPreferences is Context.getSharedPreferences.
    let prefs = analysis.calls_to("Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;");
    assert_eq!(prefs.len(), 1);
    let call = prefs[0];
    assert_eq!(
        call.callee_text(),
        "Lcom/acme/app/MainActivity;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;"
    );
    assert_eq!(
        call.declaring_class().as_deref(),
        Some("Landroid/content/Context;")
    );
    assert_eq!(call.kind(), InvokeKind::Virtual);
    // MyWebView (classes2.dex) extends WebView: both direct and subclass calls are found.
    let loads = analysis.calls_to("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V");
    let callees: Vec<String> = loads.iter().map(|c| c.callee_text()).collect();
    assert_eq!(loads.len(), 3, "{callees:?}");
    assert!(
        callees.contains(&"Lcom/acme/app/MyWebView;->loadUrl(Ljava/lang/String;)V".to_string())
    );
    assert_eq!(
        analysis
            .calls_to_exact("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V")
            .len(),
        2
    );
    // Name-only queries match every overload; unknown names find nothing.
    assert_eq!(
        analysis
            .calls_to("Ljavax/crypto/Cipher;->getInstance")
            .len(),
        8
    );
    assert!(
        analysis
            .calls_to("Ljavax/crypto/Cipher;->noSuchMethod")
            .is_empty()
    );
    assert!(analysis.calls_to("garbage").is_empty());
    // Context.openOrCreateDatabase is found on the result of getApplicationContext.
    assert_eq!(
        analysis
            .calls_to("Landroid/content/Context;->openOrCreateDatabase")
            .len(),
        1
    );
}

#[test]
fn locations_and_evidence_point_at_the_instruction() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let call = analysis
        .calls_to("Landroid/content/Context;->getSharedPreferences")
        .remove(0);
    let location = call.location();
    assert_eq!(location.dex, "classes.dex");
    assert_eq!(location.class, "Lcom/acme/app/MainActivity;");
    assert_eq!(location.java_class, "com.acme.app.MainActivity");
    assert_eq!(location.method, "onCreate");
    assert_eq!(location.method_descriptor, "(Landroid/os/Bundle;)V");
    assert_eq!(location.offset, Some(6));
    assert_eq!(location.line, Some(31));
    let evidence = call.evidence(2, 1);
    assert!(
        evidence.starts_with(
            ".line 31\nconst-string v0, \"prefs\"\nconst/4 v1, 0x1\ninvoke-virtual {p0, v0, v1}"
        ),
        "{evidence}"
    );
    assert!(evidence.ends_with("move-result-object v2\n"), "{evidence}");
}

#[test]
fn constants_flow_through_moves_branches_and_builders() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let arg0 = |caller: &str| {
        call_in(&analysis, CIPHER, caller)
            .param(0)
            .expect("arg")
            .as_str()
            .map(|s| s.into_owned())
    };
    assert_eq!(
        arg0("Lcom/acme/app/Crypto;->ecbDirect").as_deref(),
        Some("AES/ECB/PKCS5Padding")
    );
    assert_eq!(
        arg0("Lcom/acme/app/Crypto;->throughMoves").as_deref(),
        Some("DES")
    );
    assert_eq!(
        arg0("Lcom/acme/app/Crypto;->branchesAgree").as_deref(),
        Some("RC4")
    );
    assert_eq!(arg0("Lcom/acme/app/Crypto;->branchesDisagree"), None);
    assert_eq!(
        arg0("Lcom/acme/app/Crypto;->builderChain").as_deref(),
        Some("AES/ECB/NoPadding")
    );

    // A builder with a parameter in it: unknown, tagged as concatenation from parameter 0.
    let sql = call_in(
        &analysis,
        "Landroid/database/sqlite/SQLiteDatabase;->openOrCreateDatabase",
        "Lcom/acme/app/Crypto;->builderWithParameter",
    );
    let origins = sql.param(0).expect("sql").origins();
    assert!(origins.has(Origins::CONCAT) && origins.has(Origins::PARAMETER));
    assert_eq!(origins.parameter_index(), Some(0));
    assert!(sql.param(1).expect("factory").is_null());

    // Constants survive a loop; the loop counter does not.
    let digest = call_in(
        &analysis,
        "Ljava/security/MessageDigest;->getInstance(Ljava/lang/String;)Ljava/security/MessageDigest;",
        "Lcom/acme/app/Crypto;->loops",
    );
    assert_eq!(
        digest.param(0).and_then(|a| a.as_str()).as_deref(),
        Some("SHA1")
    );
    let counter = call_in(
        &analysis,
        "Ljava/lang/Integer;->valueOf(I)Ljava/lang/Integer;",
        "Lcom/acme/app/Crypto;->loops",
    );
    assert_eq!(counter.param(0).and_then(|a| a.as_int()), None);

    // Exception edges carry the state at the throwing instruction; wide constants survive.
    let handler = analysis
        .calls_to("Ljava/security/MessageDigest;->getInstance(Ljava/lang/String;)Ljava/security/MessageDigest;")
        .into_iter()
        .filter(|c| c.caller().signature().contains("wideAndCatch"))
        .map(|c| c.param(0).and_then(|a| a.as_str()).map(|s| s.into_owned()))
        .collect::<Vec<_>>();
    assert_eq!(handler, [Some("MD5".to_string()), Some("MD5".to_string())]);
    let wide = call_in(
        &analysis,
        "Ljava/lang/Long;->valueOf(J)Ljava/lang/Long;",
        "Lcom/acme/app/Crypto;->wideAndCatch",
    );
    assert_eq!(
        wide.param(0).and_then(|a| a.as_int()),
        Some(0x1122_3344_5566_7788)
    );
}

#[test]
fn ints_booleans_and_flags_are_typed_by_the_parameter() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let prefs = analysis
        .calls_to("Landroid/content/Context;->getSharedPreferences")
        .remove(0);
    assert_eq!(prefs.param(1).and_then(|a| a.as_int()), Some(1));
    let open = call_in(
        &analysis,
        "Landroid/content/Context;->openFileOutput",
        "Lcom/acme/app/MainActivity;->onCreate",
    );
    assert_eq!(
        open.param(1).and_then(|a| a.as_int()),
        Some(2),
        "through move"
    );
    let js = call_in(
        &analysis,
        "Landroid/webkit/WebSettings;->setJavaScriptEnabled(Z)V",
        "Lcom/acme/app/WebActivity;",
    );
    assert_eq!(js.param(0).and_then(|a| a.as_bool()), Some(true));
    let file_access = call_in(
        &analysis,
        "Landroid/webkit/WebSettings;->setAllowFileAccess(Z)V",
        "Lcom/acme/app/WebActivity;",
    );
    assert_eq!(file_access.param(0).and_then(|a| a.as_bool()), Some(false));
    // Folded arithmetic: FLAG_IMMUTABLE | FLAG_UPDATE_CURRENT.
    let pending = call_in(
        &analysis,
        "Landroid/app/PendingIntent;->getActivity",
        "Lcom/acme/app/Crypto;->flags",
    );
    assert_eq!(pending.param(3).and_then(|a| a.as_int()), Some(0x0c00_0000));
    assert_eq!(
        pending
            .param(2)
            .and_then(|a| a.new_instance_class())
            .as_deref(),
        Some("Landroid/content/Intent;")
    );
    assert!(
        pending
            .param(0)
            .expect("context")
            .origins()
            .has(Origins::PARAMETER)
    );
    // The implicit Intent's constructor call is found through the receiver identity.
    let broadcast = call_in(
        &analysis,
        "Landroid/app/PendingIntent;->getBroadcast",
        "Lcom/acme/app/Crypto;->flags",
    );
    let ConstValue::NewInstance { at, .. } = broadcast.param(2).expect("intent").value() else {
        panic!("new instance")
    };
    let init = broadcast
        .caller()
        .calls()
        .into_iter()
        .find(|c| {
            c.receiver().is_some_and(|r| {
                r.value()
                    == ConstValue::NewInstance {
                        class: analysis.app().sym("Landroid/content/Intent;").expect("sym"),
                        at,
                    }
            }) && c.callee_text().contains("<init>")
        })
        .expect("constructor");
    assert_eq!(
        init.param(0).and_then(|a| a.as_str()).as_deref(),
        Some("com.acme.ACTION")
    );
    // Static final app constants: BuildConfig.DEBUG is true.
    let debug = analysis.calls_to("Landroid/webkit/WebView;->setWebContentsDebuggingEnabled(Z)V");
    assert_eq!(debug.len(), 2);
    assert!(
        debug
            .iter()
            .all(|c| c.param(0).and_then(|a| a.as_bool()) == Some(true))
    );
    // Class literals, null, and unknown static fields.
    let extra = call_in(
        &analysis,
        "Landroid/content/Intent;->getParcelableExtra",
        "Lcom/acme/app/Crypto;->classConstant",
    );
    assert_eq!(
        extra.param(1).and_then(|a| a.class_literal()).as_deref(),
        Some("Landroid/content/Intent;")
    );
    let verifier = call_in(
        &analysis,
        "Ljavax/net/ssl/HttpsURLConnection;->setHostnameVerifier",
        "Lcom/acme/app/Crypto;->allowAll",
    );
    assert_eq!(
        verifier.param(0).and_then(|a| a.static_field()).as_deref(),
        Some(
            "Lorg/apache/http/conn/ssl/SSLSocketFactory;->ALLOW_ALL_HOSTNAME_VERIFIER:Lorg/apache/http/conn/ssl/X509HostnameVerifier;"
        )
    );
    let size = call_in(
        &analysis,
        "Ljava/security/KeyPairGenerator;->initialize(I)V",
        "Lcom/acme/app/Crypto;->keySize",
    );
    assert_eq!(size.param(0).and_then(|a| a.as_int()), Some(1024));
    let generator = size
        .receiver()
        .and_then(|r| r.producer())
        .expect("producer");
    assert_eq!(
        generator.param(0).and_then(|a| a.as_str()).as_deref(),
        Some("RSA")
    );
}

#[test]
fn arrays_and_derived_byte_values() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let ivs: Vec<_> = analysis.calls_to("Ljavax/crypto/spec/IvParameterSpec;-><init>([B)V");
    assert_eq!(ivs.len(), 2);
    let zero = ivs
        .iter()
        .find(|c| c.caller().signature().contains("staticIv"))
        .expect("staticIv");
    let array = zero.param(0).and_then(|a| a.array()).expect("array");
    assert_eq!(array.length, Some(16));
    assert!(array.is_all_zero());
    assert!(!array.escapes_besides(zero.at()));
    let filled = ivs
        .iter()
        .find(|c| c.caller().signature().contains("filledIv"))
        .expect("filledIv");
    let array = filled.param(0).and_then(|a| a.array()).expect("array");
    let bytes: Vec<ConstValue> = array.elements.iter().map(|(_, v)| *v).collect();
    assert_eq!(
        bytes,
        [
            ConstValue::Int(1),
            ConstValue::Int(2),
            ConstValue::Int(3),
            ConstValue::Int(-1)
        ]
    );
    assert!(!array.is_all_zero());

    let key = call_in(
        &analysis,
        "Ljavax/crypto/spec/SecretKeySpec;-><init>([BLjava/lang/String;)V",
        "Lcom/acme/app/Crypto;->keyFromString",
    );
    assert_eq!(
        key.param(0)
            .and_then(|a| a.derived_from_string())
            .as_deref(),
        Some("hardcodedkey1234")
    );
    assert_eq!(
        key.param(1).and_then(|a| a.as_str()).as_deref(),
        Some("AES")
    );

    let protocols = call_in(
        &analysis,
        "Ljavax/net/ssl/SSLSocket;->setEnabledProtocols",
        "Lcom/acme/app/Crypto;->tlsProtocols",
    );
    let names: Vec<Option<String>> = protocols
        .param(0)
        .and_then(|a| a.array_strings())
        .expect("array")
        .into_iter()
        .map(|s| s.map(|s| s.into_owned()))
        .collect();
    assert_eq!(
        names,
        [Some("SSLv3".to_string()), Some("TLSv1".to_string())]
    );

    let init = call_in(
        &analysis,
        "Ljavax/net/ssl/SSLContext;->init",
        "Lcom/acme/app/Crypto;->sslContext",
    );
    assert!(init.param(0).expect("km").is_null());
    assert!(init.param(2).expect("random").is_null());
    let managers = init
        .param(1)
        .and_then(|a| a.array())
        .expect("trust managers");
    assert!(matches!(
        managers.elements.as_slice(),
        [(0, ConstValue::NewInstance { .. })]
    ));
    assert_eq!(
        init.param(1).map(|a| a.describe()).as_deref(),
        Some("[Ljavax/net/ssl/TrustManager;{new com.acme.tls.TrustAllManager}")
    );
    let context = init
        .receiver()
        .and_then(|r| r.producer())
        .expect("getInstance");
    assert_eq!(
        context.param(0).and_then(|a| a.as_str()).as_deref(),
        Some("TLSv1")
    );
}

#[test]
fn oversized_frames_fall_back_to_the_linear_pass() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let calls: Vec<Option<String>> = analysis
        .calls_to(CIPHER)
        .into_iter()
        .filter(|c| c.caller().signature().contains("wideFrame"))
        .map(|c| c.param(0).and_then(|a| a.as_str()).map(|s| s.into_owned()))
        .collect();
    assert_eq!(calls, [Some("AES/CBC/PKCS5Padding".to_string()), None]);
    let budget: Vec<_> = analysis
        .anomalies()
        .filter(|a| a.anomaly.kind == appvd_dex::AnomalyKind::AnalysisBudget)
        .collect();
    assert_eq!(budget.len(), 1);
    assert!(
        budget[0]
            .anomaly
            .context
            .as_deref()
            .is_some_and(|c| c.contains("wideFrame"))
    );
}

#[test]
fn an_array_stored_in_itself_is_described_finitely() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let call = call_in(
        &analysis,
        "Ljava/util/Arrays;->deepToString([Ljava/lang/Object;)Ljava/lang/String;",
        "Lcom/acme/app/Crypto;->selfContainingArray",
    );
    let text = call.param(0).expect("array").describe();
    assert_eq!(
        text,
        "[Ljava/lang/Object;{[Ljava/lang/Object;{[Ljava/lang/Object;{{...}}}}"
    );
}

#[test]
fn origin_tags_follow_data_from_sources() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let loads = analysis.calls_to("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V");
    let from_intent = loads
        .iter()
        .find(|c| {
            c.param(0)
                .is_some_and(|a| a.origins().has(Origins::INTENT_EXTRA))
        })
        .expect("intent extra");
    assert_eq!(
        from_intent.caller().signature(),
        "Lcom/acme/app/WebActivity;->onCreate(Landroid/os/Bundle;)V"
    );
    let constant = loads
        .iter()
        .find(|c| c.param(0).and_then(|a| a.as_str()).is_some())
        .expect("constant url");
    assert_eq!(
        constant.param(0).and_then(|a| a.as_str()).as_deref(),
        Some("http://example.com/start")
    );
    let from_param = loads
        .iter()
        .find(|c| c.caller().signature().contains("loadFromParameter"))
        .expect("parameter");
    assert_eq!(
        from_param.param(0).map(|a| a.origins().parameter_index()),
        Some(Some(0))
    );
    assert_eq!(
        from_param.receiver().map(|a| a.origins().parameter_index()),
        Some(Some(1))
    );

    // new File(getExternalFilesDir(null), uri.getLastPathSegment()) -> FileOutputStream.
    let out = call_in(
        &analysis,
        "Ljava/io/FileOutputStream;-><init>(Ljava/io/File;)V",
        "Lcom/acme/app/WebActivity;",
    );
    let origins = out.param(0).expect("file").origins();
    assert!(
        origins.has(Origins::EXTERNAL_STORAGE) && origins.has(Origins::URI_PATH),
        "{origins:?}"
    );

    // Environment.getExternalStorageDirectory() -> new File -> getAbsolutePath -> DexClassLoader.
    let loader = call_in(
        &analysis,
        "Ldalvik/system/DexClassLoader;-><init>",
        "Lcom/acme/app/Crypto;->dynamicCode",
    );
    assert!(
        loader
            .param(0)
            .expect("path")
            .origins()
            .has(Origins::EXTERNAL_STORAGE)
    );
    assert!(
        !loader
            .param(1)
            .expect("optimized dir")
            .origins()
            .has(Origins::EXTERNAL_STORAGE)
    );

    let seeds = analysis.calls_to("Ljava/security/SecureRandom;->setSeed(J)V");
    assert_eq!(seeds.len(), 2);
    assert!(
        seeds[0]
            .param(0)
            .expect("seed")
            .origins()
            .has(Origins::TIME)
    );
    assert_eq!(seeds[1].param(0).and_then(|a| a.as_int()), Some(42));
}

#[test]
fn string_references_are_attributed() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let refs: Vec<_> = analysis
        .string_refs()
        .filter(|r| r.text() == "s3cr3t")
        .collect();
    assert_eq!(refs.len(), 1);
    let location = refs[0].location();
    assert_eq!(location.method, "onCreate");
    assert_eq!(location.class, "Lcom/acme/app/MainActivity;");
    assert!(matches!(
        refs[0].reference().usage,
        StringUse::Code { at: _, .. }
    ));
    // Static field initial values are string uses too.
    let key: Vec<_> = analysis
        .string_refs()
        .filter(|r| r.text() == "AKIAIOSFODNN7EXAMPLE")
        .collect();
    assert_eq!(key.len(), 1);
    assert!(matches!(
        key[0].reference().usage,
        StringUse::StaticValue { .. }
    ));
    assert_eq!(key[0].location().class, "Lcom/acme/app/BuildConfig;");
    // Unreferenced pool strings exclude type and member names but include annotation values.
    let unreferenced: Vec<String> = analysis
        .unreferenced_strings()
        .into_iter()
        .map(|(dex, idx)| {
            analysis
                .string_text(appvd_dex::facts::StrRef::Pool { dex, idx })
                .into_owned()
        })
        .collect();
    assert!(
        unreferenced.contains(&"main".to_string()),
        "annotation value"
    );
    assert!(!unreferenced.contains(&"Lcom/acme/app/MainActivity;".to_string()));
    assert!(!unreferenced.contains(&"onCreate".to_string()));
    assert!(!unreferenced.contains(&"s3cr3t".to_string()));
    // A method's strings in order.
    let method = analysis
        .find_method("Lcom/acme/app/Crypto;->keyFromString()V")
        .expect("method");
    let strings: Vec<String> = method
        .strings()
        .into_iter()
        .map(|(_, s)| s.into_owned())
        .collect();
    assert_eq!(strings, ["hardcodedkey1234", "AES"]);
}

#[test]
fn field_accesses_and_returns() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let writes =
        analysis.field_accesses("Lcom/acme/app/MainActivity;->COMPUTED:Ljava/lang/String;");
    assert_eq!(writes.len(), 1);
    assert!(writes[0].write && writes[0].is_static);
    assert!(matches!(writes[0].value, ConstValue::String(_)));
    let reads = analysis.field_accesses("Lcom/acme/app/BuildConfig;->DEBUG:Z");
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].value, ConstValue::Int(1));
    let clinit = analysis
        .find_method("Lcom/acme/app/MainActivity;-><clinit>()V")
        .expect("clinit");
    let written: Vec<String> = clinit
        .field_accesses()
        .iter()
        .map(|a| analysis.app().text(a.field.name).into_owned())
        .collect();
    assert_eq!(written, ["COMPUTED", "ZERO"]);
    let which = analysis
        .find_method("Lcom/acme/app/Dup;->which()Ljava/lang/String;")
        .expect("method");
    let ConstValue::String(s) = which.return_value().expect("returns") else {
        panic!("string")
    };
    assert_eq!(analysis.string_text(s), "first definition");
}

#[test]
fn overrides_and_annotations() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let servers: Vec<String> = analysis
        .overrides("Ljavax/net/ssl/X509TrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V")
        .iter()
        .map(|m| m.signature())
        .collect();
    assert_eq!(servers.len(), 3, "{servers:?}");
    assert!(
        servers
            .iter()
            .any(|s| s.starts_with("Lcom/acme/tls/DelegatingTrustManager;"))
    );
    let bridge = analysis
        .app()
        .class_by_descriptor("Lcom/acme/app/MainActivity;")
        .expect("class");
    assert_eq!(
        analysis.class_annotations(bridge),
        ["Lcom/acme/app/Marker;", "Ldalvik/annotation/MemberClasses;"]
    );
    // The bridge object passed to addJavascriptInterface and its exposed methods.
    let bridge_call = analysis
        .calls_to("Landroid/webkit/WebView;->addJavascriptInterface")
        .remove(0);
    let bridge_class = bridge_call
        .param(0)
        .and_then(|a| a.new_instance_class())
        .expect("new Bridge");
    let bridge = analysis
        .app()
        .class_by_descriptor(&bridge_class)
        .expect("app class");
    let exposed: Vec<String> = analysis
        .methods_of(bridge)
        .into_iter()
        .filter(|m| {
            m.annotations()
                .iter()
                .any(|a| a == "Landroid/webkit/JavascriptInterface;")
        })
        .map(|m| m.signature())
        .collect();
    assert_eq!(
        exposed,
        ["Lcom/acme/app/Bridge;->getToken()Ljava/lang/String;"]
    );
    let subclasses: Vec<String> = analysis
        .subclasses_of("Landroid/webkit/WebViewClient;")
        .into_iter()
        .filter_map(|c| {
            analysis
                .app()
                .class(c)
                .map(|c| analysis.app().text(c.descriptor).into_owned())
        })
        .collect();
    assert_eq!(subclasses.len(), 4, "{subclasses:?}");
}

#[test]
fn index_output_is_deterministic() {
    let fx = AppFixture::load();
    let render = || {
        let analysis = fx.analysis();
        analysis
            .call_sites()
            .map(|c| {
                format!(
                    "{} {} {:?}",
                    c.location(),
                    c.callee_text(),
                    c.args().iter().map(|a| a.describe()).collect::<Vec<_>>()
                )
            })
            .collect::<Vec<_>>()
    };
    let first = render();
    assert_eq!(first.len(), 111);
    for _ in 0..3 {
        assert_eq!(render(), first);
    }
}
