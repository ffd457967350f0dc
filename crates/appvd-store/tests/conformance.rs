//! The conformance suite: every scenario runs on SQLite, and on PostgreSQL when
//! `APPVD_TEST_DATABASE_URL` names a server (each test then gets its own schema, dropped afterwards).
//! Without that variable the PostgreSQL half prints that it was skipped and passes.

#![allow(clippy::print_stderr, reason = "a skipped backend says so on stderr")]

use appvd_domain::case::{Case, CaseOpening, CaseProduct, CaseState, CaseType, FixInfo};
use appvd_domain::grade::Grade;
use appvd_domain::hashchain::ChainBreak;
use appvd_domain::ids::{CaseId, CaseIdPrefix, OrgId, TrackingCode, UserId};
use appvd_domain::lifecycle::{self, Action, ActionContext};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind};
use appvd_domain::policy::Policy;
use appvd_domain::product::{NewProduct, Platform};
use appvd_domain::receipt::Channel;
use appvd_domain::report::NewReport;
use appvd_domain::user::{Actor, Role, Roles};
use appvd_store::{
    AdvisoryFilter, Audience, CaseFilter, NewAttachment, NewEvent, NewSession, NewUser, Store,
    StoreError, SubmittedReport,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-30 08:00 UTC);

/// A store for one test, and what must happen when the test ends.
struct TestDb {
    store: Store,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            store,
            _dir: Some(dir),
            pg: None,
        }
    }

    async fn postgres(test: &str) -> Option<Self> {
        let Ok(url) = std::env::var("APPVD_TEST_DATABASE_URL") else {
            eprintln!(
                "skipped: APPVD_TEST_DATABASE_URL is not set, so {test} did not run on PostgreSQL"
            );
            return None;
        };
        let schema = format!(
            "t_{}_{}_{}",
            test,
            std::process::id(),
            NOW.unix_timestamp_nanos() % 1_000_000 + i128::from(rand_suffix())
        );
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("connect to APPVD_TEST_DATABASE_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let store = Store::connect_with_schema(&url, Some(&schema))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        Some(Self {
            store,
            _dir: None,
            pg: Some((url, schema)),
        })
    }

    async fn finish(self) {
        self.store.close().await;
        if let Some((url, schema)) = self.pg {
            let admin = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA \"{schema}\" CASCADE"
            )))
            .execute(&admin)
            .await
            .unwrap();
            admin.close().await;
        }
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

/// Declares a scenario `async fn $name(store: &Store)` and runs it on both backends.
macro_rules! conformance {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let db = super::TestDb::sqlite().await;
                super::$name(&db.store).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = super::TestDb::postgres(stringify!($name)).await {
                    super::$name(&db.store).await;
                    db.finish().await;
                }
            }
        }
    };
}

struct World {
    vendor: OrgId,
    reporter: UserId,
    product: CaseProduct,
}

async fn world(store: &Store) -> World {
    let org = NewOrganisation {
        name: "Acme Mobile".into(),
        kind: OrgKind::Vendor,
        jurisdiction: Jurisdiction::Domestic,
        security_contact: Some("psirt@acme.example".into()),
    }
    .validate()
    .unwrap();
    let vendor = store.create_org(&org, NOW).await.unwrap();
    let reporter = store
        .create_user(
            &NewUser {
                login: "alice".into(),
                display_name: "Alice".into(),
                password_hash: "$argon2id$placeholder".into(),
                roles: Roles::of(&[Role::Reporter]),
                org: None,
                jurisdiction: Jurisdiction::Domestic,
            },
            NOW,
        )
        .await
        .unwrap();
    let product = NewProduct {
        vendor_org: vendor.id,
        name: "Acme Chat".into(),
        platform: Platform::Android,
        package_id: "com.acme.chat".into(),
        store_url: None,
        signing_cert_sha256: None,
    }
    .validate()
    .unwrap();
    let product = store.create_product(&product, NOW).await.unwrap();
    World {
        vendor: vendor.id,
        reporter: reporter.id,
        product: CaseProduct {
            product: product.id,
            vendor_org: vendor.id,
            vendor_name: vendor.name,
            vendor_jurisdiction: vendor.jurisdiction,
            name: product.name,
            platform: product.platform,
            package_id: product.package_id,
        },
    }
}

fn report(title: &str) -> appvd_domain::report::ValidReport {
    NewReport {
        product: appvd_domain::ids::ProductId(1),
        title: title.into(),
        description:
            "The exported provider com.acme.chat.History returns every message to any caller."
                .into(),
        steps: Some("Install, then query the provider.".into()),
        affected_versions: "< 5.2.0".into(),
        case_type: CaseType::General,
        cvss_vector: None,
        poc: Some("adb shell content query --uri content://com.acme.chat.history/messages".into()),
        channel: Channel::Web,
    }
    .validate()
    .unwrap()
}

async fn submit(
    store: &Store,
    w: &World,
    title: &str,
    at: OffsetDateTime,
) -> appvd_store::Submission {
    let report = report(title);
    let prefix = CaseIdPrefix::default();
    store
        .submit_report(SubmittedReport {
            report: &report,
            product: Some(w.product.clone()),
            reporter: Some(w.reporter),
            tracking_code: TrackingCode::from_random(rand_bytes()),
            received_at: at,
            prefix: &prefix,
        })
        .await
        .unwrap()
}

