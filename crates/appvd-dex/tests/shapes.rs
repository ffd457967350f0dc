//! Method-shape facts for the TLS and WebView rules, positive and negative.

mod common;

use appvd_dex::shapes::{Presence, ShapeKind};
use common::AppFixture;

#[test]
fn tls_shapes_find_the_permissive_implementations_only() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let facts: Vec<(String, ShapeKind)> = analysis
        .tls_shapes()
        .into_iter()
        .map(|f| (analysis.method(f.method).signature(), f.kind))
        .collect();
    let expect = |signature: &str, kind: ShapeKind| {
        assert!(
            facts.iter().any(|(s, k)| s == signature && *k == kind),
            "missing {signature} {kind:?} in {facts:#?}"
        );
    };
    expect(
        "Lcom/acme/tls/TrustAllManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V",
        ShapeKind::TrustsAllServers,
    );
    expect(
        "Lcom/acme/tls/TrustAllManager;->checkClientTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V",
        ShapeKind::TrustsAllClients,
    );
    expect(
        "Lcom/acme/tls/TrustAllManager;->getAcceptedIssuers()[Ljava/security/cert/X509Certificate;",
        ShapeKind::NullAcceptedIssuers,
    );
    expect(
        "Lcom/acme/tls/EmptyIssuersManager;->getAcceptedIssuers()[Ljava/security/cert/X509Certificate;",
        ShapeKind::EmptyAcceptedIssuers,
    );
    expect(
        "Lcom/acme/tls/AllowAllVerifier;->verify(Ljava/lang/String;Ljavax/net/ssl/SSLSession;)Z",
        ShapeKind::AcceptsAllHostnames,
    );
    expect(
        "Lcom/acme/tls/ProceedClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V",
        ShapeKind::ProceedsOnSslError {
            always: true,
            checks_error: false,
        },
    );
    expect(
        "Lcom/acme/tls/ConditionalClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V",
        ShapeKind::ProceedsOnSslError {
            always: false,
            checks_error: true,
        },
    );
    // Negatives: the strict trust manager throws, the delegating one calls its delegate, the
    // strict verifier compares, the safe client cancels.
    for negative in [
        "StrictTrustManager",
        "DelegatingTrustManager",
        "StrictVerifier",
        "SafeClient",
    ] {
        assert!(
            !facts.iter().any(|(s, _)| s.contains(negative)),
            "{negative} flagged: {facts:#?}"
        );
    }
    assert_eq!(facts.len(), 7, "{facts:#?}");
}

#[test]
fn body_shapes_and_call_presence() {
    let fx = AppFixture::load();
    let analysis = fx.analysis();
    let strict = analysis
        .find_method("Lcom/acme/tls/StrictTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V")
        .expect("method");
    let shape = strict.body_shape();
    assert!(shape.throws && shape.returns);
    let delegating = analysis
        .find_method("Lcom/acme/tls/DelegatingTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V")
        .expect("method");
    let shape = delegating.body_shape();
    assert!(!shape.throws && !shape.only_inert_calls);
    assert_eq!(
        shape.calls,
        [
            "Ljavax/net/ssl/X509TrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V"
        ]
    );

    let is_cancel = |c: &appvd_dex::CallSiteView<'_, '_>| c.callee_text().ends_with("->cancel()V");
    let safe = analysis
        .find_method("Lcom/acme/tls/SafeClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V")
        .expect("method");
    assert_eq!(
        analysis.call_presence(safe.id(), is_cancel),
        Presence::AllPaths
    );
    let conditional = analysis
        .find_method("Lcom/acme/tls/ConditionalClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V")
        .expect("method");
    assert_eq!(
        analysis.call_presence(conditional.id(), is_cancel),
        Presence::SomePaths
    );
    assert_eq!(
        analysis.call_presence(conditional.id(), |c| c.callee_text().contains("nothing")),
        Presence::Never
    );
}
