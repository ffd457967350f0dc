//! Accounts and their defences: sessions, second factor, API tokens, CSRF, rate limits, bad input.

mod common;

use appvd_domain::org::Jurisdiction;
use appvd_domain::user::Role;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use common::{PASSWORD, TestApp, rule};
use serde_json::json;

#[tokio::test]
async fn login_sets_a_hardened_cookie_and_rotates_the_session() {
    let t = TestApp::with_config(appvd_web::WebConfig::default()).await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut c = t.client();
    let req = c
        .request(Method::POST, "/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "login": "Rita", "password": PASSWORD }).to_string(),
        ))
        .unwrap();
    let (s, headers, body) = c.raw(req).await;
    assert_eq!(s, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_slice(&body).unwrap();
    c.csrf = me["csrf_token"].as_str().map(str::to_owned);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let first = c.cookie.clone().unwrap();
    // Logging in again from the same browser (its page carries the CSRF token) replaces the
    // session; the old id stops working.
    let (s, me) = c
        .post(
            "/api/v1/session",
            json!({ "login": "rita", "password": PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_ne!(c.cookie.as_deref(), Some(first.as_str()));
    let mut old = t.client();
    old.cookie = Some(first);
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);

    // Logging out ends the session server-side.
    let (s, _) = c.send(Method::DELETE, "/api/v1/session", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(c.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_logins_look_alike_and_are_rate_limited() {
    let t = TestApp::new().await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut c = t.client();
    let (s1, a) = c
        .post(
            "/api/v1/session",
            json!({ "login": "rita", "password": "wrong password!" }),
        )
        .await;
    let (s2, b) = c
        .post(
            "/api/v1/session",
            json!({ "login": "nobody", "password": "wrong password!" }),
        )
        .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(a, b, "the answer does not say whether the login exists");
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = c
            .post(
                "/api/v1/session",
                json!({ "login": "rita", "password": "wrong password!" }),
            )
            .await
            .0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let (s, r) = c
        .post(
            "/api/v1/session",
            json!({ "login": "rita", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::TOO_MANY_REQUESTS, "APPVD-RATE-LIMIT"),
        "even the right password waits out the window"
    );
}

#[tokio::test]
async fn staff_must_enrol_and_give_a_second_factor() {
    let t = TestApp::new().await;
    t.user("ana", &[Role::Analyst], None, Jurisdiction::Domestic)
        .await;
    let mut c = t.client();
    let (s, me) = c
        .post(
            "/api/v1/session",
            json!({ "login": "ana", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        (s, me["mfa_required"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (s, r) = c.get("/api/v1/cases").await;
    assert_eq!((s, rule(&r)), (StatusCode::FORBIDDEN, "REG-11.2"));
    let (s, setup) = c.send(Method::POST, "/api/v1/me/mfa", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        setup["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/appvd:ana")
    );
    let (s, r) = c
        .post("/api/v1/me/mfa/confirm", json!({ "code": "000000" }))
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "APPVD-MFA")
    );
    let secret = setup["secret"].as_str().unwrap();
    let code =
        appvd_web::auth::totp::code_at(secret, time::OffsetDateTime::now_utc().unix_timestamp())
            .unwrap();
    let (s, _) = c
        .post("/api/v1/me/mfa/confirm", json!({ "code": code }))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c.get("/api/v1/cases").await.0, StatusCode::OK);

    // From now on the code is part of the login.
    let mut again = t.client();
    let (s, r) = again
        .post(
            "/api/v1/session",
            json!({ "login": "ana", "password": PASSWORD }),
        )
        .await;
    assert_eq!((s, rule(&r)), (StatusCode::UNAUTHORIZED, "APPVD-MFA"));
    let (s, r) = again
        .post(
            "/api/v1/session",
            json!({ "login": "ana", "password": PASSWORD, "totp": "123456" }),
        )
        .await;
    assert_eq!((s, rule(&r)), (StatusCode::UNAUTHORIZED, "APPVD-MFA"));
    let code =
        appvd_web::auth::totp::code_at(secret, time::OffsetDateTime::now_utc().unix_timestamp())
            .unwrap();
    let (s, me) = again
        .post(
            "/api/v1/session",
            json!({ "login": "ana", "password": PASSWORD, "totp": code }),
        )
        .await;
    assert_eq!(
        (s, me["mfa_required"].as_bool()),
        (StatusCode::OK, Some(false))
    );
}

#[tokio::test]
async fn csrf_is_required_for_cookie_requests_only() {
    let t = TestApp::new().await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut c = t.login("rita").await;
    let token = c.csrf.take().unwrap();
    let (s, r) = c.post("/api/v1/tokens", json!({ "name": "ci" })).await;
    assert_eq!((s, rule(&r)), (StatusCode::FORBIDDEN, "APPVD-CSRF"));
    c.csrf = Some("forged".into());
    let (s, r) = c.post("/api/v1/tokens", json!({ "name": "ci" })).await;
    assert_eq!((s, rule(&r)), (StatusCode::FORBIDDEN, "APPVD-CSRF"));
    c.csrf = Some(token);
    let req = c
        .request(Method::POST, "/api/v1/tokens")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let (s, _, _) = c.raw(req).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a cross-origin request fails even with the token"
    );
    let (s, created) = c
        .post(
            "/api/v1/tokens",
            json!({ "name": "ci", "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");

    // A bearer token needs no CSRF token: a browser never sends it by itself.
    let mut script = t.client();
    script.bearer = Some(created["token"].as_str().unwrap().to_owned());
    let (s, me) = script.get("/api/v1/me").await;
    assert_eq!((s, me["login"].as_str()), (StatusCode::OK, Some("rita")));
    assert!(me.get("csrf_token").is_none());
    let (s, r) = script.post("/api/v1/tokens", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "tokens do not mint tokens: {r}");
    let id = created["id"].as_i64().unwrap();
    let (s, _) = c
        .send(Method::DELETE, &format!("/api/v1/tokens/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, r) = script.get("/api/v1/me").await;
    assert_eq!((s, rule(&r)), (StatusCode::UNAUTHORIZED, "APPVD-AUTH"));
    script.bearer = Some("garbage".into());
    assert_eq!(
        script.get("/api/v1/advisories").await.0,
        StatusCode::UNAUTHORIZED,
        "a bad token is refused, not ignored"
    );
}

#[tokio::test]
async fn expired_sessions_are_refused() {
    let t = TestApp::with_config(appvd_web::WebConfig {
        session_ttl: time::Duration::seconds(1),
        secure_cookies: false,
        ..Default::default()
    })
    .await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut c = t.login("rita").await;
    assert_eq!(c.get("/api/v1/me").await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(c.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_bodies_get_clear_errors_and_change_nothing() {
    let t = TestApp::with_config(appvd_web::WebConfig {
        max_json_bytes: 4096,
        secure_cookies: false,
        ..Default::default()
    })
    .await;
    t.user("root", &[Role::Admin], None, Jurisdiction::Domestic)
        .await;
    let mut admin = t.login("root").await;
    let req = admin
        .request(Method::POST, "/api/v1/orgs")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let (s, _, body) = admin.raw(req).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (s, r) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "X", "kind": "bank", "jurisdiction": "domestic" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r["error"]["message"].as_str().unwrap().contains("bank"));
    let (s, r) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "X".repeat(5000), "kind": "vendor", "jurisdiction": "domestic" }),
        )
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::PAYLOAD_TOO_LARGE, "APPVD-TOO-LARGE")
    );
    let (s, r) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "Y".repeat(300), "kind": "vendor", "jurisdiction": "domestic" }),
        )
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "APPVD-INPUT"),
        "{r}"
    );
    let (s, r) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "Z", "kind": "vendor", "jurisdiction": "domestic", "extra": 1 }),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown fields are refused: {r}"
    );
    let req = admin
        .request(Method::POST, "/api/v1/orgs")
        .body(Body::from("{}"))
        .unwrap();
    let (s, _, _) = admin.raw(req).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        t.store.list_orgs().await.unwrap().is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn oversized_uploads_are_refused() {
    let t = TestApp::with_config(appvd_web::WebConfig {
        max_upload_bytes: 1024,
        secure_cookies: false,
        ..Default::default()
    })
    .await;
    t.user("root", &[Role::Admin], None, Jurisdiction::Domestic)
        .await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut admin = t.login("root").await;
    let (_, org) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "Acme", "kind": "vendor", "jurisdiction": "domestic" }),
        )
        .await;
    let (_, product) = admin.post("/api/v1/products", json!({ "vendor_org_id": org["id"], "name": "App", "platform": "android", "package_id": "com.acme.app" })).await;
    let mut rita = t.login("rita").await;
    let (_, receipt) = rita
        .post("/api/v1/reports", json!({ "product_id": product["id"], "title": "T", "description": "Long enough description.", "case_type": "general", "affected_versions": "1" }))
        .await;
    let id = receipt["case_id"].as_str().unwrap().to_owned();
    let payload = "A".repeat(200_000);
    let body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n{payload}\r\n--B--\r\n"
    );
    let req = rita
        .request(Method::POST, &format!("/api/v1/cases/{id}/attachments"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
        .body(Body::from(body))
        .unwrap();
    let (s, _, bytes) = rita.raw(req).await;
    assert_eq!(
        s,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    let (_, case) = rita.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["attachments"], json!([]));
}
