//! The whole loop through the JSON API: accounts, intake, triage, verification, the vendor's side,
//! the publication gate, two-person publication, and the public advisory.

mod common;

use appvd_domain::org::Jurisdiction;
use appvd_domain::user::Role;
use axum::http::{Method, StatusCode};
use common::{TestApp, rule};
use serde_json::json;

struct World {
    t: TestApp,
    product_id: i64,
    vendor_org: i64,
}

async fn world() -> World {
    let t = TestApp::new().await;
    t.user("root", &[Role::Admin], None, Jurisdiction::Domestic)
        .await;
    let mut admin = t.login("root").await;
    let (s, org) = admin.post("/api/v1/orgs", json!({ "name": "Acme Mobile", "kind": "vendor", "jurisdiction": "domestic", "security_contact": "psirt@acme.example" })).await;
    assert_eq!(s, StatusCode::CREATED, "{org}");
    let vendor_org = org["id"].as_i64().unwrap();
    for (login, roles, org_id) in [
        ("ana", json!(["analyst"]), None),
        ("ben", json!(["analyst"]), None),
        ("rita", json!(["reporter"]), None),
        ("rob", json!(["reporter"]), None),
        ("vic", json!(["vendor_member"]), Some(vendor_org)),
    ] {
        let (s, u) = admin.post("/api/v1/users", json!({ "login": login, "password": common::PASSWORD, "roles": roles, "org_id": org_id })).await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
    }
    let (s, other) = admin
        .post(
            "/api/v1/orgs",
            json!({ "name": "Other Vendor", "kind": "vendor", "jurisdiction": "overseas" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = admin.post("/api/v1/users", json!({ "login": "otto", "password": common::PASSWORD, "roles": ["vendor_admin"], "org_id": other["id"] })).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, product) = admin.post("/api/v1/products", json!({ "vendor_org_id": vendor_org, "name": "Acme Chat", "platform": "android", "package_id": "com.acme.chat" })).await;
    assert_eq!(s, StatusCode::CREATED, "{product}");
    World {
        t,
        product_id: product["id"].as_i64().unwrap(),
        vendor_org,
    }
}

#[tokio::test]
async fn the_whole_loop() {
    let w = world().await;
    let t = &w.t;
    let mut rita = t.login("rita").await;
    let (s, receipt) = rita
        .post(
            "/api/v1/reports",
            json!({
                "product_id": w.product_id,
                "title": "Exported provider leaks chat history",
                "description": "The provider com.acme.chat.History is exported without permission; any app reads every message.",
                "steps": "Install a second app and query content://com.acme.chat.history/messages.",
                "case_type": "general",
                "affected_versions": "< 5.2.0",
                "cvss_vector": "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
                "poc": "adb shell content query --uri content://com.acme.chat.history/messages",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{receipt}");
    let id = receipt["case_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("APPVD-"));
    assert_eq!(receipt["tracking_code"].as_str().unwrap().len(), 20);
    assert!(
        receipt["received_at_beijing"]
            .as_str()
            .unwrap()
            .ends_with("(UTC+8)")
    );

    // Who can see the fresh case.
    let (s, mine) = rita.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["state"], "received");
    assert!(
        mine["reports"][0]["poc"].is_string(),
        "the reporter sees their own PoC"
    );
    let mut vic = t.login("vic").await;
    assert_eq!(
        vic.get(&format!("/api/v1/cases/{id}")).await.0,
        StatusCode::NOT_FOUND,
        "vendors learn of a case when notified"
    );
    let mut rob = t.login("rob").await;
    assert_eq!(
        rob.get(&format!("/api/v1/cases/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.client().get(&format!("/api/v1/cases/{id}")).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Triage and verification.
    let mut ana = t.login("ana").await;
    let (s, queue) = ana.get("/api/v1/cases?state=received").await;
    assert_eq!((s, queue["total"].as_u64()), (StatusCode::OK, Some(1)));
    let (s, r) = ana.action(&id, json!({ "action": "accept" })).await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("triage")),
        "{r}"
    );
    let (s, r) = ana.action(&id, json!({ "action": "verify" })).await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "REG-7.3"),
        "{r}"
    );
    assert!(r["error"]["message"].as_str().unwrap().contains("harm"));
    let (s, r) = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            Some(json!({
                "cwe": 926,
                "masvs": "MASVS-PLATFORM-1",
                "harm": "Any installed app reads private messages.",
                "scope": "All Android users of Acme Chat before 5.2.0.",
                "gbt_indicators": "GBT30279/AP:L/TR:L/PR:N/UI:N/C:S/I:N/A:N/EC:L/FD:L/SC:H",
                "cvss_v3": "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
            })),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["grade"].is_string());
    assert_eq!(r["missing_fields"], json!([]));
    let (s, r) = ana.action(&id, json!({ "action": "verify" })).await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("verified")),
        "{r}"
    );

    // REG-5.4: the contact is not verified yet.
    let (s, r) = ana.action(&id, json!({ "action": "notify_vendor" })).await;
    assert_eq!((s, rule(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "REG-5.4"));
    let mut root = t.login("root").await;
    let (s, _) = root
        .post(
            &format!("/api/v1/orgs/{}/contacts", w.vendor_org),
            json!({ "email": "psirt@acme.example", "verified": true }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, r) = ana.action(&id, json!({ "action": "notify_vendor" })).await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("vendor_notified")),
        "{r}"
    );
    assert!(
        r["case"]["deadlines"]["national_report"]["due_at"].is_string(),
        "the 48-hour clock runs"
    );

    // The vendor's side.
    let (s, seen) = vic.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        seen["reports"][0].get("poc").is_none(),
        "no PoC without the permission"
    );
    assert!(seen["reports"][0].get("tracking_code").is_none());
    let mut otto = t.login("otto").await;
    assert_eq!(
        otto.get(&format!("/api/v1/cases/{id}")).await.0,
        StatusCode::NOT_FOUND,
        "another vendor sees nothing"
    );
    let (s, r) = vic.action(&id, json!({ "action": "acknowledge" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = vic.action(&id, json!({ "action": "set_vendor_status", "status": "affected", "statement": "Confirmed; fixing." })).await;
    assert_eq!((s, r["state"].as_str()), (StatusCode::OK, Some("fixing")));

    // Publication is refused before a fix (REG-9.1).
    let (s, r) = ana
        .action(&id, json!({ "action": "request_publication" }))
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "REG-9.1"),
        "{r}"
    );

    let today = time::OffsetDateTime::now_utc().date().to_string();
    let (s, r) = vic.action(&id, json!({ "action": "record_national_report", "submitted_on": today, "reference": "NVDB-2026-0042" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["case"]["deadlines"]["national_report"]["status"], "met");
    let (s, r) = vic
        .action(&id, json!({ "action": "mark_fixed", "fixed_versions": "5.2.0", "released_on": today, "user_notice": "Update to 5.2.0 from the store." }))
        .await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("fixed")),
        "{r}"
    );
    let (s, r) = ana.action(&id, json!({ "action": "verify_fix", "evidence": "Re-tested 5.2.0: the provider is not exported." })).await;
    assert_eq!(s, StatusCode::OK, "{r}");

    // The advisory text may not repeat the PoC (REG-9.4), and needs remediation (REG-9.5).
    let (s, r) = ana
        .action(&id, json!({ "action": "request_publication" }))
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "REG-9.5"),
        "{r}"
    );
    let (s, _) = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/cases/{id}"),
            Some(json!({ "advisory_summary": "Run adb shell content query --uri content://com.acme.chat.history/messages", "remediation": "Upgrade to 5.2.0." })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, r) = ana
        .action(&id, json!({ "action": "request_publication" }))
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "REG-9.4"),
        "{r}"
    );
    let (s, _) = ana
        .send(Method::PATCH, &format!("/api/v1/cases/{id}"), Some(json!({ "advisory_summary": "Acme Chat before 5.2.0 lets other apps read chat history." })))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, r) = ana
        .action(&id, json!({ "action": "request_publication" }))
        .await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("publication_review")),
        "{r}"
    );

    // Two people (REG-11.5).
    let (s, r) = ana
        .action(&id, json!({ "action": "approve_publication" }))
        .await;
    assert_eq!((s, rule(&r)), (StatusCode::FORBIDDEN, "REG-11.5"));
    let mut ben = t.login("ben").await;
    let (s, r) = ben
        .action(&id, json!({ "action": "approve_publication" }))
        .await;
    assert_eq!(
        (s, r["state"].as_str()),
        (StatusCode::OK, Some("published")),
        "{r}"
    );

    // The public sees the advisory, without the PoC or the internal description.
    let mut anyone = t.client();
    let (s, a) = anyone.get(&format!("/api/v1/advisories/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let text = a.to_string();
    assert!(!text.contains("adb shell") && !text.contains("is exported without permission"));
    assert_eq!(a["fixed_versions"], "5.2.0");

    // Wrong state and unknown actions.
    let (s, r) = ana.action(&id, json!({ "action": "accept" })).await;
    assert_eq!((s, rule(&r)), (StatusCode::CONFLICT, "APPVD-LIFECYCLE"));
    let (s, r) = ana.action(&id, json!({ "action": "publish_now" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("publish_now")
    );

    // The timeline holds every step; the audit log holds the reads of unpublished material.
    let (_, c) = ana.get(&format!("/api/v1/cases/{id}")).await;
    let kinds: Vec<&str> = c["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"received"));
    assert!(kinds.contains(&"approve_publication"));
    let audits = t.store.audit_entries(Some(&id), 1000).await.unwrap();
    assert!(audits.iter().any(|a| a.action == "read_unpublished"));
    assert_eq!(t.store.verify_event_chain().await.unwrap(), Ok(kinds.len()));
}

#[tokio::test]
async fn messages_respect_their_audience() {
    let w = world().await;
    let t = &w.t;
    let mut rita = t.login("rita").await;
    let (_, receipt) = rita
        .post(
            "/api/v1/reports",
            json!({ "product_id": w.product_id, "title": "T", "description": "A description long enough.", "case_type": "general", "affected_versions": "1.0" }),
        )
        .await;
    let id = receipt["case_id"].as_str().unwrap().to_owned();
    let mut ana = t.login("ana").await;
    let (s, _) = ana
        .post(
            &format!("/api/v1/cases/{id}/messages"),
            json!({ "body": "internal note", "audience": "staff" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = ana
        .post(
            &format!("/api/v1/cases/{id}/messages"),
            json!({ "body": "Which build did you test?", "audience": "reporter" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, seen) = rita.get(&format!("/api/v1/cases/{id}/messages")).await;
    let bodies: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Which build did you test?"]);
    let (s, r) = rita
        .post(
            &format!("/api/v1/cases/{id}/messages"),
            json!({ "body": "x", "audience": "staff" }),
        )
        .await;
    assert_eq!((s, rule(&r)), (StatusCode::FORBIDDEN, "APPVD-CASE-MEMBER"));
    let (s, _) = rita
        .post(
            &format!("/api/v1/cases/{id}/messages"),
            json!({ "body": "5.1.3 from the store" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

#[tokio::test]
async fn attachments_are_restricted_and_audited() {
    let w = world().await;
    let t = &w.t;
    let mut rita = t.login("rita").await;
    let (_, receipt) = rita
        .post(
            "/api/v1/reports",
            json!({ "product_id": w.product_id, "title": "T", "description": "A description long enough.", "case_type": "general", "affected_versions": "1.0" }),
        )
        .await;
    let id = receipt["case_id"].as_str().unwrap().to_owned();
    let boundary = "XBOUNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../poc.py\"\r\nContent-Type: text/x-python\r\n\r\nprint('poc')\r\n--{boundary}--\r\n"
    );
    let req = rita
        .request(Method::POST, &format!("/api/v1/cases/{id}/attachments"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let (s, _, bytes) = rita.raw(req).await;
    let att: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(s, StatusCode::CREATED, "{att}");
    assert_eq!(att["file_name"], "poc.py", "paths are stripped");
    let aid = att["id"].as_i64().unwrap();
    let (s, _) = rita
        .get(&format!("/api/v1/cases/{id}/attachments/{aid}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut ana = t.login("ana").await;
    let (s, r) = ana
        .get(&format!("/api/v1/cases/{id}/attachments/{aid}"))
        .await;
    assert_eq!(
        (s, rule(&r)),
        (StatusCode::FORBIDDEN, "REG-11.1"),
        "analysts need the PoC permission"
    );
    let audits = t.store.audit_entries(Some(&id), 100).await.unwrap();
    assert!(audits.iter().any(|a| a.action == "read_attachment"));
}
