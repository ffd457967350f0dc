//! The working pages, driven by plain form posts (the browser suite in e2e/ drives the same pages in
//! Chromium): registration, the report form and receipt, login with the second factor, the case page
//! with its action forms, refusals shown with their rule id, and the administrator's page.

mod common;

use appvd_domain::org::Jurisdiction;
use appvd_domain::user::Role;
use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use serde_json::json;

async fn seeded() -> (TestApp, i64) {
    let t = TestApp::new().await;
    t.user("root", &[Role::Admin], None, Jurisdiction::Domestic)
        .await;
    let mut admin = t.login("root").await;
    let (_, org) = admin.post("/api/v1/orgs", json!({ "name": "Acme", "kind": "vendor", "jurisdiction": "domestic", "security_contact": "psirt@acme.example" })).await;
    let (_, product) = admin.post("/api/v1/products", json!({ "vendor_org_id": org["id"], "name": "Acme Chat", "platform": "android", "package_id": "com.acme.chat" })).await;
    t.user("ana", &[Role::Analyst], None, Jurisdiction::Domestic)
        .await;
    (t, product["id"].as_i64().unwrap())
}

#[tokio::test]
async fn register_report_and_follow_a_case() {
    let (t, product) = seeded().await;
    let mut rita = t.client();
    let (s, _, html) = rita.page("/register").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("注册报告者账号"));
    let (s, _, html) = rita
        .form(
            "/register",
            &[
                ("login", "rita"),
                ("password", PASSWORD),
                ("jurisdiction", "domestic"),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the terms must be accepted"
    );
    assert!(html.contains("APPVD-INPUT"));
    let (s, location, _) = rita
        .form(
            "/register",
            &[
                ("login", "rita"),
                ("password", PASSWORD),
                ("jurisdiction", "domestic"),
                ("accept_terms", "true"),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/report"))
    );

    let (s, _, html) = rita.page("/report").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Acme Chat (com.acme.chat)"));
    let product = product.to_string();
    let (s, _, html) = rita
        .form(
            "/report",
            &[
                ("product_id", &product),
                ("title", "聊天记录可被其他应用读取"),
                (
                    "description",
                    "导出的内容提供器未设置权限，任何应用都可以读取全部消息。",
                ),
                ("affected_versions", "< 5.2.0"),
                ("case_type", "general"),
                ("cvss_vector", "CVSS:3.1/AV:X"),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad vector is refused with its reason"
    );
    assert!(
        html.contains("cvss_vector") && html.contains("聊天记录可被其他应用读取"),
        "the form keeps what was typed"
    );
    let (s, _, html) = rita
        .form(
            "/report",
            &[
                ("product_id", &product),
                ("title", "聊天记录可被其他应用读取"),
                (
                    "description",
                    "导出的内容提供器未设置权限，任何应用都可以读取全部消息。",
                ),
                ("affected_versions", "< 5.2.0"),
                ("case_type", "general"),
                (
                    "poc",
                    "adb shell content query --uri content://com.acme.chat.history",
                ),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(html.contains("报告回执") && html.contains("(UTC+8)"));
    let id = html
        .split("id=\"receipt-case\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();

    let (s, _, html) = rita.page(&format!("/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("已接收") && html.contains("adb shell content query"),
        "the reporter sees the state and their PoC"
    );
    let (s, location, _) = rita
        .form(
            &format!("/cases/{id}/messages"),
            &[("body", "补充：5.1.3 版本可复现"), ("audience", "all")],
        )
        .await;
    assert_eq!(
        (s, location),
        (StatusCode::SEE_OTHER, Some(format!("/cases/{id}#messages")))
    );
    let (_, _, html) = rita.page(&format!("/cases/{id}")).await;
    assert!(html.contains("补充：5.1.3 版本可复现"));

    // A form without the CSRF token is refused and changes nothing.
    rita.csrf = None;
    let (s, _, _) = rita
        .form(
            &format!("/cases/{id}/messages"),
            &[("body", "forged"), ("audience", "all")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_log_in_with_their_second_factor_and_act_through_forms() {
    let (t, product) = seeded().await;
    t.user("rita", &[Role::Reporter], None, Jurisdiction::Domestic)
        .await;
    let mut rita = t.login("rita").await;
    let (_, receipt) = rita
        .post("/api/v1/reports", json!({ "product_id": product, "title": "Leak", "description": "The provider is exported without a permission.", "case_type": "general", "affected_versions": "1.0" }))
        .await;
    let id = receipt["case_id"].as_str().unwrap().to_owned();

    let mut ana = t.client();
    let (s, location, _) = ana
        .form("/login", &[("login", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me/mfa")),
        "staff enrol first"
    );
    let (s, location, _) = ana.page("/cases").await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/me/mfa"))
    );
    let (_, _, html) = ana.page("/me/mfa").await;
    let secret = html
        .split("id=\"mfa-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let (s, _, html) = ana.form("/me/mfa", &[("code", "000000")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("验证码错误"));
    let code =
        appvd_web::auth::totp::code_at(&secret, time::OffsetDateTime::now_utc().unix_timestamp())
            .unwrap();
    let (s, location, _) = ana.form("/me/mfa", &[("code", &code)]).await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/cases"))
    );

    let (s, _, html) = ana.page("/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&id));
    let (_, _, html) = ana.page(&format!("/cases/{id}")).await;
    assert!(html.contains("data-action=\"accept\""));
    let (s, location, _) = ana
        .form(&format!("/cases/{id}/action"), &[("action", "accept")])
        .await;
    assert_eq!(
        (s, location),
        (StatusCode::SEE_OTHER, Some(format!("/cases/{id}")))
    );
    // A refusal is shown on the page with its rule id.
    let (s, _, html) = ana
        .form(&format!("/cases/{id}/action"), &[("action", "verify")])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"refusal\"") && html.contains("REG-7.3"));
    // The edit form computes the grade from the indicators.
    let (s, _, _) = ana
        .form(
            &format!("/cases/{id}/edit"),
            &[
                ("title", "Leak"),
                (
                    "description",
                    "The provider is exported without a permission.",
                ),
                ("affected_versions", "1.0"),
                ("harm", "Other apps read messages."),
                ("scope", "All users."),
                ("cwe", "926"),
                (
                    "gbt_indicators",
                    "GBT30279/AP:L/TR:L/PR:N/UI:N/C:S/I:N/A:N/EC:L/FD:L/SC:H",
                ),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, _) = ana
        .form(&format!("/cases/{id}/action"), &[("action", "verify")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, html) = ana.page(&format!("/cases/{id}")).await;
    assert!(html.contains("data-state=\"verified\""));
    let (s, _, html) = ana
        .form(
            &format!("/cases/{id}/action"),
            &[("action", "reject"), ("reason", "spam")],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "reject is not possible once verified"
    );
    assert!(html.contains("APPVD-LIFECYCLE"));

    // Logging in again needs the code.
    let mut again = t.client();
    let (s, _, html) = again
        .form("/login", &[("login", "ana"), ("password", PASSWORD)])
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("APPVD-MFA"));
    let code =
        appvd_web::auth::totp::code_at(&secret, time::OffsetDateTime::now_utc().unix_timestamp())
            .unwrap();
    let (s, location, _) = again
        .form(
            "/login",
            &[("login", "ana"), ("password", PASSWORD), ("totp", &code)],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/cases"))
    );
}

#[tokio::test]
async fn the_admin_page_creates_and_refuses() {
    let (t, _) = seeded().await;
    let mut root = t.client();
    let code = {
        let mut c = t.login("root").await;
        let _ = c.get("/api/v1/me").await;
        let secret = t.secrets.lock().unwrap().get("root").cloned().unwrap();
        appvd_web::auth::totp::code_at(&secret, time::OffsetDateTime::now_utc().unix_timestamp())
            .unwrap()
    };
    let (s, _, _) = root
        .form(
            "/login",
            &[("login", "root"), ("password", PASSWORD), ("totp", &code)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, html) = root.page("/admin").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Acme") && html.contains("com.acme.chat"));
    let (s, location, _) = root
        .form(
            "/admin/users",
            &[
                ("login", "vic"),
                ("password", PASSWORD),
                ("roles", "vendor_member"),
                ("org_id", "1"),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin"))
    );
    let (s, _, html) = root
        .form(
            "/admin/users",
            &[
                ("login", "eve"),
                ("password", "short"),
                ("roles", "reporter"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("password"));

    // Organisations: the verified switch verifies the contact.
    let (s, location, _) = root
        .form(
            "/admin/orgs",
            &[
                ("name", "Beta Lab"),
                ("kind", "support_unit"),
                ("jurisdiction", "domestic"),
                ("security_contact", "sec@beta.example"),
                ("verified", "true"),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin"))
    );
    let (s, orgs) = root.get("/api/v1/orgs").await;
    assert_eq!(s, StatusCode::OK);
    let beta = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Beta Lab")
        .expect("created")
        .clone();
    assert_eq!(beta["security_contacts"][0]["email"], "sec@beta.example");
    assert_eq!(beta["security_contacts"][0]["verified"], true);
    // Products belong to vendors and operators only, on the page as in the API.
    let beta_id = beta["id"].to_string();
    let (s, _, html) = root
        .form(
            "/admin/products",
            &[
                ("vendor_org_id", beta_id.as_str()),
                ("name", "Beta"),
                ("platform", "android"),
                ("package_id", "com.beta.app"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("vendor or operator"), "{html}");
    let (s, location, _) = root
        .form(
            "/admin/products",
            &[
                ("vendor_org_id", "1"),
                ("name", "Acme Mail"),
                ("platform", "ios"),
                ("package_id", "com.acme.mail"),
            ],
        )
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin"))
    );

    let mut vic = t.client();
    let (s, location, _) = vic
        .form("/login", &[("login", "vic"), ("password", PASSWORD)])
        .await;
    assert_eq!(
        (s, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/cases"))
    );
    let (s, _, html) = vic.page("/admin").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!html.contains("com.acme.chat"));
}

#[tokio::test]
async fn pages_switch_language() {
    let (t, _) = seeded().await;
    let mut c = t.client();
    let (_, _, zh) = c.page("/login").await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("登录"));
    let (_, _, _) = c.page("/?lang=en").await;
    c.cookie = Some(format!("{}; lang=en", c.cookie.clone().unwrap_or_default()));
    let (_, _, en) = c.page("/login").await;
    assert!(
        en.contains("<html lang=\"en\">") && en.contains("Log in"),
        "{en}"
    );
}
