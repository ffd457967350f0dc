//! A test application: a fresh SQLite store, the router without a socket, and a small client that
//! keeps a session cookie and its CSRF token like a browser would.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use appvd_domain::org::Jurisdiction;
use appvd_domain::policy::Policy;
use appvd_domain::user::{Role, Roles};
use appvd_store::{NewUser, Store};
use appvd_web::auth::totp;
use appvd_web::{AppState, WebConfig, router};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub const PASSWORD: &str = "a long test password";

pub struct TestApp {
    pub app: axum::Router,
    pub store: Store,
    pub dir: tempfile::TempDir,
    /// Second-factor secrets of the accounts that enrolled, by login.
    pub secrets: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(WebConfig {
            secure_cookies: false,
            ..WebConfig::default()
        })
        .await
    }

    pub async fn with_config(config: WebConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let state = AppState::load(store.clone(), Policy::default(), dir.path(), config)
            .await
            .unwrap();
        Self {
            app: router(state),
            store,
            dir,
            secrets: Default::default(),
        }
    }

    /// Creates a user directly in the store (the bootstrap administrator, or any fixture user).
    pub async fn user(
        &self,
        login: &str,
        roles: &[Role],
        org: Option<i64>,
        jurisdiction: Jurisdiction,
    ) -> i64 {
        let hash = appvd_web::auth::hash_password(PASSWORD).unwrap();
        let user = NewUser {
            login: login.into(),
            display_name: login.into(),
            password_hash: hash,
            roles: Roles::of(roles),
            org: org.map(appvd_domain::ids::OrgId),
            jurisdiction,
        };
        self.store
            .create_user(&user, time::OffsetDateTime::now_utc())
            .await
            .unwrap()
            .id
            .0
    }

    pub fn client(&self) -> Client {
        Client {
            app: self.app.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
            totp_secret: None,
        }
    }

    /// Logs in; staff accounts enrol and give a second factor on the way, as a browser would.
    pub async fn login(&self, login: &str) -> Client {
        let mut c = self.client();
        let known = self.secrets.lock().unwrap().get(login).cloned();
        let code = known
            .as_deref()
            .and_then(|s| totp::code_at(s, time::OffsetDateTime::now_utc().unix_timestamp()));
        let (status, body) = c
            .send(
                Method::POST,
                "/api/v1/session",
                Some(json!({ "login": login, "password": PASSWORD, "totp": code })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        if body["mfa_required"] == true {
            let (status, setup) = c.send(Method::POST, "/api/v1/me/mfa", None).await;
            assert_eq!(status, StatusCode::OK, "{setup}");
            let secret = setup["secret"].as_str().unwrap().to_owned();
            let code =
                totp::code_at(&secret, time::OffsetDateTime::now_utc().unix_timestamp()).unwrap();
            let (status, me) = c
                .send(
                    Method::POST,
                    "/api/v1/me/mfa/confirm",
                    Some(json!({ "code": code })),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{me}");
            self.secrets
                .lock()
                .unwrap()
                .insert(login.to_owned(), secret.clone());
            c.totp_secret = Some(secret);
        }
        c
    }
}

pub struct Client {
    pub app: axum::Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    pub totp_secret: Option<String>,
}

impl Client {
    pub async fn raw(
        &mut self,
        req: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        if let Some(set) = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            && let Some(value) = set.strip_prefix("appvd_session=")
        {
            let token = value.split(';').next().unwrap_or("");
            self.cookie = (!token.is_empty()).then(|| format!("appvd_session={token}"));
        }
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    pub fn request(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "appvd.test");
        if let Some(c) = &self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(t) = &self.csrf {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = &self.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {b}"));
        }
        req
    }

    /// Sends JSON (or nothing) and returns the status and the JSON answer (Null when not JSON).
    pub async fn send(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.request(method, uri);
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, bytes) = self.raw(req.body(body).unwrap()).await;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if let Some(t) = value.get("csrf_token").and_then(Value::as_str) {
            self.csrf = Some(t.to_owned());
        }
        (status, value)
    }

    pub async fn get(&mut self, uri: &str) -> (StatusCode, Value) {
        self.send(Method::GET, uri, None).await
    }

    pub async fn post(&mut self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, uri, Some(body)).await
    }

    pub async fn action(&mut self, case: &str, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/api/v1/cases/{case}/actions"), body)
            .await
    }
}

/// The rule id of an error answer.
pub fn rule(v: &Value) -> &str {
    v["error"]["rule"].as_str().unwrap_or("")
}

impl Client {
    /// GETs a page; returns the status, the Location header and the HTML. Picks up the page's CSRF
    /// token as a browser form would carry it.
    pub async fn page(&mut self, uri: &str) -> (StatusCode, Option<String>, String) {
        let req = self.request(Method::GET, uri).body(Body::empty()).unwrap();
        let (status, headers, body) = self.raw(req).await;
        let html = String::from_utf8(body).unwrap_or_default();
        if let Some(token) = csrf_in(&html) {
            self.csrf = Some(token);
        }
        (
            status,
            headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            html,
        )
    }

    /// POSTs a urlencoded form with the page's CSRF token, as a browser does (no header).
    pub async fn form(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let mut pairs: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        if let Some(t) = &self.csrf {
            pairs.push(format!("csrf_token={}", urlencode(t)));
        }
        let saved = self.csrf.take();
        let req = self
            .request(Method::POST, uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(pairs.join("&")))
            .unwrap();
        self.csrf = saved;
        let (status, headers, body) = self.raw(req).await;
        let html = String::from_utf8(body).unwrap_or_default();
        if let Some(token) = csrf_in(&html) {
            self.csrf = Some(token);
        }
        (
            status,
            headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            html,
        )
    }
}

fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned()).filter(|t| !t.is_empty())
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