fn rand_bytes() -> [u8; 13] {
    let n = rand_suffix().to_be_bytes();
    let c = COUNTER
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .to_be_bytes();
    [
        n[0], n[1], n[2], n[3], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], 7,
    ]
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn published(id: u32, title: &str, summary: &str, platform: Platform, grade: Grade) -> Case {
    let mut c = Case::open(
        CaseOpening {
            id: CaseId::new(CaseIdPrefix::default(), 2025, id).unwrap(),
            case_type: CaseType::General,
            title: title.into(),
            description: format!("internal-only description number {id} with secretword"),
            affected_versions: "< 2.0".into(),
            product: Some(CaseProduct {
                product: appvd_domain::ids::ProductId(1),
                vendor_org: OrgId(1),
                vendor_name: "Acme Mobile".into(),
                vendor_jurisdiction: Jurisdiction::Domestic,
                name: "Acme Chat".into(),
                platform,
                package_id: "com.acme.chat".into(),
            }),
            reporter: None,
        },
        NOW - Duration::days(i64::from(id)),
    );
    c.state = CaseState::Published;
    c.grade = Some(grade);
    c.advisory_summary = Some(summary.into());
    c.remediation = Some("Upgrade to 2.0.".into());
    c.fix = Some(FixInfo {
        fixed_versions: "2.0".into(),
        released_on: time::macros::date!(2025 - 06 - 01),
        user_notice: "Update.".into(),
    });
    c.published_at = Some(NOW - Duration::days(i64::from(id)));
    c.updated_at = NOW - Duration::days(i64::from(id));
    c
}

async fn migrations_are_idempotent(store: &Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
}
conformance!(migrations_are_idempotent);

async fn orgs_users_and_products(store: &Store) {
    let w = world(store).await;
    let org = store.org(w.vendor).await.unwrap();
    assert_eq!(org.kind, OrgKind::Vendor);
    assert!(!org.has_verified_contact());
    store
        .set_security_contact(w.vendor, "psirt@acme.example", true, NOW)
        .await
        .unwrap();
    assert!(store.org(w.vendor).await.unwrap().has_verified_contact());
    assert!(matches!(
        store
            .set_security_contact(OrgId(999), "a@b.cn", true, NOW)
            .await,
        Err(StoreError::NotFound { .. })
    ));

    let dup = NewOrganisation {
        name: "Acme Mobile".into(),
        kind: OrgKind::Operator,
        jurisdiction: Jurisdiction::Overseas,
        security_contact: None,
    };
    match store.create_org(&dup, NOW).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("Acme Mobile")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let user = store.user_by_login("alice").await.unwrap().unwrap();
    assert_eq!(user.roles, Roles::of(&[Role::Reporter]));
    assert_eq!(user.created_at, NOW);
    assert!(store.user_by_login("nobody").await.unwrap().is_none());
    let again = NewUser {
        login: "alice".into(),
        display_name: "Another".into(),
        password_hash: "x".into(),
        roles: Roles::of(&[Role::Analyst]),
        org: None,
        jurisdiction: Jurisdiction::Domestic,
    };
    assert!(matches!(
        store.create_user(&again, NOW).await,
        Err(StoreError::Conflict(_))
    ));
    let orphan = NewUser {
        login: "bob".into(),
        org: Some(OrgId(999)),
        ..again
    };
    assert!(matches!(
        store.create_user(&orphan, NOW).await,
        Err(StoreError::NotFound { .. })
    ));

    let p = store
        .product_by_package(Platform::Android, "com.acme.chat")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.product(p.id).await.unwrap(), p);
    let same = NewProduct {
        vendor_org: w.vendor,
        name: "Again".into(),
        platform: Platform::Android,
        package_id: "com.acme.chat".into(),
        store_url: None,
        signing_cert_sha256: None,
    }
    .validate()
    .unwrap();
    assert!(matches!(
        store.create_product(&same, NOW).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.list_orgs().await.unwrap().len(), 1);
}
conformance!(orgs_users_and_products);

async fn submission_writes_case_report_receipt_and_event(store: &Store) {
    let w = world(store).await;
    let first = submit(store, &w, "Exported provider leaks chat history", NOW).await;
    let second = submit(
        store,
        &w,
        "WebView loads any URL",
        NOW + Duration::seconds(1),
    )
    .await;
    assert_eq!(first.case.case.id.to_string(), "APPVD-2026-00001");
    assert_eq!(second.case.case.id.to_string(), "APPVD-2026-00002");
    assert_eq!(first.received_at, NOW);
    assert_eq!(first.case.case.state, CaseState::Received);

    let stored = store.case(&first.case.case.id).await.unwrap().unwrap();
    assert_eq!(stored, first.case);
    let receipts = store.receipts(10).await.unwrap();
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[1], first.receipt);
    assert_eq!(receipts[1].content_sha256.len(), 64);
    let events = store.case_events(&first.case.case.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].kind.as_str(), events[0].to_state.as_deref()),
        ("received", Some("received"))
    );
    assert_eq!(store.case_poc_texts(first.case.pk).await.unwrap().len(), 1);
    assert_eq!(store.verify_receipt_chain().await.unwrap(), Ok(2));
    assert_eq!(store.verify_event_chain().await.unwrap(), Ok(2));
    assert!(
        store
            .case(&"APPVD-2026-09999".parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );
}
conformance!(submission_writes_case_report_receipt_and_event);

async fn transitions_are_stored_with_their_events(store: &Store) {
    let w = world(store).await;
    let sub = submit(store, &w, "Exported provider leaks chat history", NOW).await;
    let staff = NewUser {
        login: "ana".into(),
        display_name: "Ana".into(),
        password_hash: "x".into(),
        roles: Roles::of(&[Role::Analyst]),
        org: None,
        jurisdiction: Jurisdiction::Domestic,
    };
    let staff = store.create_user(&staff, NOW).await.unwrap();
    let analyst = Actor {
        user: staff.id,
        roles: staff.roles,
        org: None,
        jurisdiction: Jurisdiction::Domestic,
    };
    let policy = Policy::default();
    let ctx = ActionContext {
        now: NOW + Duration::minutes(5),
        policy: &policy,
        vendor: None,
        poc_texts: &[],
    };
    let (accepted, t) = lifecycle::apply(&sub.case.case, &analyst, &Action::Accept, &ctx).unwrap();
    let event = NewEvent {
        at: ctx.now,
        actor: None,
        kind: t.action.as_str().into(),
        from_state: Some(t.from),
        to_state: Some(t.to),
        detail: "{}".into(),
    };
    let record = store
        .update_case(&sub.case, &accepted, &event)
        .await
        .unwrap();
    assert_eq!((record.version, record.case.state), (2, CaseState::Triage));
    assert_eq!(store.case(&accepted.id).await.unwrap().unwrap(), record);

    // A second writer holding the old version is refused, and nothing changes.
    let (rejected, _) = lifecycle::apply(
        &sub.case.case,
        &analyst,
        &Action::Reject {
            reason: "spam".into(),
        },
        &ctx,
    )
    .unwrap();
    match store.update_case(&sub.case, &rejected, &event).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("APPVD-2026-00001")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        store.case(&accepted.id).await.unwrap().unwrap().case.state,
        CaseState::Triage
    );
    let events = store.case_events(&accepted.id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["received", "accept"]
    );
    assert_eq!(store.verify_event_chain().await.unwrap(), Ok(2));
    let page = store
        .list_cases(
            &CaseFilter {
                state: Some(CaseState::Triage),
                ..CaseFilter::default()
            },
            1,
            10,
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
}
conformance!(transitions_are_stored_with_their_events);

