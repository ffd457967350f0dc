//! The demo data set: a small, realistic world so the first page is not empty. Every case is walked
//! through the real lifecycle (`appvd_domain::lifecycle::apply`) and stored with its events, so the
//! demo exercises the same code as real use.

use std::process::ExitCode;

use anyhow::{Context, anyhow};
use appvd_domain::case::{CaseProduct, CaseState, CaseType, Mitigation};
use appvd_domain::grade::Grade;
use appvd_domain::ids::TrackingCode;
use appvd_domain::lifecycle::{self, Action, ActionContext};
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind, Organisation};
use appvd_domain::policy::Policy;
use appvd_domain::product::{NewProduct, Platform};
use appvd_domain::receipt::Channel;
use appvd_domain::report::NewReport;
use appvd_domain::user::{Actor, Role, Roles};
use appvd_store::{CaseRecord, NewEvent, NewUser, Store, SubmittedReport, User};
use time::{Duration, OffsetDateTime};

use crate::StorageArgs;
use crate::support::{load_policy, open_store, say};

/// The password of every demo account. The demo is for trying appvd out, never for production.
pub const DEMO_PASSWORD: &str = "appvd-demo-2026";

pub async fn run(storage: &StorageArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(storage)?;
    let store = open_store(storage).await?;
    if store.count_cases().await? > 0 {
        say(
            "the database already holds cases; the demo data set is loaded only into an empty database",
        );
        return Ok(ExitCode::from(2));
    }
    load(&store, &policy).await?;
    Ok(ExitCode::SUCCESS)
}

struct DemoProduct {
    vendor: &'static str,
    name: &'static str,
    platform: Platform,
    package: &'static str,
}

/// One demo case: the report, then how far it goes.
struct DemoCase {
    product: usize,
    title: &'static str,
    description: &'static str,
    case_type: CaseType,
    affected: &'static str,
    cwe: u32,
    grade: Grade,
    cvss: Option<&'static str>,
    harm: &'static str,
    scope: &'static str,
    summary: &'static str,
    remediation: &'static str,
    fixed: &'static str,
    target: CaseState,
    days_ago: i64,
}

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        vendor: "星河银行科技",
        name: "星河手机银行",
        platform: Platform::Android,
        package: "com.xinghe.mbank",
    },
    DemoProduct {
        vendor: "Acme Mobile Ltd.",
        name: "Acme Chat",
        platform: Platform::Android,
        package: "com.acme.chat",
    },
    DemoProduct {
        vendor: "云途出行",
        name: "云途打车",
        platform: Platform::Ios,
        package: "com.yuntu.ride",
    },
    DemoProduct {
        vendor: "Acme Mobile Ltd.",
        name: "Acme Push SDK",
        platform: Platform::Sdk,
        package: "com.acme.push",
    },
    DemoProduct {
        vendor: "星河银行科技",
        name: "星河生活小程序",
        platform: Platform::MiniProgram,
        package: "wx5b3c1f0d2e4a6b78",
    },
];

