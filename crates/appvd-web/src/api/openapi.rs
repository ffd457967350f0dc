//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json` and kept under a snapshot
//! test, so every change of the contract shows up in review. The action schemas are generated from
//! the domain's transition table and action inputs; the rest is written here, next to the routes.

use appvd_domain::case::CaseState;
use appvd_domain::lifecycle::{self, InputKind, Party};
use serde_json::{Map, Value, json};

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn operation(
    summary: &str,
    description: &str,
    security: bool,
    request: Option<Value>,
    responses: &[(&str, Value)],
) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), json!(summary));
    op.insert("description".into(), json!(description));
    if let Some(r) = request {
        op.insert("requestBody".into(), r);
    }
    let mut resp = Map::new();
    for (code, v) in responses {
        resp.insert((*code).into(), v.clone());
    }
    if security {
        resp.entry("401").or_insert_with(|| {
            error_response("Not logged in, or the token is unknown, expired or revoked.")
        });
        resp.entry("403").or_insert_with(|| error_response("The caller's role does not allow this, the CSRF check failed, or staff have not given their second factor (`REG-11.2`)."));
        op.insert(
            "security".into(),
            json!([{ "session": [], "csrf": [] }, { "bearer": [] }]),
        );
    } else {
        op.insert("security".into(), json!([]));
    }
    op.insert("responses".into(), Value::Object(resp));
    Value::Object(op)
}

fn path_param(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description, "schema": { "type": "string" } })
}

fn case_id_param() -> Value {
    path_param("case_id", "A case id such as `APPVD-2026-00042`.")
}

fn action_schemas() -> Vec<Value> {
    lifecycle::TRANSITIONS
        .iter()
        .map(|rule| {
            let mut properties = Map::new();
            properties.insert("action".into(), json!({ "const": rule.action.as_str() }));
            let mut required = vec![json!("action")];
            for input in lifecycle::inputs(rule.action) {
                let schema = match input.kind {
                    InputKind::Line | InputKind::Text => json!({ "type": "string", "minLength": 1 }),
                    InputKind::Date => json!({ "type": "string", "format": "date" }),
                    InputKind::CaseId => json!({ "type": "string", "pattern": "^[A-Z][A-Z0-9]{1,15}-[0-9]{4}-[0-9]{5,8}$" }),
                    InputKind::VendorStatus => json!({ "enum": ["affected", "not_affected", "under_investigation"] }),
                };
                properties.insert(input.name.into(), schema);
                if input.required {
                    required.push(json!(input.name));
                }
            }
            let from: Vec<&str> = rule.from.iter().map(|s| s.as_str()).collect();
            let who = match rule.party {
                Party::Analyst => "analysts",
                Party::Staff => "analysts or administrators",
                Party::VendorOrAnalyst => "members of the case's vendor, or analysts acting for them",
                Party::Reporter => "the case's reporter",
            };
            let to = rule.to.map(|s| s.as_str()).unwrap_or("unchanged (see the domain rules)");
            json!({
                "title": rule.action.as_str(),
                "description": format!("From {}; to {to}; taken by {who}.", from.join(", ")),
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": false,
            })
        })
        .collect()
}