async fn event_log_is_append_only_and_tamper_evident(store: &Store) {
    let w = world(store).await;
    let sub = submit(store, &w, "Exported provider leaks chat history", NOW).await;
    submit(store, &w, "Second", NOW).await;
    let update = raw(
        store,
        "UPDATE case_events SET detail = 'forged' WHERE seq = 1",
    )
    .await
    .unwrap_err();
    assert_eq!(update.refused_rule().as_deref(), Some("APPVD-EVENT-LOG"));
    let delete = raw(store, "DELETE FROM case_events WHERE seq = 1")
        .await
        .unwrap_err();
    assert_eq!(delete.refused_rule().as_deref(), Some("APPVD-EVENT-LOG"));
    assert_eq!(store.case_events(&sub.case.case.id).await.unwrap().len(), 1);

    // Someone with the database's owner rights switches the guard off and edits history: the
    // chain shows it.
    match store {
        Store::Sqlite(_) => raw(store, "DROP TRIGGER case_events_no_update")
            .await
            .unwrap(),
        Store::Postgres(_) => raw(
            store,
            "ALTER TABLE case_events DISABLE TRIGGER case_events_append_only",
        )
        .await
        .unwrap(),
    }
    raw(
        store,
        "UPDATE case_events SET detail = 'forged' WHERE seq = 1",
    )
    .await
    .unwrap();
    assert_eq!(
        store.verify_event_chain().await.unwrap(),
        Err(ChainBreak::Altered { seq: 1 })
    );
}
conformance!(event_log_is_append_only_and_tamper_evident);

async fn raw(store: &Store, sql: &'static str) -> Result<(), StoreError> {
    match store {
        Store::Sqlite(p) => sqlx::query(sql)
            .execute(p)
            .await
            .map(drop)
            .map_err(StoreError::from),
        Store::Postgres(p) => sqlx::query(sql)
            .execute(p)
            .await
            .map(drop)
            .map_err(StoreError::from),
    }
}

async fn receipts_are_kept_183_days(store: &Store) {
    let w = world(store).await;
    let real_now = OffsetDateTime::now_utc();
    let old = submit(store, &w, "Old report", real_now - Duration::days(200)).await;
    let young = submit(store, &w, "Young report", real_now - Duration::days(10)).await;
    let policy = Policy {
        receipt_retention_days: 183,
        ..Policy::default()
    };

    let refused = store
        .delete_receipt(young.receipt.seq, real_now, &policy)
        .await
        .unwrap_err();
    assert_eq!(refused.refused_rule().as_deref(), Some("REG-5.2"));
    // The database refuses a direct delete as well, whatever the application says.
    let direct = raw(store, "DELETE FROM receipts WHERE seq = 2")
        .await
        .unwrap_err();
    assert_eq!(direct.refused_rule().as_deref(), Some("REG-5.2"));
    let update = raw(store, "UPDATE receipts SET size = 0")
        .await
        .unwrap_err();
    assert_eq!(update.refused_rule().as_deref(), Some("REG-5.1"));

    // A longer configured retention holds even past the legal floor.
    let strict = Policy {
        receipt_retention_days: 365,
        ..Policy::default()
    };
    assert_eq!(
        store
            .delete_receipt(old.receipt.seq, real_now, &strict)
            .await
            .unwrap_err()
            .refused_rule()
            .as_deref(),
        Some("REG-5.2")
    );
    store
        .delete_receipt(old.receipt.seq, real_now, &policy)
        .await
        .unwrap();
    assert_eq!(store.receipts(10).await.unwrap().len(), 1);
    assert_eq!(
        store.verify_receipt_chain().await.unwrap(),
        Ok(1),
        "the chain verifies from the oldest remaining entry"
    );
    assert!(matches!(
        store.delete_receipt(99, real_now, &policy).await,
        Err(StoreError::NotFound { .. })
    ));
}
conformance!(receipts_are_kept_183_days);

