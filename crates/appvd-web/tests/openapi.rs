//! The API contract: the OpenAPI document is a snapshot, every `$ref` in it resolves, and every
//! documented operation is routed (no 404/405 from the router for a documented path and method).

mod common;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::Value;

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r);
            }
            map.values().for_each(|x| refs(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_served_and_unchanged() {
    let t = TestApp::new().await;
    let mut c = t.client();
    let (status, doc) = c.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} does not resolve"
        );
    }
    let mut doc = doc;
    doc["info"]["version"] = Value::String("[version]".into());
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let t = TestApp::new().await;
    let doc = appvd_web::api::openapi::document();
    let mut c = t.client();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let concrete = path
                .replace("{case_id}", "APPVD-2026-00001")
                .replace("{attachment_id}", "1")
                .replace("{id}", "1");
            let req = c
                .request(
                    method.to_uppercase().parse::<Method>().unwrap(),
                    &format!("/api/v1{concrete}"),
                )
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let (status, _, body) = c.raw(req).await;
            let text = String::from_utf8_lossy(&body);
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            let router_404 = status == StatusCode::NOT_FOUND && !text.contains("\"rule\"");
            assert!(!router_404, "{method} {path} is documented but not routed");
        }
    }
}
