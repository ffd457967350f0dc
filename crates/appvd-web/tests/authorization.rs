//! The authorisation matrix: every endpoint against every role, anonymous included, and proof that
//! no unpublished case, PoC or other vendor's data leaks — through reads, search, feeds, counts or
//! error messages.

mod common;

use appvd_domain::org::Jurisdiction;
use appvd_domain::user::Role;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use common::{Client, TestApp};
use serde_json::{Value, json};

const SECRET_TITLE: &str = "SECRETTITLE unpublished flaw";
const POC_MARKER: &str = "POCMARKER adb shell am start -n com.acme.chat/.Leak";

struct World {
    t: TestApp,
    unpublished: String,
    published: String,
    attachment: i64,
    user_id: i64,
    product_id: i64,
}

/// Roles under test, by login (`None` = anonymous).
const ROLES: [(&str, Option<&str>); 7] = [
    ("anonymous", None),
    ("reporter (owner)", Some("rita")),
    ("reporter (other)", Some("rob")),
    ("analyst", Some("ana")),
    ("admin", Some("root")),
    ("vendor (own)", Some("vic")),
    ("vendor (other, overseas)", Some("otto")),
];

async fn world() -> World {
    let t = TestApp::new().await;
    t.user("root", &[Role::Admin], None, Jurisdiction::Domestic)
        .await;
    let mut admin = t.login("root").await;
    let (_, org) = admin.post("/api/v1/orgs", json!({ "name": "Acme", "kind": "vendor", "jurisdiction": "domestic", "security_contact": "psirt@acme.example" })).await;
    let vendor = org["id"].as_i64().unwrap();
    admin
        .post(
            &format!("/api/v1/orgs/{vendor}/contacts"),
            json!({ "email": "psirt@acme.example", "verified": true }),
        )
        .await;
    let (_, other) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "Other", "kind": "vendor", "jurisdiction": "overseas" }),
        )
        .await;
    let mut user_id = 0;
    for (login, roles, org) in [
        ("ana", json!(["analyst"]), None),
        ("ben", json!(["analyst"]), None),
        ("rita", json!(["reporter"]), None),
        ("rob", json!(["reporter"]), None),
        ("vic", json!(["vendor_member"]), Some(vendor)),
        ("otto", json!(["vendor_admin"]), other["id"].as_i64()),
    ] {
        let (s, u) = admin.post("/api/v1/users", json!({ "login": login, "password": common::PASSWORD, "roles": roles, "org_id": org })).await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        user_id = u["id"].as_i64().unwrap();
    }
    let (_, product) = admin.post("/api/v1/products", json!({ "vendor_org_id": vendor, "name": "Acme Chat", "platform": "android", "package_id": "com.acme.chat" })).await;
    let product_id = product["id"].as_i64().unwrap();

    let mut rita = t.login("rita").await;
    let report = |title: &str| {
        json!({ "product_id": product_id, "title": title, "description": "A long enough technical description of the flaw.",
                "case_type": "general", "affected_versions": "< 2.0", "poc": POC_MARKER })
    };
    let (_, r1) = rita.post("/api/v1/reports", report(SECRET_TITLE)).await;
    let unpublished = r1["case_id"].as_str().unwrap().to_owned();
    let (_, r2) = rita
        .post("/api/v1/reports", report("Published flaw in Acme Chat"))
        .await;
    let published = r2["case_id"].as_str().unwrap().to_owned();

    // Attach a file to the unpublished case.
    let body = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"poc.txt\"\r\n\r\nPOCMARKER file\r\n--B--\r\n";
    let req = rita
        .request(
            Method::POST,
            &format!("/api/v1/cases/{unpublished}/attachments"),
        )
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
        .body(Body::from(body))
        .unwrap();
    let (_, _, bytes) = rita.raw(req).await;
    let attachment = serde_json::from_slice::<Value>(&bytes).unwrap()["id"]
        .as_i64()
        .unwrap();

    // Walk both cases to the vendor; publish the second.
    let mut ana = t.login("ana").await;
    let mut vic = t.login("vic").await;
    let mut ben = t.login("ben").await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    for id in [&unpublished, &published] {
        ana.action(id, json!({ "action": "accept" })).await;
        let edit = json!({ "cwe": 926, "harm": "Reads messages.", "scope": "All users.", "gbt_indicators": "GBT30279/AP:L/TR:L/PR:N/UI:N/C:S/I:N/A:N/EC:L/FD:L/SC:H" });
        ana.send(Method::PATCH, &format!("/api/v1/cases/{id}"), Some(edit))
            .await;
        for action in ["verify", "notify_vendor"] {
            let (s, r) = ana.action(id, json!({ "action": action })).await;
            assert_eq!(s, StatusCode::OK, "{action}: {r}");
        }
        vic.action(id, json!({ "action": "acknowledge" })).await;
        vic.action(
            id,
            json!({ "action": "set_vendor_status", "status": "affected" }),
        )
        .await;
    }
    vic.action(&published, json!({ "action": "mark_fixed", "fixed_versions": "2.0", "released_on": today, "user_notice": "Update." })).await;
    ana.action(
        &published,
        json!({ "action": "verify_fix", "evidence": "Re-tested 2.0." }),
    )
    .await;
    ana.send(Method::PATCH, &format!("/api/v1/cases/{published}"), Some(json!({ "advisory_summary": "Acme Chat before 2.0 leaks messages.", "remediation": "Upgrade to 2.0." }))).await;
    ana.action(&published, json!({ "action": "request_publication" }))
        .await;
    let (s, r) = ben
        .action(&published, json!({ "action": "approve_publication" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    World {
        t,
        unpublished,
        published,
        attachment,
        user_id,
        product_id,
    }
}

/// One request of the matrix and the status each role must get.
struct Probe {
    method: Method,
    path: String,
    body: Option<Value>,
    expect: [u16; 7],
}

fn probes(w: &World) -> Vec<Probe> {
    let u = &w.unpublished;
    let p = &w.published;
    let probe = |method: Method, path: String, body: Option<Value>, expect: [u16; 7]| Probe {
        method,
        path,
        body,
        expect,
    };
    // Order of `expect`: anonymous, reporter (owner), reporter (other), analyst, admin, vendor (own),
    // vendor (other).
    vec![
        probe(Method::GET, "/healthz".into(), None, [200; 7]),
        probe(Method::GET, "/api/v1/advisories".into(), None, [200; 7]),
        probe(
            Method::GET,
            format!("/api/v1/advisories/{p}"),
            None,
            [200; 7],
        ),
        probe(
            Method::GET,
            format!("/api/v1/advisories/{u}"),
            None,
            [404; 7],
        ),
        probe(Method::GET, "/feed.atom".into(), None, [200; 7]),
        probe(
            Method::GET,
            "/api/v1/me".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        probe(
            Method::GET,
            "/api/v1/tokens".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        probe(
            Method::GET,
            "/api/v1/orgs".into(),
            None,
            [401, 403, 403, 200, 200, 403, 403],
        ),
        probe(
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({ "name": "New org", "kind": "vendor", "jurisdiction": "domestic" })),
            [401, 403, 403, 403, 201, 403, 403],
        ),
        probe(
            Method::GET,
            "/api/v1/users".into(),
            None,
            [401, 403, 403, 403, 200, 403, 403],
        ),
        probe(
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({ "login": "newbie", "password": common::PASSWORD, "roles": ["reporter"] })),
            [401, 403, 403, 403, 201, 403, 403],
        ),
        probe(
            Method::PATCH,
            format!("/api/v1/users/{}", w.user_id),
            Some(json!({ "poc_access": false })),
            [401, 403, 403, 403, 200, 403, 403],
        ),
        probe(
            Method::GET,
            "/api/v1/products".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        probe(
            Method::POST,
            "/api/v1/products".into(),
            Some(
                json!({ "vendor_org_id": 1, "name": "X", "platform": "ios", "package_id": "com.acme.x" }),
            ),
            [401, 403, 403, 201, 409, 403, 403],
        ),
        probe(
            Method::POST,
            "/api/v1/reports".into(),
            Some(
                json!({ "product_id": w.product_id, "title": "T", "description": "Long enough text here.", "case_type": "general", "affected_versions": "1" }),
            ),
            [401, 201, 201, 403, 403, 403, 403],
        ),
        probe(
            Method::GET,
            "/api/v1/cases".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        probe(
            Method::GET,
            format!("/api/v1/cases/{u}"),
            None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        probe(
            Method::PATCH,
            format!("/api/v1/cases/{u}"),
            Some(json!({ "scope": "Everyone." })),
            [401, 403, 404, 200, 200, 403, 404],
        ),
        probe(
            Method::POST,
            format!("/api/v1/cases/{u}/actions"),
            Some(json!({ "action": "acknowledge" })),
            [401, 403, 404, 409, 403, 409, 404],
        ),
        probe(
            Method::POST,
            format!("/api/v1/cases/{u}/product"),
            Some(json!({ "product_id": w.product_id })),
            [401, 403, 403, 409, 409, 403, 403],
        ),
        probe(
            Method::GET,
            format!("/api/v1/cases/{u}/messages"),
            None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        probe(
            Method::POST,
            format!("/api/v1/cases/{u}/messages"),
            Some(json!({ "body": "hello" })),
            [401, 201, 404, 201, 201, 201, 404],
        ),
        probe(
            Method::GET,
            format!("/api/v1/cases/{u}/duplicates"),
            None,
            [401, 403, 403, 200, 200, 403, 403],
        ),
        probe(
            Method::GET,
            format!("/api/v1/cases/{u}/attachments/{}", w.attachment),
            None,
            [401, 200, 404, 403, 403, 403, 404],
        ),
    ]
}

async fn client_for(w: &World, login: Option<&str>) -> Client {
    match login {
        None => w.t.client(),
        Some(l) => w.t.login(l).await,
    }
}

#[tokio::test]
async fn every_endpoint_against_every_role() {
    let w = world().await;
    let mut failures = Vec::new();
    for (index, (role, login)) in ROLES.iter().enumerate() {
        let mut c = client_for(&w, *login).await;
        for probe in probes(&w) {
            let (status, body) = c
                .send(probe.method.clone(), &probe.path, probe.body.clone())
                .await;
            if status.as_u16() != probe.expect[index] {
                failures.push(format!(
                    "{role}: {} {} → {} (expected {}): {body}",
                    probe.method,
                    probe.path,
                    status.as_u16(),
                    probe.expect[index]
                ));
            }
            // Nothing a non-member receives mentions the unpublished case's title or the PoC.
            let member = matches!(
                *role,
                "reporter (owner)" | "analyst" | "admin" | "vendor (own)"
            );
            let text = body.to_string();
            if !member && (text.contains("SECRETTITLE") || text.contains("POCMARKER")) {
                failures.push(format!(
                    "{role}: {} {} leaked unpublished material: {text}",
                    probe.method, probe.path
                ));
            }
            // Only the reporter (who owns it) sees the PoC at all; the other members lack the
            // PoC permission.
            if *role != "reporter (owner)" && text.contains("POCMARKER") {
                failures.push(format!(
                    "{role}: {} {} leaked the PoC",
                    probe.method, probe.path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} authorisation failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn nothing_leaks_through_search_feeds_counts_or_errors() {
    let w = world().await;
    let mut anon = w.t.client();
    let (_, found) = anon.get("/api/v1/advisories?q=SECRETTITLE").await;
    assert_eq!(
        found["total"], 0,
        "public search does not see unpublished text"
    );
    let (_, all) = anon.get("/api/v1/advisories").await;
    assert_eq!(
        all["total"], 1,
        "public counts include only published advisories"
    );
    let req = anon
        .request(Method::GET, "/feed.atom")
        .body(Body::empty())
        .unwrap();
    let (_, _, feed) = anon.raw(req).await;
    let feed = String::from_utf8(feed).unwrap();
    assert!(
        feed.contains(&w.published)
            && !feed.contains(&w.unpublished)
            && !feed.contains("SECRETTITLE")
    );

    // Error messages for an unpublished case and an unknown one are the same, for every outsider.
    for login in [None, Some("rob"), Some("otto")] {
        let mut c = client_for(&w, login).await;
        let missing = w.unpublished.replace("-0000", "-9999");
        let (s1, a) = c.get(&format!("/api/v1/cases/{}", w.unpublished)).await;
        let (s2, b) = c.get(&format!("/api/v1/cases/{missing}")).await;
        assert_eq!(s1, s2);
        assert_eq!(
            a.to_string().replace(&w.unpublished, "ID"),
            b.to_string().replace(&missing, "ID"),
            "{login:?}"
        );
    }

    // Another vendor's list and an outsider's list are empty; staff search is staff-only.
    let mut otto = w.t.login("otto").await;
    let (_, list) = otto.get("/api/v1/cases").await;
    assert_eq!(list["total"], 0);
    let (_, list) = otto.get("/api/v1/cases?q=SECRETTITLE").await;
    assert_eq!(
        list["total"], 0,
        "the q parameter is not a back door for non-staff"
    );
    let mut rob = w.t.login("rob").await;
    let (_, list) = rob.get("/api/v1/cases?q=SECRETTITLE").await;
    assert_eq!(list["total"], 0);
    let mut vic = w.t.login("vic").await;
    let (_, list) = vic.get("/api/v1/cases").await;
    assert_eq!(list["total"], 2, "the vendor sees its two notified cases");

    // Reads of unpublished material were audited; the outsiders' attempts were not reads.
    let audits =
        w.t.store
            .audit_entries(Some(&w.unpublished), 1000)
            .await
            .unwrap();
    assert!(audits.iter().any(|a| a.action == "read_unpublished"));
}

#[tokio::test]
async fn pages_hide_unpublished_cases_from_outsiders() {
    let w = world().await;
    for login in [Some("rob"), Some("otto")] {
        let mut c = client_for(&w, login).await;
        let req = c
            .request(Method::GET, &format!("/cases/{}", w.unpublished))
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = c.raw(req).await;
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND, "{login:?}");
        assert!(!body.contains("SECRETTITLE") && !body.contains("POCMARKER"));
    }
    let mut anon = w.t.client();
    let req = anon
        .request(Method::GET, &format!("/cases/{}", w.unpublished))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = anon.raw(req).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");
    let req = anon
        .request(Method::GET, &format!("/advisories/{}", w.unpublished))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = anon.raw(req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!String::from_utf8(body).unwrap().contains("SECRETTITLE"));
}