/// The whole document.
pub fn document() -> Value {
    let states: Vec<&str> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
    let platforms = [
        "android",
        "ios",
        "harmonyos",
        "mini_program",
        "official_account",
        "h5",
        "sdk",
    ];
    let grades = ["critical", "high", "medium", "low"];
    let paths = json!({
        "/advisories": { "get": {
            "summary": "List published advisories",
            "description": "Newest first, or by relevance when `q` is given. Only published (and withdrawn) advisories exist here.",
            "security": [],
            "parameters": [
                { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 256 }, "description": "Search words; Chinese and English. Quotes group a phrase; the last word matches as a prefix." },
                { "name": "grade", "in": "query", "schema": { "enum": grades } },
                { "name": "platform", "in": "query", "schema": { "enum": platforms } },
                { "name": "modified_since", "in": "query", "schema": { "type": "string", "format": "date-time" }, "description": "Incremental sync: only advisories changed at or after this time." },
                { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1 } },
                { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
            ],
            "responses": { "200": ok("A page of advisories.", reference("AdvisoryList")), "400": error_response("A parameter is malformed (`APPVD-INPUT`).") }
        }},
        "/advisories/{case_id}": { "get": {
            "summary": "One published advisory",
            "description": "Unpublished and unknown ids answer the same 404.",
            "security": [],
            "parameters": [case_id_param()],
            "responses": { "200": ok("The advisory.", reference("Advisory")), "400": error_response("Not a case id."), "404": error_response("No published advisory has this id.") }
        }},
        "/session": {
            "post": operation("Log in", "Checks the password (and the TOTP code when the account has a second factor) and sets the `appvd_session` cookie (HttpOnly, SameSite=Lax). Every login issues a new session id. Rate-limited per account and per address.", false,
                Some(body(reference("LoginRequest"))),
                &[("200", ok("The account; `csrf_token` goes into `X-CSRF-Token` of later state-changing calls.", reference("Me"))), ("401", error_response("Wrong login, password or code (`APPVD-AUTH`, `APPVD-MFA`).")), ("429", error_response("Too many attempts (`APPVD-RATE-LIMIT`)."))]),
            "delete": operation("Log out", "Ends the session server-side.", false, None, &[("204", json!({ "description": "Logged out." }))])
        },
        "/register": { "post": operation("Register as a reporter", "Creates a reporter account after the terms are accepted (REG-9.9) and logs it in.", false,
            Some(body(reference("RegisterRequest"))),
            &[("201", ok("The new account.", reference("Me"))), ("409", error_response("The login is taken.")), ("422", error_response("Invalid input or terms not accepted.")), ("429", error_response("Too many registrations from this address."))]) },
        "/me": { "get": operation("The caller's account", "Also answers to staff who have not yet given their second factor.", true, None, &[("200", ok("The account.", reference("Me")))]) },
        "/me/mfa": { "post": operation("Start enrolling a TOTP second factor", "Returns a new secret, pending until confirmed. Browser sessions only.", true, None,
            &[("200", ok("The secret and its otpauth URI.", json!({ "type": "object", "properties": { "secret": { "type": "string" }, "otpauth_uri": { "type": "string" } } }))), ("409", error_response("A factor is already enabled."))]) },
        "/me/mfa/confirm": { "post": operation("Confirm the second factor", "Enables it and counts it as given for this session.", true,
            Some(body(json!({ "type": "object", "properties": { "code": { "type": "string", "pattern": "^[0-9]{6}$" } }, "required": ["code"] }))),
            &[("200", ok("The account.", reference("Me"))), ("422", error_response("Wrong or expired code (`APPVD-MFA`)."))]) },
        "/tokens": {
            "post": operation("Create an API token", "From a logged-in browser session. The token is shown once; only its hash is kept. Use it as `Authorization: Bearer <token>`.", true,
                Some(json!({ "required": false, "content": { "application/json": { "schema": { "type": "object", "properties": { "name": { "type": "string" }, "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 366 } } } } } })),
                &[("201", ok("The token.", json!({ "type": "object", "properties": { "id": { "type": "integer" }, "token": { "type": "string" } }, "required": ["id", "token"] })))]),
            "get": operation("List the caller's tokens", "Never the tokens themselves.", true, None, &[("200", ok("Tokens.", json!({ "type": "array", "items": reference("TokenInfo") })))])
        },
        "/tokens/{id}": { "delete": operation("Revoke a token", "Only the owner's tokens.", true, None, &[("204", json!({ "description": "Revoked." })), ("404", error_response("No such active token."))]) },
        "/orgs": {
            "post": operation("Create an organisation (admin)", "", true, Some(body(reference("OrgRequest"))), &[("201", ok("The organisation.", reference("Organisation"))), ("409", error_response("The name is taken."))]),
            "get": operation("List organisations (staff)", "", true, None, &[("200", ok("Organisations.", json!({ "type": "array", "items": reference("Organisation") })))])
        },
        "/orgs/{id}/contacts": { "post": operation("Add or (un)verify a security contact (admin)", "REG-5.4: vendors are notified only through a verified contact.", true,
            Some(body(json!({ "type": "object", "properties": { "email": { "type": "string" }, "verified": { "type": "boolean" } }, "required": ["email"] }))),
            &[("200", ok("The organisation.", reference("Organisation")))]) },
        "/users": {
            "post": operation("Create a user (admin)", "", true, Some(body(reference("UserRequest"))), &[("201", ok("The user.", reference("User"))), ("409", error_response("The login is taken."))]),
            "get": operation("List users (admin)", "", true, None, &[("200", ok("Users.", json!({ "type": "array", "items": reference("User") })))])
        },
        "/users/{id}": { "patch": operation("Disable, grant PoC access, reset the second factor (admin)", "Disabling and resetting end the user's sessions.", true,
            Some(body(json!({ "type": "object", "properties": { "disabled": { "type": "boolean" }, "poc_access": { "type": "boolean" }, "reset_mfa": { "type": "boolean" } } }))),
            &[("200", ok("The user.", reference("User")))]) },
        "/products": {
            "post": operation("Register a product (admin or analyst)", "", true, Some(body(reference("ProductRequest"))), &[("201", ok("The product.", reference("Product"))), ("409", error_response("The platform and package id are taken."))]),
            "get": operation("List products", "Any logged-in user (reporters pick one).", true, None, &[("200", ok("Products.", json!({ "type": "array", "items": reference("Product") })))])
        },
        "/products/{id}": { "get": operation("One product", "", true, None, &[("200", ok("The product.", reference("Product")))]) },
        "/reports": { "post": operation("Submit a report (reporter)", "Stores the report, opens a case, writes the receipt-log entry (REG-5.1) and the first case event in one transaction, and answers with the receipt (REG-5.5). Rate-limited per reporter.", true,
            Some(body(reference("ReportRequest"))),
            &[("201", ok("The receipt.", reference("Receipt"))), ("422", error_response("Invalid input: the field is named in the message.")), ("429", error_response("Too many reports this hour."))]) },
        "/cases": { "get": operation("List the caller's cases", "Staff: the queue (filters `state`, `assigned=me`, search `q`); vendors: their notified cases; reporters: their reports.", true, None,
            &[("200", ok("A page of cases.", reference("CaseList")))]) },
        "/cases/{case_id}": {
            "get": operation("A case as the caller may see it", "404 when the caller may not know it exists. Reads of unpublished cases are audited (REG-11.4). PoC material appears only for the reporter and members with the PoC permission.", true, None,
                &[("200", ok("The case.", reference("CaseView"))), ("404", error_response("No such case visible to you."))]),
            "patch": operation("Edit a case (staff)", "Classification, grading (the grade follows from the GB/T 30279 indicators), advisory text. Unknown fields are refused.", true,
                Some(body(reference("CaseEdit"))),
                &[("200", ok("The case.", reference("CaseView"))), ("409", error_response("The case is closed, or someone else changed it meanwhile.")), ("422", error_response("A field is invalid."))])
        },
        "/cases/{case_id}/actions": { "post": operation("Take an action", "A transition of the state machine. A refused action answers 409 (the action does not exist in this state, `APPVD-LIFECYCLE`), 422 (a gate: `REG-7.3`, `REG-9.1` … `REG-9.6`, …) or 403 (role or membership, `REG-11.5` for self-approval), each with `{error: {rule, message}}`.", true,
            Some(body(reference("Action"))),
            &[("200", ok("The new state, the transition and the case.", json!({ "type": "object", "properties": { "state": { "enum": states }, "transition": { "type": "object" }, "case": reference("CaseView") } }))),
              ("409", error_response("Wrong state, or the case changed meanwhile.")), ("422", error_response("A gate refused, or the input is invalid."))]) },
        "/cases/{case_id}/product": { "post": operation("Set the product a case is about (staff)", "Before the vendor is notified.", true,
            Some(body(json!({ "type": "object", "properties": { "product_id": { "type": "integer" } }, "required": ["product_id"] }))),
            &[("200", ok("The case.", reference("CaseView")))]) },
        "/cases/{case_id}/assignee": { "post": operation("Assign the case to an analyst (staff)", "`user_id` of an active analyst; the caller when absent. Recorded as an `assigned` event.", true,
            Some(body(json!({ "type": "object", "properties": { "user_id": { "type": ["integer", "null"] } } }))),
            &[("200", ok("The case.", reference("CaseView"))), ("422", error_response("The user is not an active analyst."))]) },
        "/cases/{case_id}/messages": {
            "get": operation("The case conversation", "Only the audiences the caller may read.", true, None, &[("200", ok("Messages.", json!({ "type": "array", "items": reference("Message") })))]),
            "post": operation("Write to the conversation", "`audience`: all, staff, vendor or reporter, as far as the caller may write to it.", true,
                Some(body(json!({ "type": "object", "properties": { "body": { "type": "string" }, "audience": { "enum": ["all", "staff", "vendor", "reporter"] } }, "required": ["body"] }))),
                &[("201", ok("Messages.", json!({ "type": "array", "items": reference("Message") })))])
        },
        "/cases/{case_id}/duplicates": { "get": operation("Duplicate candidates (staff)", "Same product, same weakness, similar text; scored.", true, None,
            &[("200", ok("Candidates.", json!({ "type": "array", "items": { "type": "object" } })))]) },
        "/cases/{case_id}/attachments": { "post": operation("Attach PoC material", "multipart/form-data with a `file` field; size-limited; stored by content hash; the reporter and staff only.", true,
            Some(json!({ "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "file": { "type": "string", "format": "binary" } }, "required": ["file"] } } } })),
            &[("201", ok("The attachment.", json!({ "type": "object" }))), ("413", error_response("Too large (`APPVD-TOO-LARGE`)."))]) },
        "/cases/{case_id}/attachments/{attachment_id}": { "get": operation("Download an attachment", "Members with the PoC permission (and the reporter); audited.", true, None,
            &[("200", json!({ "description": "The file.", "content": { "application/octet-stream": {} } }))]) },
        "/cvss": { "get": {
            "summary": "Score a CVSS vector",
            "description": "The calculator behind the report form's live score: CVSS 3.0, 3.1 or 4.0; stores nothing.",
            "security": [],
            "parameters": [{ "name": "vector", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 512 } }],
            "responses": {
                "200": ok("Version, canonical vector, score and severity.", json!({ "type": "object", "properties": { "version": { "type": "string" }, "vector": { "type": "string" }, "score": { "type": "number" }, "severity": { "enum": ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"] }, "base_score": { "type": "number" } } })),
                "422": error_response("The vector is invalid; the message names the problem.")
            }
        }},
        "/openapi.json": { "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI 3.1" } } } }
    });
    let mut paths = paths;
    if let Some(obj) = paths.as_object_mut() {
        for (path, item) in obj.iter_mut() {
            if path.contains("{case_id}")
                && let Some(item) = item.as_object_mut()
            {
                item.insert("parameters".into(), json!([case_id_param()]));
            }
            if (path.starts_with("/orgs/{id}")
                || path.starts_with("/users/{id}")
                || path.starts_with("/products/{id}")
                || path.starts_with("/tokens/{id}"))
                && let Some(item) = item.as_object_mut()
            {
                item.insert("parameters".into(), json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }]));
            }
            if path.contains("{attachment_id}")
                && let Some(item) = item.as_object_mut()
            {
                item.insert("parameters".into(), json!([case_id_param(), { "name": "attachment_id", "in": "path", "required": true, "schema": { "type": "integer" } }]));
            }
        }
    }
    let string = || json!({ "type": "string" });
    let nullable = |t: &str| json!({ "type": [t, "null"] });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "appvd API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of appvd, a platform for mobile-app security vulnerabilities. Errors are `{\"error\": {\"rule\", \"message\"}}`; `rule` names the refusing rule (`REG-…` ids trace to the Regulations on the Management of Network Product Security Vulnerabilities, `APPVD-…` ids are the platform's own)."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "appvd_session" },
                "csrf": { "type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "Required with the session cookie on state-changing requests." },
                "bearer": { "type": "http", "scheme": "bearer" }
            },
            "schemas": {
                "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": { "rule": string(), "message": string() }, "required": ["rule", "message"] } }, "required": ["error"] },
                "Advisory": { "type": "object", "properties": {
                    "id": string(), "case_type": { "enum": ["general", "event"] }, "title": string(), "summary": nullable("string"),
                    "product": { "type": ["object", "null"], "properties": { "name": string(), "vendor": string(), "platform": { "enum": platforms }, "package_id": string() } },
                    "affected_versions": nullable("string"), "fixed_versions": nullable("string"), "fix_released_on": { "type": ["string", "null"], "format": "date" },
                    "remediation": nullable("string"), "user_notice": nullable("string"), "grade": { "enum": ["critical", "high", "medium", "low", null] },
                    "cvss_v3": nullable("string"), "cvss_v4": nullable("string"), "cwe": nullable("integer"), "gbt_category": nullable("string"),
                    "aliases": { "type": "array", "items": string() }, "published_at": { "type": "string", "format": "date-time" },
                    "updated_at": { "type": "string", "format": "date-time" }, "withdrawn": { "type": "boolean" }, "withdrawal_reason": nullable("string")
                }, "required": ["id", "case_type", "title", "published_at", "updated_at", "withdrawn"] },
                "AdvisoryList": { "type": "object", "properties": { "items": { "type": "array", "items": reference("Advisory") }, "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" } }, "required": ["items", "total", "page", "per_page"] },
                "LoginRequest": { "type": "object", "properties": { "login": string(), "password": string(), "totp": nullable("string") }, "required": ["login", "password"], "additionalProperties": false },
                "RegisterRequest": { "type": "object", "properties": { "login": string(), "password": { "type": "string", "minLength": 12 }, "display_name": nullable("string"), "jurisdiction": { "enum": ["domestic", "overseas"] }, "accept_terms": { "const": true } }, "required": ["login", "password", "jurisdiction", "accept_terms"], "additionalProperties": false },
                "Me": { "type": "object", "properties": { "id": { "type": "integer" }, "login": string(), "display_name": string(), "roles": { "type": "array", "items": { "enum": ["reporter", "analyst", "vendor_member", "vendor_admin", "admin"] } }, "org_id": nullable("integer"), "jurisdiction": { "enum": ["domestic", "overseas"] }, "mfa_enabled": { "type": "boolean" }, "mfa_required": { "type": "boolean" }, "poc_access": { "type": "boolean" }, "csrf_token": string() } },
                "TokenInfo": { "type": "object", "properties": { "id": { "type": "integer" }, "name": string(), "created_at": string(), "last_used_at": nullable("string"), "expires_at": nullable("string"), "revoked": { "type": "boolean" } } },
                "OrgRequest": { "type": "object", "properties": { "name": string(), "kind": { "enum": ["vendor", "operator", "support_unit", "coordinator"] }, "jurisdiction": { "enum": ["domestic", "overseas"] }, "security_contact": nullable("string") }, "required": ["name", "kind", "jurisdiction"], "additionalProperties": false },
                "Organisation": { "type": "object", "properties": { "id": { "type": "integer" }, "name": string(), "kind": string(), "jurisdiction": string(), "security_contacts": { "type": "array", "items": { "type": "object", "properties": { "email": string(), "verified": { "type": "boolean" } } } } } },
                "UserRequest": { "type": "object", "properties": { "login": string(), "password": { "type": "string", "minLength": 12 }, "roles": { "type": "array", "items": { "enum": ["reporter", "analyst", "vendor_member", "vendor_admin", "admin"] } }, "org_id": nullable("integer"), "display_name": nullable("string"), "jurisdiction": { "enum": ["domestic", "overseas", null] }, "poc_access": { "type": "boolean" } }, "required": ["login", "password", "roles"], "additionalProperties": false },
                "User": { "type": "object", "properties": { "id": { "type": "integer" }, "login": string(), "display_name": string(), "roles": { "type": "array", "items": string() }, "org_id": nullable("integer"), "jurisdiction": string(), "mfa_enabled": { "type": "boolean" }, "poc_access": { "type": "boolean" }, "disabled": { "type": "boolean" } } },
                "ProductRequest": { "type": "object", "properties": { "vendor_org_id": { "type": "integer" }, "name": string(), "platform": { "enum": platforms }, "package_id": string(), "store_url": nullable("string"), "signing_cert_sha256": nullable("string") }, "required": ["vendor_org_id", "name", "platform", "package_id"], "additionalProperties": false },
                "Product": { "type": "object", "properties": { "id": { "type": "integer" }, "vendor_org": { "type": "integer" }, "name": string(), "platform": { "enum": platforms }, "package_id": string(), "store_url": nullable("string"), "signing_cert_sha256": nullable("string") } },
                "ReportRequest": { "type": "object", "properties": { "product_id": { "type": "integer" }, "title": { "type": "string", "maxLength": 200 }, "description": { "type": "string", "maxLength": 50000 }, "steps": nullable("string"), "case_type": { "enum": ["general", "event"] }, "affected_versions": string(), "cvss_vector": nullable("string"), "poc": nullable("string") }, "required": ["product_id", "title", "description", "case_type", "affected_versions"], "additionalProperties": false },
                "Receipt": { "type": "object", "properties": { "report_id": { "type": "integer" }, "case_id": string(), "tracking_code": string(), "received_at": { "type": "string", "format": "date-time" }, "received_at_beijing": string(), "receipt_seq": { "type": "integer" }, "content_sha256": string() }, "required": ["report_id", "case_id", "tracking_code", "received_at"] },
                "CaseList": { "type": "object", "properties": { "items": { "type": "array", "items": { "type": "object", "properties": { "id": string(), "title": string(), "state": { "enum": states }, "case_type": string(), "product": nullable("string"), "grade": nullable("string"), "updated_at": string() } } }, "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" } } },
                "CaseView": { "type": "object", "description": "The case record with the caller's membership, the actions open to the caller, deadlines (REG-7.1 national report, REG-8.1 fix), for staff the publication-gate verdict and the REG-7.3 fields still missing, the reports (PoC only with permission), attachments, timeline and conversation.", "properties": { "id": string(), "state": { "enum": states }, "allowed_actions": { "type": "array", "items": string() } } },
                "CaseEdit": { "type": "object", "additionalProperties": false, "properties": {
                    "title": string(), "description": string(), "case_type": { "enum": ["general", "event"] }, "affected_versions": string(), "harm": string(), "scope": string(),
                    "cwe": { "type": "integer", "description": "0 clears" }, "gbt_category": string(), "masvs": string(), "cvss_v3": string(), "cvss_v4": string(),
                    "gbt_indicators": { "type": "string", "description": "e.g. GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H" },
                    "advisory_summary": string(), "remediation": string(), "aliases": { "type": "array", "items": string() },
                    "mitigation": { "type": "object" }, "early_release": { "type": "object" }, "mps_consent": { "type": "object" } } },
                "Message": { "type": "object", "properties": { "id": { "type": "integer" }, "author": string(), "audience": { "enum": ["all", "staff", "vendor", "reporter"] }, "body": string(), "created_at": string() } },
                "Action": { "oneOf": action_schemas(), "discriminator": { "propertyName": "action" } }
            }
        }
    })
}
