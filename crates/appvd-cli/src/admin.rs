//! `appvd admin …`: organisations and users from the command line.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use appvd_domain::ids::OrgId;
use appvd_domain::org::{Jurisdiction, NewOrganisation, OrgKind};
use appvd_domain::user::{Roles, validate_login, validate_password};
use appvd_store::NewUser;
use time::OffsetDateTime;

use crate::StorageArgs;
use crate::support::{open_store, say};

#[derive(Debug, clap::Subcommand)]
pub enum AdminCommand {
    /// Create an organisation and print its id.
    CreateOrg {
        /// Display name (unique).
        #[arg(long)]
        name: String,
        /// vendor, operator, support_unit or coordinator.
        #[arg(long)]
        kind: OrgKind,
        /// domestic or overseas (REG-9.7).
        #[arg(long, default_value = "domestic")]
        jurisdiction: Jurisdiction,
        /// Security contact e-mail address.
        #[arg(long)]
        security_contact: Option<String>,
        /// Mark the security contact as verified (REG-5.4).
        #[arg(long, requires = "security_contact")]
        verified: bool,
    },
    /// Load a GB/T 30279 grading table (TOML) for the server to grade with, after checking it.
    LoadGradingTable {
        /// The table file (same format as the built-in provisional table).
        file: std::path::PathBuf,
    },
    /// Register a product (an app or SDK) of a vendor or operator organisation.
    CreateProduct {
        #[arg(long)]
        vendor_org_id: i64,
        #[arg(long)]
        name: String,
        /// android, ios, harmonyos, mini_program, official_account, h5 or sdk.
        #[arg(long)]
        platform: appvd_domain::product::Platform,
        /// Package / bundle id.
        #[arg(long)]
        package_id: String,
        #[arg(long)]
        store_url: Option<String>,
        /// SHA-256 of the signing certificate (hex, colons allowed).
        #[arg(long)]
        signing_cert_sha256: Option<String>,
    },
    /// Create a user; the password is read from standard input (one line).
    CreateUser {
        #[arg(long)]
        login: String,
        /// Comma-separated: reporter, analyst, vendor_member, vendor_admin, admin.
        #[arg(long)]
        roles: String,
        #[arg(long)]
        org_id: Option<i64>,
        #[arg(long)]
        display_name: Option<String>,
        /// domestic or overseas; defaults to the organisation's, or domestic.
        #[arg(long)]
        jurisdiction: Option<Jurisdiction>,
    },
}

pub async fn run(storage: &StorageArgs, cmd: AdminCommand) -> anyhow::Result<ExitCode> {
    let now = OffsetDateTime::now_utc();
    match cmd {
        AdminCommand::LoadGradingTable { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let table = appvd_severity::gbt::GradingTable::from_toml(&text)
                .with_context(|| format!("{} is not a usable grading table", file.display()))?;
            let violations = table.monotonicity_violations();
            if !violations.is_empty() {
                say(&format!(
                    "warning: the table has {} cells where a worse indicator gives a milder grade",
                    violations.len()
                ));
            }
            let store = open_store(storage).await?;
            store
                .put_setting(appvd_web::GRADING_TABLE_SETTING, &text, now)
                .await?;
            store
                .audit(
                    now,
                    None,
                    "grading_table_loaded",
                    "settings",
                    &serde_json::json!({ "label": table.label().id }).to_string(),
                )
                .await?;
            say(&format!(
                "grading table {} version {} loaded; restart the servers to use it",
                table.label().id,
                table.label().version
            ));
        }
        AdminCommand::CreateProduct {
            vendor_org_id,
            name,
            platform,
            package_id,
            store_url,
            signing_cert_sha256,
        } => {
            let store = open_store(storage).await?;
            let vendor = store.org(OrgId(vendor_org_id)).await?;
            let product = appvd_domain::product::NewProduct {
                vendor_org: vendor.id,
                name,
                platform,
                package_id,
                store_url,
                signing_cert_sha256,
            }
            .validate()?;
            let created = store.create_product(&product, now).await?;
            say(&format!(
                "created product {} ({} {})",
                created.id, created.platform, created.package_id
            ));
        }
        AdminCommand::CreateOrg {
            name,
            kind,
            jurisdiction,
            security_contact,
            verified,
        } => {
            let org = NewOrganisation {
                name,
                kind,
                jurisdiction,
                security_contact,
            }
            .validate()?;
            let store = open_store(storage).await?;
            let created = store.create_org(&org, now).await?;
            if verified && let Some(email) = &org.security_contact {
                store
                    .set_security_contact(created.id, email, true, now)
                    .await?;
            }
            say(&format!(
                "created organisation {} ({})",
                created.id, created.name
            ));
        }
        AdminCommand::CreateUser {
            login,
            roles,
            org_id,
            display_name,
            jurisdiction,
        } => {
            let login = validate_login(&login)?;
            let roles = Roles::parse_list(&roles)?;
            let mut password = String::new();
            std::io::stdin()
                .take(4096)
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            validate_password(password)?;
            let store = open_store(storage).await?;
            let org = match org_id {
                Some(id) => Some(store.org(OrgId(id)).await?),
                None => None,
            };
            let vendor_role = roles.contains(appvd_domain::user::Role::VendorMember)
                || roles.contains(appvd_domain::user::Role::VendorAdmin);
            if vendor_role && org.is_none() {
                bail!(
                    "vendor roles need --org-id: a vendor member belongs to a vendor or operator organisation"
                );
            }
            let jurisdiction = jurisdiction
                .or(org.as_ref().map(|o| o.jurisdiction))
                .unwrap_or(Jurisdiction::Domestic);
            let password = password.to_owned();
            let hash =
                tokio::task::spawn_blocking(move || appvd_web::auth::hash_password(&password))
                    .await??;
            let user = NewUser {
                display_name: display_name.unwrap_or_else(|| login.clone()),
                login,
                password_hash: hash,
                roles,
                org: org.map(|o| o.id),
                jurisdiction,
            };
            let created = store.create_user(&user, now).await?;
            say(&format!(
                "created user {} ({}) with roles {}",
                created.id,
                created.login,
                created.roles.to_list()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