async fn public_search_in_chinese_and_english(store: &Store) {
    let w = world(store).await;
    let mut cases = vec![
        published(
            1,
            "某银行App存在任意文件读取漏洞",
            "攻击者可利用导出的内容提供器读取用户聊天记录。",
            Platform::Android,
            Grade::High,
        ),
        published(
            2,
            "WebView remote code execution in Acme Browser",
            "A JavaScript interface lets any page run code.",
            Platform::Android,
            Grade::Critical,
        ),
        published(
            3,
            "iOS URL scheme hijacking",
            "Another app can intercept the login callback.",
            Platform::Ios,
            Grade::Medium,
        ),
    ];
    let mut unpublished = published(
        4,
        "未公开的漏洞利用链",
        "漏洞利用细节",
        Platform::Android,
        Grade::Critical,
    );
    unpublished.state = CaseState::FixVerified;
    unpublished.published_at = None;
    cases.push(unpublished);
    store.import_cases(&cases, None, NOW).await.unwrap();
    let _ = w;

    let ids = |page: appvd_store::Page<appvd_domain::advisory::Advisory>| {
        page.items
            .into_iter()
            .map(|a| a.id.sequence())
            .collect::<Vec<_>>()
    };
    let search = |q: &str| AdvisoryFilter {
        query: Some(q.into()),
        ..AdvisoryFilter::default()
    };

    assert_eq!(
        ids(store
            .advisories(&AdvisoryFilter::default(), 1, 10)
            .await
            .unwrap()),
        [1, 2, 3],
        "newest first"
    );
    assert_eq!(
        ids(store.advisories(&search("文件读取"), 1, 10).await.unwrap()),
        [1]
    );
    assert_eq!(
        ids(store.advisories(&search("聊天记录"), 1, 10).await.unwrap()),
        [1]
    );
    assert_eq!(
        ids(store.advisories(&search("读文件"), 1, 10).await.unwrap()),
        Vec::<u32>::new(),
        "phrases are adjacent bigrams"
    );
    assert_eq!(
        ids(store.advisories(&search("漏洞利用"), 1, 10).await.unwrap()),
        Vec::<u32>::new(),
        "unpublished text is not public"
    );
    assert_eq!(
        ids(store
            .advisories(&search("webview javascript"), 1, 10)
            .await
            .unwrap()),
        [2]
    );
    assert_eq!(
        ids(store.advisories(&search("javasc"), 1, 10).await.unwrap()),
        [2],
        "the last word matches as a prefix"
    );
    assert_eq!(
        ids(store
            .advisories(&search("secretword"), 1, 10)
            .await
            .unwrap()),
        Vec::<u32>::new(),
        "the internal description is not public"
    );
    assert_eq!(
        ids(store
            .advisories(&search("APPVD-2025-00003"), 1, 10)
            .await
            .unwrap()),
        [3]
    );

    let ios = AdvisoryFilter {
        platform: Some(Platform::Ios),
        ..AdvisoryFilter::default()
    };
    assert_eq!(ids(store.advisories(&ios, 1, 10).await.unwrap()), [3]);
    let critical = AdvisoryFilter {
        grade: Some(Grade::Critical),
        ..AdvisoryFilter::default()
    };
    assert_eq!(ids(store.advisories(&critical, 1, 10).await.unwrap()), [2]);
    let recent = AdvisoryFilter {
        modified_since: Some(NOW - Duration::days(2)),
        ..AdvisoryFilter::default()
    };
    assert_eq!(ids(store.advisories(&recent, 1, 10).await.unwrap()), [1, 2]);
    let page2 = store
        .advisories(&AdvisoryFilter::default(), 2, 2)
        .await
        .unwrap();
    assert_eq!(
        (page2.total, page2.items.len(), page2.items[0].id.sequence()),
        (3, 1, 3)
    );

    assert!(
        store
            .advisory(&"APPVD-2025-00004".parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .advisory(&"APPVD-2025-00001".parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .grade,
        Some(Grade::High)
    );

    // Staff search sees unpublished cases and internal text.
    let staff = store.search_cases("漏洞利用", 1, 10).await.unwrap();
    assert_eq!(
        staff
            .items
            .iter()
            .map(|r| r.case.id.sequence())
            .collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(
        store.search_cases("secretword", 1, 10).await.unwrap().total,
        4
    );
    assert_eq!(store.search_cases("  ", 1, 10).await.unwrap().total, 0);
    // Submissions continue after the imported ids of their year.
    assert_eq!(store.count_cases().await.unwrap(), 4);
}
conformance!(public_search_in_chinese_and_english);

async fn audit_log_and_settings(store: &Store) {
    store
        .audit(
            NOW,
            Some(UserId(3)),
            "read_unpublished",
            "APPVD-2026-00001",
            "{}",
        )
        .await
        .unwrap();
    store
        .audit(NOW, None, "export", "osv", "{\"count\":3}")
        .await
        .unwrap();
    let all = store.audit_entries(None, 10).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].action, "export");
    assert_eq!(
        store
            .audit_entries(Some("APPVD-2026-00001"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let refused = raw(store, "DELETE FROM audit_log").await.unwrap_err();
    assert_eq!(refused.refused_rule().as_deref(), Some("REG-11.4"));

    assert_eq!(store.setting("gbt_table").await.unwrap(), None);
    store.put_setting("gbt_table", "v1", NOW).await.unwrap();
    store.put_setting("gbt_table", "v2", NOW).await.unwrap();
    assert_eq!(
        store.setting("gbt_table").await.unwrap().as_deref(),
        Some("v2")
    );
}
conformance!(audit_log_and_settings);

async fn sessions_tokens_and_account_settings(store: &Store) {
    let w = world(store).await;
    let later = NOW + Duration::hours(1);
    store
        .create_session(&NewSession {
            token_hash: "hash-a",
            user: w.reporter,
            csrf_token: "csrf-a",
            mfa_passed: false,
            now: NOW,
            expires_at: NOW + Duration::hours(8),
            ip: Some("127.0.0.1"),
            user_agent: Some("test"),
        })
        .await
        .unwrap();
    let session = store.session("hash-a", later).await.unwrap().unwrap();
    assert_eq!(
        (
            session.user.id,
            session.csrf_token.as_str(),
            session.mfa_passed
        ),
        (w.reporter, "csrf-a", false)
    );
    assert!(
        store
            .session("hash-a", NOW + Duration::hours(9))
            .await
            .unwrap()
            .is_none(),
        "expired sessions are gone"
    );
    assert!(store.session("nope", later).await.unwrap().is_none());
    store.mark_session_mfa_passed("hash-a").await.unwrap();
    store
        .touch_session("hash-a", later, NOW + Duration::hours(20))
        .await
        .unwrap();
    let session = store
        .session("hash-a", NOW + Duration::hours(10))
        .await
        .unwrap()
        .unwrap();
    assert!(session.mfa_passed);

    store.set_user_disabled(w.reporter, true).await.unwrap();
    assert!(
        store.session("hash-a", later).await.unwrap().is_none(),
        "disabled users have no session"
    );
    store.set_user_disabled(w.reporter, false).await.unwrap();
    assert_eq!(store.delete_user_sessions(w.reporter).await.unwrap(), 1);
    assert!(store.session("hash-a", later).await.unwrap().is_none());

    let id = store
        .create_api_token(w.reporter, "ci", "token-hash", NOW, None)
        .await
        .unwrap();
    assert_eq!(
        store
            .user_by_api_token("token-hash", later)
            .await
            .unwrap()
            .unwrap()
            .id,
        w.reporter
    );
    let listed = store.api_tokens(w.reporter).await.unwrap();
    assert_eq!((listed.len(), listed[0].last_used_at), (1, Some(later)));
    assert!(
        !store
            .revoke_api_token(UserId(999), id, later)
            .await
            .unwrap(),
        "only the owner revokes"
    );
    assert!(store.revoke_api_token(w.reporter, id, later).await.unwrap());
    assert!(
        store
            .user_by_api_token("token-hash", later)
            .await
            .unwrap()
            .is_none()
    );
    store
        .create_api_token(
            w.reporter,
            "short",
            "short-hash",
            NOW,
            Some(NOW + Duration::minutes(1)),
        )
        .await
        .unwrap();
    assert!(
        store
            .user_by_api_token("short-hash", later)
            .await
            .unwrap()
            .is_none(),
        "expired tokens are refused"
    );

    store
        .set_mfa(w.reporter, Some("JBSWY3DPEHPK3PXP"), true)
        .await
        .unwrap();
    store.set_poc_access(w.reporter, true).await.unwrap();
    let user = store.user(w.reporter).await.unwrap();
    assert!(user.mfa_enabled && user.poc_access);
    assert_eq!(user.mfa_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));
    assert_eq!(store.list_users().await.unwrap().len(), 1);
}
conformance!(sessions_tokens_and_account_settings);

async fn messages_attachments_and_case_lists(store: &Store) {
    let w = world(store).await;
    let sub = submit(store, &w, "Exported provider leaks chat history", NOW).await;
    let pk = sub.case.pk;
    store
        .add_message(pk, w.reporter, Audience::All, "Which version?", NOW)
        .await
        .unwrap();
    store
        .add_message(pk, w.reporter, Audience::Staff, "internal note", NOW)
        .await
        .unwrap();
    let visible = store
        .messages(pk, &[Audience::All, Audience::Reporter])
        .await
        .unwrap();
    assert_eq!(
        visible.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["Which version?"]
    );
    assert_eq!(visible[0].author_name, "Alice");
    assert_eq!(
        store
            .messages(
                pk,
                &[
                    Audience::All,
                    Audience::Staff,
                    Audience::Vendor,
                    Audience::Reporter
                ]
            )
            .await
            .unwrap()
            .len(),
        2
    );

    let a = store
        .add_attachment(&NewAttachment {
            case_pk: pk,
            report_id: Some(sub.report_id.0),
            sha256: &"ab".repeat(32),
            file_name: "poc.py",
            content_type: "text/x-python",
            size: 120,
            uploaded_by: w.reporter,
            now: NOW,
        })
        .await
        .unwrap();
    assert_eq!(store.attachments(pk).await.unwrap(), vec![a.clone()]);
    assert_eq!(store.attachment(a.id).await.unwrap(), Some(a));
    assert_eq!(store.attachment(999).await.unwrap(), None);

    submit(store, &w, "Second", NOW).await;
    let mine = CaseFilter {
        reporter: Some(w.reporter),
        ..CaseFilter::default()
    };
    assert_eq!(store.list_cases(&mine, 1, 10).await.unwrap().total, 2);
    let vendor = CaseFilter {
        vendor_org: Some(w.vendor),
        state: Some(CaseState::Received),
        ..CaseFilter::default()
    };
    assert_eq!(store.list_cases(&vendor, 1, 10).await.unwrap().total, 2);
    let other = CaseFilter {
        vendor_org: Some(OrgId(999)),
        ..CaseFilter::default()
    };
    assert_eq!(store.list_cases(&other, 1, 10).await.unwrap().total, 0);
    let any_of = CaseFilter {
        states: Some(vec![CaseState::Triage, CaseState::Received]),
        ..CaseFilter::default()
    };
    assert_eq!(store.list_cases(&any_of, 1, 10).await.unwrap().total, 2);
    let none_of = CaseFilter {
        states: Some(vec![CaseState::Published]),
        ..CaseFilter::default()
    };
    assert_eq!(store.list_cases(&none_of, 1, 10).await.unwrap().total, 0);
}
conformance!(messages_attachments_and_case_lists);

/// The read paths rewritten for scale (one statement per filter combination, late row lookups,
/// totals taken from a short last page) return exactly what the single guarded statements they
/// replaced returned: same rows, same order, same totals, for every filter combination and page.
/// The replaced statements are kept here as the oracle.
async fn read_paths_match_the_guarded_statements(store: &Store) {
    let w = world(store).await;
    let platforms = [Platform::Android, Platform::Ios, Platform::MiniProgram];
    let grades = [Grade::Critical, Grade::High, Grade::Medium, Grade::Low];
    let words = ["webview", "provider", "intent"];
    let mut cases = Vec::new();
    for id in 1..=40_u32 {
        let n = id as usize;
        let title = format!(
            "{} 漏洞 in app {id}{}",
            words[n % 3],
            if n.is_multiple_of(4) {
                " 漏洞 webview"
            } else {
                ""
            }
        );
        let mut c = published(
            id,
            &title,
            &format!("{} summary {id}", words[(n + 1) % 3]),
            platforms[n % 3],
            grades[n % 4],
        );
        // Ties on the sort keys, so that the id tie-break is exercised.
        let day = i64::from(id / 3);
        c.published_at = Some(NOW - Duration::days(day));
        c.updated_at = NOW - Duration::days(i64::from(id % 7));
        match n % 5 {
            0 => {
                c.state = CaseState::Fixing;
                c.published_at = None;
            }
            1 => c.state = CaseState::Withdrawn,
            _ => {}
        }
        if n.is_multiple_of(6) {
            c.reporter = Some(w.reporter);
        }
        if n.is_multiple_of(7) {
            c.assignee = Some(w.reporter);
        }
        if n.is_multiple_of(9) {
            c.product = None;
        }
        cases.push(c);
    }
    // Public text (the state is public) without a publication date: never listed.
    let mut odd = published(
        41,
        "webview 漏洞 undated",
        "webview",
        Platform::Ios,
        Grade::High,
    );
    odd.published_at = None;
    cases.push(odd);
    store.import_cases(&cases, None, NOW).await.unwrap();

    let since_values = [None, Some(NOW - Duration::days(3))];
    // (query, FTS5 expression, tsquery) as the store renders them.
    let queries: [Option<(&str, &str, &str)>; 4] = [
        None,
        Some(("漏洞", "public : (\"漏洞\")", "'漏洞'")),
        Some(("webview", "public : (\"webview\"*)", "'webview':*")),
        Some((
            "webview 漏洞",
            "public : (\"webview\" AND \"漏洞\"*)",
            "'webview' & '漏洞':*",
        )),
    ];
    let mut checked = 0;
    for query in queries {
        for grade in std::iter::once(None).chain(grades.map(Some)) {
            for platform in std::iter::once(None).chain(platforms.map(Some)) {
                for since in since_values {
                    for (page, per_page) in [(1, 3), (2, 3), (4, 3), (1, 50), (30, 3)] {
                        let filter = AdvisoryFilter {
                            query: query.map(|q| q.0.to_owned()),
                            grade,
                            platform,
                            modified_since: since,
                        };
                        let got = store.advisories(&filter, page, per_page).await.unwrap();
                        let ids: Vec<String> = got.items.iter().map(|a| a.id.to_string()).collect();
                        let expected = old_advisories(
                            store,
                            query.map(|q| (q.1, q.2)),
                            grade.map(|g| g.id()),
                            platform.map(|p| p.as_str()),
                            since,
                            i64::from(per_page),
                            i64::from((page - 1) * per_page),
                        )
                        .await;
                        assert_eq!(
                            (ids, got.total),
                            expected,
                            "{filter:?} page {page} of {per_page}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 5 * 4 * 2 * 5);
    // The oracle is not vacuous: each kind of query finds several advisories.
    for q in ["漏洞", "webview", "webview 漏洞"] {
        let filter = AdvisoryFilter {
            query: Some(q.into()),
            ..AdvisoryFilter::default()
        };
        assert!(
            store.advisories(&filter, 1, 3).await.unwrap().total > 3,
            "{q}"
        );
    }
    assert_eq!(
        store
            .advisories(&AdvisoryFilter::default(), 1, 3)
            .await
            .unwrap()
            .total,
        32,
        "40 cases, 8 unpublished, the undated one never listed"
    );

    // The totals follow later changes: unpublished, regraded, moved to another platform,
    // published, and saved without a change to what is counted.
    let id = |n: u32| CaseId::new(CaseIdPrefix::default(), 2025, n).unwrap();
    type Change = (u32, fn(&mut Case));
    let changes: [Change; 5] = [
        (2, |c| c.published_at = None),
        (3, |c| c.grade = Some(Grade::Low)),
        (4, |c| {
            if let Some(p) = c.product.as_mut() {
                p.platform = Platform::Ios;
            }
        }),
        (41, |c| c.published_at = Some(NOW)),
        (6, |c| c.title.push_str(" (edited)")),
    ];
    for (n, change) in changes {
        let record = store.case(&id(n)).await.unwrap().expect("imported");
        let mut changed = record.case.clone();
        change(&mut changed);
        let event = NewEvent {
            at: NOW,
            actor: None,
            kind: "edit".into(),
            from_state: None,
            to_state: None,
            detail: "{}".into(),
        };
        store.update_case(&record, &changed, &event).await.unwrap();
    }
    for grade in std::iter::once(None).chain(grades.map(Some)) {
        for platform in std::iter::once(None).chain(platforms.map(Some)) {
            let filter = AdvisoryFilter {
                grade,
                platform,
                ..AdvisoryFilter::default()
            };
            let got = store.advisories(&filter, 1, 1).await.unwrap();
            let (_, expected) = old_advisories(
                store,
                None,
                grade.map(|g| g.id()),
                platform.map(|p| p.as_str()),
                None,
                1,
                0,
            )
            .await;
            assert_eq!(got.total, expected, "{filter:?} after changes");
        }
    }
    assert_eq!(
        store
            .advisories(&AdvisoryFilter::default(), 1, 1)
            .await
            .unwrap()
            .total,
        32,
        "one unpublished, one published"
    );

    // Staff search.
    for (query, fts, tsq) in [
        ("漏洞", "internal : (\"漏洞\")", "'漏洞'"),
        (
            "secretword",
            "internal : (\"secretword\"*)",
            "'secretword':*",
        ),
        (
            "webview 漏洞",
            "internal : (\"webview\" AND \"漏洞\"*)",
            "'webview' & '漏洞':*",
        ),
    ] {
        for (page, per_page) in [(1, 4), (3, 4), (1, 100), (40, 4)] {
            let got = store.search_cases(query, page, per_page).await.unwrap();
            let ids: Vec<String> = got.items.iter().map(|r| r.case.id.to_string()).collect();
            let expected = old_staff_search(
                store,
                fts,
                tsq,
                i64::from(per_page),
                i64::from((page - 1) * per_page),
            )
            .await;
            assert_eq!(
                (ids, got.total),
                expected,
                "{query} page {page} of {per_page}"
            );
        }
    }
    let any = store
        .search_cases_any(&["webview".to_owned(), "intent".to_owned()], 7)
        .await
        .unwrap();
    let expected = old_any_search(
        store,
        "internal : (\"webview\" OR \"intent\")",
        "'webview' | 'intent'",
        7,
    )
    .await;
    assert_eq!(
        any.iter()
            .map(|r| r.case.id.to_string())
            .collect::<Vec<_>>(),
        expected
    );

    // Case queues, in the combinations the web pages use and a few more.
    let state_sets: [Option<Vec<CaseState>>; 4] = [
        None,
        Some(vec![CaseState::Published, CaseState::Fixing]),
        Some(vec![CaseState::Withdrawn]),
        Some(Vec::new()),
    ];
    let singles = [None, Some(CaseState::Published), Some(CaseState::Fixing)];
    let mut non_empty = 0;
    for states in &state_sets {
        for state in singles {
            for who in 0..5 {
                let filter = CaseFilter {
                    state,
                    states: states.clone(),
                    vendor_org: (who == 1).then_some(w.vendor),
                    reporter: (who == 2).then_some(w.reporter),
                    assignee: (who == 3).then_some(w.reporter),
                    product: (who == 4).then_some(w.product.product),
                    case_type: (state.is_none() && who == 0).then_some(CaseType::General),
                };
                for (page, per_page) in [(1, 4), (2, 4), (1, 100), (20, 4)] {
                    let got = store.list_cases(&filter, page, per_page).await.unwrap();
                    let ids: Vec<String> =
                        got.items.iter().map(|r| r.case.id.to_string()).collect();
                    let expected = old_list_cases(
                        store,
                        &filter,
                        i64::from(per_page),
                        i64::from((page - 1) * per_page),
                    )
                    .await;
                    assert_eq!(
                        (ids, got.total),
                        expected,
                        "{filter:?} page {page} of {per_page}"
                    );
                    non_empty += usize::from(got.total > 0);
                }
            }
        }
    }
    assert!(non_empty > 60, "{non_empty}");
}
conformance!(read_paths_match_the_guarded_statements);

/// The advisory statements as they were before migration 0003 (case ids and total).
async fn old_advisories(
    store: &Store,
    query: Option<(&str, &str)>,
    grade: Option<&str>,
    platform: Option<&str>,
    since: Option<OffsetDateTime>,
    limit: i64,
    offset: i64,
) -> (Vec<String>, u64) {
    let micros = since.map(|t| i64::try_from(t.unix_timestamp_nanos() / 1000).unwrap());
    let (ids, total): (Vec<(String,)>, (i64,)) = match (store, query) {
        (Store::Sqlite(pool), None) => (
            sqlx::query_as(
                "SELECT case_id FROM cases WHERE published_at IS NOT NULL AND ($1 IS NULL OR grade = $1) \
                 AND ($2 IS NULL OR platform = $2) AND ($3 IS NULL OR updated_at >= $3) \
                 ORDER BY published_at DESC, id DESC LIMIT $4 OFFSET $5",
            )
            .bind(grade).bind(platform).bind(micros).bind(limit).bind(offset)
            .fetch_all(pool).await.unwrap(),
            sqlx::query_as(
                "SELECT COUNT(*) FROM cases WHERE published_at IS NOT NULL AND ($1 IS NULL OR grade = $1) \
                 AND ($2 IS NULL OR platform = $2) AND ($3 IS NULL OR updated_at >= $3)",
            )
            .bind(grade).bind(platform).bind(micros)
            .fetch_one(pool).await.unwrap(),
        ),
        (Store::Postgres(pool), None) => (
            sqlx::query_as(
                "SELECT case_id FROM cases WHERE published_at IS NOT NULL AND ($1 IS NULL OR grade = $1) \
                 AND ($2 IS NULL OR platform = $2) AND ($3 IS NULL OR updated_at >= $3) \
                 ORDER BY published_at DESC, id DESC LIMIT $4 OFFSET $5",
            )
            .bind(grade).bind(platform).bind(since).bind(limit).bind(offset)
            .fetch_all(pool).await.unwrap(),
            sqlx::query_as(
                "SELECT COUNT(*) FROM cases WHERE published_at IS NOT NULL AND ($1 IS NULL OR grade = $1) \
                 AND ($2 IS NULL OR platform = $2) AND ($3 IS NULL OR updated_at >= $3)",
            )
            .bind(grade).bind(platform).bind(since)
            .fetch_one(pool).await.unwrap(),
        ),
        (Store::Sqlite(pool), Some((expr, _))) => (
            sqlx::query_as(
                "SELECT c.case_id FROM case_search JOIN cases c ON c.id = case_search.rowid \
                 WHERE case_search MATCH $1 AND c.published_at IS NOT NULL AND ($2 IS NULL OR c.grade = $2) \
                 AND ($3 IS NULL OR c.platform = $3) AND ($4 IS NULL OR c.updated_at >= $4) \
                 ORDER BY bm25(case_search), c.id DESC LIMIT $5 OFFSET $6",
            )
            .bind(expr).bind(grade).bind(platform).bind(micros).bind(limit).bind(offset)
            .fetch_all(pool).await.unwrap(),
            sqlx::query_as(
                "SELECT COUNT(*) FROM case_search JOIN cases c ON c.id = case_search.rowid \
                 WHERE case_search MATCH $1 AND c.published_at IS NOT NULL AND ($2 IS NULL OR c.grade = $2) \
                 AND ($3 IS NULL OR c.platform = $3) AND ($4 IS NULL OR c.updated_at >= $4)",
            )
            .bind(expr).bind(grade).bind(platform).bind(micros)
            .fetch_one(pool).await.unwrap(),
        ),
        (Store::Postgres(pool), Some((_, tsq))) => (
            sqlx::query_as(
                "SELECT case_id FROM cases WHERE search_public @@ CAST($1 AS tsquery) AND published_at IS NOT NULL \
                 AND ($2 IS NULL OR grade = $2) AND ($3 IS NULL OR platform = $3) AND ($4 IS NULL OR updated_at >= $4) \
                 ORDER BY ts_rank(search_public, CAST($1 AS tsquery)) DESC, id DESC LIMIT $5 OFFSET $6",
            )
            .bind(tsq).bind(grade).bind(platform).bind(since).bind(limit).bind(offset)
            .fetch_all(pool).await.unwrap(),
            sqlx::query_as(
                "SELECT COUNT(*) FROM cases WHERE search_public @@ CAST($1 AS tsquery) AND published_at IS NOT NULL \
                 AND ($2 IS NULL OR grade = $2) AND ($3 IS NULL OR platform = $3) AND ($4 IS NULL OR updated_at >= $4)",
            )
            .bind(tsq).bind(grade).bind(platform).bind(since)
            .fetch_one(pool).await.unwrap(),
        ),
    };
    (
        ids.into_iter().map(|r| r.0).collect(),
        u64::try_from(total.0).unwrap(),
    )
}

/// The staff search statements as they were before migration 0003.
async fn old_staff_search(
    store: &Store,
    expr: &str,
    tsq: &str,
    limit: i64,
    offset: i64,
) -> (Vec<String>, u64) {
    let (ids, total): (Vec<(String,)>, (i64,)) = match store {
        Store::Sqlite(pool) => (
            sqlx::query_as(
                "SELECT c.case_id FROM case_search JOIN cases c ON c.id = case_search.rowid \
                 WHERE case_search MATCH $1 ORDER BY bm25(case_search), c.id DESC LIMIT $2 OFFSET $3",
            )
            .bind(expr).bind(limit).bind(offset).fetch_all(pool).await.unwrap(),
            sqlx::query_as("SELECT COUNT(*) FROM case_search WHERE case_search MATCH $1")
                .bind(expr).fetch_one(pool).await.unwrap(),
        ),
        Store::Postgres(pool) => (
            sqlx::query_as(
                "SELECT case_id FROM cases WHERE search_internal @@ CAST($1 AS tsquery) \
                 ORDER BY ts_rank(search_internal, CAST($1 AS tsquery)) DESC, id DESC LIMIT $2 OFFSET $3",
            )
            .bind(tsq).bind(limit).bind(offset).fetch_all(pool).await.unwrap(),
            sqlx::query_as("SELECT COUNT(*) FROM cases WHERE search_internal @@ CAST($1 AS tsquery)")
                .bind(tsq).fetch_one(pool).await.unwrap(),
        ),
    };
    (
        ids.into_iter().map(|r| r.0).collect(),
        u64::try_from(total.0).unwrap(),
    )
}

/// The duplicate-candidate statements as they were before migration 0003.
async fn old_any_search(store: &Store, expr: &str, tsq: &str, limit: i64) -> Vec<String> {
    let ids: Vec<(String,)> = match store {
        Store::Sqlite(pool) => sqlx::query_as(
            "SELECT c.case_id FROM case_search JOIN cases c ON c.id = case_search.rowid \
             WHERE case_search MATCH $1 ORDER BY bm25(case_search), c.id DESC LIMIT $2",
        )
        .bind(expr)
        .bind(limit)
        .fetch_all(pool)
        .await
        .unwrap(),
        Store::Postgres(pool) => sqlx::query_as(
            "SELECT case_id FROM cases WHERE search_internal @@ CAST($1 AS tsquery) \
             ORDER BY ts_rank(search_internal, CAST($1 AS tsquery)) DESC, id DESC LIMIT $2",
        )
        .bind(tsq)
        .bind(limit)
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    ids.into_iter().map(|r| r.0).collect()
}

/// The case-queue statements as they were before migration 0003.
async fn old_list_cases(
    store: &Store,
    filter: &CaseFilter,
    limit: i64,
    offset: i64,
) -> (Vec<String>, u64) {
    const PAGE: &str = "SELECT case_id FROM cases WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR vendor_org_id = $2) \
         AND ($3 IS NULL OR reporter_id = $3) AND ($4 IS NULL OR assignee_id = $4) AND ($5 IS NULL OR case_type = $5) \
         AND ($6 IS NULL OR (',' || $6 || ',') LIKE ('%,' || state || ',%')) AND ($7 IS NULL OR product_id = $7) \
         ORDER BY updated_at DESC, id DESC LIMIT $8 OFFSET $9";
    const COUNT: &str = "SELECT COUNT(*) FROM cases WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR vendor_org_id = $2) \
         AND ($3 IS NULL OR reporter_id = $3) AND ($4 IS NULL OR assignee_id = $4) AND ($5 IS NULL OR case_type = $5) \
         AND ($6 IS NULL OR (',' || $6 || ',') LIKE ('%,' || state || ',%')) AND ($7 IS NULL OR product_id = $7)";
    let state = filter.state.map(|s| s.as_str());
    let vendor = filter.vendor_org.map(|o| o.0);
    let reporter = filter.reporter.map(|u| u.0);
    let assignee = filter.assignee.map(|u| u.0);
    let case_type = filter.case_type.map(|t| t.as_str());
    let product = filter.product.map(|p| p.0);
    let states: Option<String> = filter.states.as_ref().map(|list| {
        list.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    });
    macro_rules! run {
        ($pool:expr) => {{
            let ids: Vec<(String,)> = sqlx::query_as(PAGE)
                .bind(state)
                .bind(vendor)
                .bind(reporter)
                .bind(assignee)
                .bind(case_type)
                .bind(&states)
                .bind(product)
                .bind(limit)
                .bind(offset)
                .fetch_all($pool)
                .await
                .unwrap();
            let (total,): (i64,) = sqlx::query_as(COUNT)
                .bind(state)
                .bind(vendor)
                .bind(reporter)
                .bind(assignee)
                .bind(case_type)
                .bind(&states)
                .bind(product)
                .fetch_one($pool)
                .await
                .unwrap();
            (ids, total)
        }};
    }
    let (ids, total) = match store {
        Store::Sqlite(pool) => run!(pool),
        Store::Postgres(pool) => run!(pool),
    };
    (
        ids.into_iter().map(|r| r.0).collect(),
        u64::try_from(total).unwrap(),
    )
}
