//! The public API and pages, driven through the router without a socket.

use appvd_domain::case::{Case, CaseOpening, CaseProduct, CaseState, CaseType, FixInfo};
use appvd_domain::grade::Grade;
use appvd_domain::ids::{CaseId, CaseIdPrefix, OrgId, ProductId};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind};
use appvd_domain::policy::Policy;
use appvd_domain::product::NewProduct;
use appvd_domain::product::Platform;
use appvd_store::Store;
use appvd_web::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

const NOW: OffsetDateTime = datetime!(2026-11-30 08:00 UTC);

fn case(seq: u32, title: &str, state: CaseState) -> Case {
    let mut c = Case::open(
        CaseOpening {
            id: CaseId::new(CaseIdPrefix::default(), 2026, seq).unwrap(),
            case_type: CaseType::General,
            title: title.into(),
            description: "internal description that must stay private".into(),
            affected_versions: "< 5.2.0".into(),
            product: Some(CaseProduct {
                product: ProductId(1),
                vendor_org: OrgId(1),
                vendor_name: "Acme Mobile".into(),
                vendor_jurisdiction: Jurisdiction::Domestic,
                name: "Acme Chat".into(),
                platform: Platform::Android,
                package_id: "com.acme.chat".into(),
            }),
            reporter: None,
        },
        NOW - Duration::days(i64::from(seq)),
    );
    c.state = state;
    c.grade = Some(Grade::High);
    c.cwe = Some(926);
    c.cvss_v3 = Some("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into());
    c.advisory_summary = Some("Other apps can read the chat history.".into());
    c.remediation = Some("Upgrade to 5.2.0.".into());
    c.fix = Some(FixInfo {
        fixed_versions: "5.2.0".into(),
        released_on: time::macros::date!(2026 - 11 - 01),
        user_notice: "Update from the store.".into(),
    });
    if state.is_public() {
        c.published_at = Some(NOW - Duration::days(i64::from(seq)));
    }
    c
}

async fn app() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    let org = NewOrganisation {
        name: "Acme Mobile".into(),
        kind: OrgKind::Vendor,
        jurisdiction: Jurisdiction::Domestic,
        security_contact: None,
    };
    let org = store.create_org(&org, NOW).await.unwrap();
    let product = NewProduct {
        vendor_org: org.id,
        name: "Acme Chat".into(),
        platform: Platform::Android,
        package_id: "com.acme.chat".into(),
        store_url: None,
        signing_cert_sha256: None,
    };
    store
        .create_product(&product.validate().unwrap(), NOW)
        .await
        .unwrap();
    let mut zh = case(
        2,
        "某应用存在任意文件读取漏洞 <script>alert(1)</script>",
        CaseState::Published,
    );
    zh.advisory_summary = Some("攻击者可读取应用私有目录中的任意文件。".into());
    let cases = vec![
        case(1, "Acme Chat exposes chat history", CaseState::Published),
        zh,
        case(3, "Unpublished secret flaw", CaseState::Fixing),
    ];
    store.import_cases(&cases, None, NOW).await.unwrap();
    let state = AppState::load(
        store,
        Policy::default(),
        dir.path(),
        appvd_web::WebConfig::default(),
    )
    .await
    .unwrap();
    (router(state), dir)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    get_with(app, uri, None).await
}

async fn get_with(
    app: &axum::Router,
    uri: &str,
    cookie: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::get(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap()
}

#[tokio::test]
async fn healthz_reports_the_backend() {
    let (app, _dir) = app().await;
    let (status, _, body) = get(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json(&body),
        serde_json::json!({ "status": "ok", "database": "sqlite" })
    );
}

#[tokio::test]
async fn advisory_list_shape() {
    let (app, _dir) = app().await;
    let (status, headers, body) = get(&app, "/api/v1/advisories?per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    insta::assert_json_snapshot!("advisory_list", json(&body));
}

#[tokio::test]
async fn advisory_detail_shape() {
    let (app, _dir) = app().await;
    let (status, _, body) = get(&app, "/api/v1/advisories/APPVD-2026-00001").await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("advisory_detail", json(&body));
    assert!(
        !body.contains("internal description"),
        "the case description is not public"
    );
}

#[tokio::test]
async fn unpublished_and_unknown_cases_look_the_same() {
    let (app, _dir) = app().await;
    let (s1, _, b1) = get(&app, "/api/v1/advisories/APPVD-2026-00003").await;
    let (s2, _, b2) = get(&app, "/api/v1/advisories/APPVD-2026-00099").await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(json(&b1)["error"]["rule"], "APPVD-NOT-FOUND");
    assert_eq!(b1.replace("00003", "00099"), b2);
    let (_, _, list) = get(&app, "/api/v1/advisories?q=secret").await;
    assert_eq!(
        json(&list)["total"],
        0,
        "search does not reveal unpublished cases"
    );
    let (_, _, page) = get(&app, "/").await;
    assert!(!page.contains("Unpublished secret flaw"));
}

#[tokio::test]
async fn bad_parameters_get_clear_errors() {
    let (app, _dir) = app().await;
    for (uri, needle) in [
        ("/api/v1/advisories?grade=severe", "grade must be one of"),
        ("/api/v1/advisories?platform=symbian", "platform"),
        ("/api/v1/advisories?page=0", "page must be"),
        ("/api/v1/advisories?per_page=1000", "per_page must be"),
        ("/api/v1/advisories?modified_since=yesterday", "RFC 3339"),
        ("/api/v1/advisories/APPVD-2026-1", "is not a case id"),
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        let v = json(&body);
        assert_eq!(v["error"]["rule"], "APPVD-INPUT", "{uri}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
    let long = "x".repeat(300);
    let (status, _, _) = get(&app, &format!("/api/v1/advisories?q={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    insta::assert_json_snapshot!(
        "error_shape",
        json(&get(&app, "/api/v1/advisories?grade=severe").await.2)
    );
}

#[tokio::test]
async fn search_and_filters() {
    let (app, _dir) = app().await;
    let ids = |body: &str| {
        json(body)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&get(
            &app,
            "/api/v1/advisories?q=%E6%96%87%E4%BB%B6%E8%AF%BB%E5%8F%96"
        )
        .await
        .2),
        ["APPVD-2026-00002"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/advisories?q=chat%20hist").await.2),
        ["APPVD-2026-00001"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/advisories?platform=ios").await.2),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&get(
            &app,
            "/api/v1/advisories?modified_since=2026-11-29T00:00:00Z"
        )
        .await
        .2),
        ["APPVD-2026-00001"]
    );
}

#[tokio::test]
async fn pages_render_in_both_languages_and_escape_text() {
    let (app, _dir) = app().await;
    let (status, headers, zh) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("已公开的漏洞公告"));
    assert!(
        !zh.contains("<script>alert(1)</script>"),
        "titles are escaped"
    );
    assert!(
        zh.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "and still shown"
    );
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );

    let (_, headers, en) = get(&app, "/?lang=en").await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Published advisories"));
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("HttpOnly"));
    let (_, _, remembered) = get_with(&app, "/advisories/APPVD-2026-00001", Some("lang=en")).await;
    assert!(remembered.contains("Affected product") && remembered.contains("CWE-926"));
    assert!(!remembered.contains("internal description"));

    let (status, _, missing) = get(&app, "/advisories/APPVD-2026-00003").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("找不到该漏洞公告"));
    let (status, _, _) = get(&app, "/static/app.css").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_page_filters_show_a_message_not_a_failure() {
    let (app, _dir) = app().await;
    let (status, _, body) = get(&app, "/?grade=severe&lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("role=\"alert\">grade must be one of"));
}