const CASES: &[DemoCase] = &[
    DemoCase {
        product: 0,
        title: "星河手机银行 WebView 组件存在任意网页加载漏洞",
        description: "应用的 com.xinghe.mbank.web.BrowserActivity 被导出，接收外部 Intent 中的 url 参数并在启用 JavaScript 与 addJavascriptInterface 的 WebView 中加载，未校验域名。",
        case_type: CaseType::General,
        affected: "8.0.0 – 8.3.1",
        cwe: 749,
        grade: Grade::High,
        cvss: Some("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N"),
        harm: "同一设备上的恶意应用可诱导银行应用加载攻击者页面，并通过桥接接口读取会话信息。",
        scope: "安卓版 8.0.0 至 8.3.1，约 1200 万安装。",
        summary: "星河手机银行安卓版 8.3.2 之前的版本中，一个导出的浏览页面会加载外部传入的任意网址，恶意应用可借此获取用户会话信息。",
        remediation: "升级到 8.3.2 或更高版本。",
        fixed: "8.3.2",
        target: CaseState::Published,
        days_ago: 40,
    },
    DemoCase {
        product: 1,
        title: "Acme Chat exposes chat history through an exported content provider",
        description: "The provider com.acme.chat.history.HistoryProvider is exported without a read permission, so any installed app can query every message.",
        case_type: CaseType::General,
        affected: "5.0 – 5.1.4",
        cwe: 926,
        grade: Grade::High,
        cvss: Some("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
        harm: "Any app on the device reads the user's private messages.",
        scope: "Android versions 5.0 to 5.1.4; about 3 million installs.",
        summary: "Acme Chat for Android before 5.2.0 lets other apps on the same device read the user's chat history.",
        remediation: "Upgrade to Acme Chat 5.2.0 or later.",
        fixed: "5.2.0",
        target: CaseState::Published,
        days_ago: 25,
    },
    DemoCase {
        product: 3,
        title: "Acme Push SDK 日志输出推送令牌",
        description: "SDK 在 release 构建中调用 android.util.Log.d 输出设备推送令牌与用户标识，可被具有日志读取能力的调试工具获取。",
        case_type: CaseType::General,
        affected: "3.0.0 – 3.3.9",
        cwe: 532,
        grade: Grade::Low,
        cvss: Some("CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:U/C:L/I:N/A:N"),
        harm: "推送令牌泄露后可被用于向用户发送伪造推送。",
        scope: "集成 SDK 3.x 版本的所有应用。",
        summary: "Acme Push SDK 3.4.0 之前的版本会在系统日志中输出推送令牌。",
        remediation: "将 SDK 升级到 3.4.0，并在 release 构建中关闭调试日志。",
        fixed: "3.4.0",
        target: CaseState::Published,
        days_ago: 12,
    },
    DemoCase {
        product: 2,
        title: "云途打车 iOS 版 URL Scheme 回调可被劫持",
        description: "登录回调使用自定义 URL Scheme yuntu:// 传递授权码，其他应用可注册同名 Scheme 截获授权码。",
        case_type: CaseType::General,
        affected: "6.0 – 6.4.2",
        cwe: 939,
        grade: Grade::Medium,
        cvss: None,
        harm: "攻击者应用可截获第三方登录授权码并登录用户账号。",
        scope: "iOS 版 6.x。",
        summary: "",
        remediation: "",
        fixed: "",
        target: CaseState::Fixing,
        days_ago: 6,
    },
    DemoCase {
        product: 4,
        title: "星河生活小程序后台接口越权访问订单信息",
        description: "订单查询接口仅校验登录状态，未校验订单归属，修改订单号即可查看他人订单。",
        case_type: CaseType::Event,
        affected: "线上版本",
        cwe: 639,
        grade: Grade::High,
        cvss: None,
        harm: "可批量读取其他用户的订单、地址和电话。",
        scope: "运营者在用的订单服务。",
        summary: "",
        remediation: "",
        fixed: "",
        target: CaseState::VendorNotified,
        days_ago: 2,
    },
    DemoCase {
        product: 1,
        title: "Acme Chat accepts any TLS certificate for its media server",
        description: "The media download client installs an X509TrustManager whose checkServerTrusted returns without checking, so a network attacker can replace media.",
        case_type: CaseType::General,
        affected: "5.x",
        cwe: 295,
        grade: Grade::Medium,
        cvss: None,
        harm: "An attacker on the network reads and replaces downloaded images and voice messages.",
        scope: "Android 5.x.",
        summary: "",
        remediation: "",
        fixed: "",
        target: CaseState::Triage,
        days_ago: 1,
    },
    DemoCase {
        product: 0,
        title: "星河手机银行启动页存在信息泄露",
        description: "报告仅附截图，未能复现。",
        case_type: CaseType::General,
        affected: "8.3.2",
        cwe: 200,
        grade: Grade::Low,
        cvss: None,
        harm: "",
        scope: "",
        summary: "",
        remediation: "",
        fixed: "",
        target: CaseState::Received,
        days_ago: 0,
    },
];

/// Loads the demo world into `store`.
pub async fn load(store: &Store, policy: &Policy) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    let start = now - Duration::days(60);

    let mut orgs: Vec<Organisation> = Vec::new();
    for (name, kind, jurisdiction) in [
        ("星河银行科技", OrgKind::Vendor, Jurisdiction::Domestic),
        ("Acme Mobile Ltd.", OrgKind::Vendor, Jurisdiction::Overseas),
        ("云途出行", OrgKind::Vendor, Jurisdiction::Domestic),
        (
            "安恒测评实验室",
            OrgKind::SupportUnit,
            Jurisdiction::Domestic,
        ),
    ] {
        let contact = format!("psirt{}@example.cn", orgs.len() + 1);
        let org = NewOrganisation {
            name: name.into(),
            kind,
            jurisdiction,
            security_contact: Some(contact.clone()),
        }
        .validate()?;
        let created = store.create_org(&org, start).await?;
        if kind == OrgKind::Vendor {
            store
                .set_security_contact(created.id, &contact, true, start)
                .await?;
        }
        orgs.push(store.org(created.id).await?);
    }
    let org_named = |name: &str| {
        orgs.iter()
            .find(|o| o.name == name)
            .cloned()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };

    let hash =
        tokio::task::spawn_blocking(|| appvd_web::auth::hash_password(DEMO_PASSWORD)).await??;
    let mut users: Vec<User> = Vec::new();
    for (login, display, roles, org) in [
        ("admin", "平台管理员", &[Role::Admin][..], None),
        ("analyst", "验证员 王工", &[Role::Analyst][..], None),
        ("reviewer", "审核员 李工", &[Role::Analyst][..], None),
        (
            "reporter",
            "白帽子 小陈",
            &[Role::Reporter][..],
            Some("安恒测评实验室"),
        ),
        (
            "xinghe",
            "星河银行 安全响应",
            &[Role::VendorAdmin, Role::VendorMember][..],
            Some("星河银行科技"),
        ),
        (
            "acme",
            "Acme PSIRT",
            &[Role::VendorAdmin, Role::VendorMember][..],
            Some("Acme Mobile Ltd."),
        ),
        (
            "yuntu",
            "云途 安全团队",
            &[Role::VendorMember][..],
            Some("云途出行"),
        ),
    ] {
        let org = org.map(org_named).transpose()?;
        let user = NewUser {
            login: login.into(),
            display_name: display.into(),
            password_hash: hash.clone(),
            roles: Roles::of(roles),
            jurisdiction: org
                .as_ref()
                .map(|o| o.jurisdiction)
                .unwrap_or(Jurisdiction::Domestic),
            org: org.map(|o| o.id),
        };
        users.push(store.create_user(&user, start).await?);
    }
    let user = |login: &str| {
        users
            .iter()
            .find(|u| u.login == login)
            .cloned()
            .ok_or_else(|| anyhow!("demo user {login} missing"))
    };
    let actor = |u: &User| Actor {
        user: u.id,
        roles: u.roles,
        org: u.org,
        jurisdiction: u.jurisdiction,
    };

    let mut products = Vec::new();
    for p in PRODUCTS {
        let vendor = org_named(p.vendor)?;
        let product = NewProduct {
            vendor_org: vendor.id,
            name: p.name.into(),
            platform: p.platform,
            package_id: p.package.into(),
            store_url: None,
            signing_cert_sha256: None,
        }
        .validate()?;
        let created = store.create_product(&product, start).await?;
        products.push((
            vendor.clone(),
            CaseProduct {
                product: created.id,
                vendor_org: vendor.id,
                vendor_name: vendor.name.clone(),
                vendor_jurisdiction: vendor.jurisdiction,
                name: created.name,
                platform: created.platform,
                package_id: created.package_id,
            },
        ));
    }

    let reporter = user("reporter")?;
    let analyst = actor(&user("analyst")?);
    let reviewer = actor(&user("reviewer")?);
    for demo in CASES {
        let (vendor, product) = products
            .get(demo.product)
            .cloned()
            .ok_or_else(|| anyhow!("demo product missing"))?;
        let vendor_actor = users
            .iter()
            .find(|u| u.org == Some(vendor.id))
            .map(&actor)
            .ok_or_else(|| anyhow!("no demo account for {}", vendor.name))?;
        let received = now - Duration::days(demo.days_ago) - Duration::hours(6);
        let report = NewReport {
            product: product.product,
            title: demo.title.into(),
            description: demo.description.into(),
            steps: Some("见附件中的复现步骤。".into()),
            affected_versions: demo.affected.into(),
            case_type: demo.case_type,
            cvss_vector: demo.cvss.map(str::to_owned),
            poc: Some(format!(
                "restricted proof of concept for {}",
                product.package_id
            )),
            channel: Channel::Web,
        }
        .validate()?;
        let prefix = policy.case_id_prefix.clone();
        let submission = store
            .submit_report(SubmittedReport {
                report: &report,
                product: Some(product.clone()),
                reporter: Some(reporter.id),
                tracking_code: TrackingCode::from_random(rand::random()),
                received_at: received,
                prefix: &prefix,
            })
            .await?;
        let mut record = submission.case;
        let mut clock = received;
        let mut step = |hours: i64| {
            clock += Duration::hours(hours);
            clock.min(now)
        };

        // The path each demo case takes, stopping at its target state. Actions are built when
        // they happen, so their dates follow the case's own clock.
        let vendor_status = Some("已确认，正在修复。".to_owned());
        let steps: [(&Actor, MakeAction); 10] = [
            (&analyst, |_, _, _, _| Action::Accept),
            (&analyst, |_, _, _, _| Action::Verify),
            (&analyst, |_, _, _, _| Action::NotifyVendor),
            (&vendor_actor, |_, _, _, _| Action::Acknowledge),
            (&vendor_actor, |_, _, _, statement| {
                Action::SetVendorStatus {
                    status: appvd_domain::case::VendorStatus::Affected,
                    statement,
                }
            }),
            (&vendor_actor, |_, r, day, _| Action::RecordNationalReport {
                submitted_on: day,
                reference: format!("NVDB-DEMO-{}", r.case.id.sequence()),
            }),
            (&vendor_actor, |d, _, day, _| Action::MarkFixed {
                fixed_versions: d.fixed.into(),
                released_on: day,
                user_notice: d.remediation.into(),
                mitigation: None::<Mitigation>,
            }),
            (&analyst, |d, _, _, _| Action::VerifyFix {
                evidence: format!("复测 {}：问题不再复现。", d.fixed),
            }),
            (&analyst, |_, _, _, _| Action::RequestPublication),
            (&reviewer, |_, _, _, _| Action::ApprovePublication),
        ];
        for (who, make) in steps {
            if record.case.state == demo.target {
                break;
            }
            let now_step = step(9);
            let action = make(demo, &record, now_step.date(), vendor_status.clone());
            let who = who.clone();
            let mut case = record.case.clone();
            // What the analyst fills in during verification and before publication.
            if matches!(action, Action::Verify) {
                case.cwe = Some(demo.cwe);
                case.grade = Some(demo.grade);
                case.harm = Some(demo.harm.into());
                case.scope = Some(demo.scope.into());
            }
            if matches!(action, Action::RequestPublication) {
                case.advisory_summary = Some(demo.summary.into());
                case.remediation = Some(demo.remediation.into());
            }
            let poc = store.case_poc_texts(record.pk).await?;
            let poc_refs: Vec<&str> = poc.iter().map(String::as_str).collect();
            let ctx = ActionContext {
                now: now_step,
                policy,
                vendor: Some(&vendor),
                poc_texts: &poc_refs,
            };
            let (next, transition) = lifecycle::apply(&case, &who, &action, &ctx).map_err(|r| {
                anyhow!(
                    "demo case {} could not {}: {r}",
                    case.id,
                    action.name().as_str()
                )
            })?;
            let event = NewEvent {
                at: now_step,
                actor: Some(who.user),
                kind: transition.action.as_str().into(),
                from_state: Some(transition.from),
                to_state: Some(transition.to),
                detail: serde_json::json!({ "note": transition.note }).to_string(),
            };
            record = store
                .update_case(&record, &next, &event)
                .await
                .with_context(|| format!("storing demo case {}", next.id))?;
        }
        record_state(&record, demo.target)?;
    }
    say(&format!(
        "demo data loaded: {} organisations, {} users (password {DEMO_PASSWORD:?}), {} products, {} cases",
        orgs.len(),
        users.len(),
        products.len(),
        CASES.len()
    ));
    Ok(())
}

/// Builds a demo step's action from the case, its record, the step's date and the vendor statement.
type MakeAction = fn(&DemoCase, &CaseRecord, time::Date, Option<String>) -> Action;

fn record_state(record: &CaseRecord, target: CaseState) -> anyhow::Result<()> {
    if record.case.state == target {
        Ok(())
    } else {
        Err(anyhow!(
            "demo case {} stopped in {} instead of {}",
            record.case.id,
            record.case.state,
            target
        ))
    }
}
