//! Builders shared by the unit tests of this crate.

use time::OffsetDateTime;
use time::macros::datetime;

use crate::case::{Case, CaseOpening, CaseProduct, CaseState, CaseType};
use crate::grade::Grade;
use crate::ids::{CaseId, CaseIdPrefix, OrgId, ProductId, UserId};
use crate::org::{Jurisdiction, OrgKind, Organisation, SecurityContact};
use crate::product::Platform;
use crate::user::{Actor, Role, Roles};

pub const NOW: OffsetDateTime = datetime!(2026-11-30 08:00 UTC);
pub const VENDOR: OrgId = OrgId(10);
pub const OTHER_VENDOR: OrgId = OrgId(11);
pub const REPORTER: UserId = UserId(1);

pub fn actor(user: i64, roles: &[Role], org: Option<OrgId>) -> Actor {
    Actor {
        user: UserId(user),
        roles: Roles::of(roles),
        org,
        jurisdiction: Jurisdiction::Domestic,
    }
}

pub fn analyst() -> Actor {
    actor(2, &[Role::Analyst], None)
}

pub fn second_analyst() -> Actor {
    actor(3, &[Role::Analyst], None)
}

pub fn admin() -> Actor {
    actor(4, &[Role::Admin], None)
}

pub fn vendor_member() -> Actor {
    actor(5, &[Role::VendorMember], Some(VENDOR))
}

pub fn other_vendor_member() -> Actor {
    actor(
        6,
        &[Role::VendorAdmin, Role::VendorMember],
        Some(OTHER_VENDOR),
    )
}

pub fn reporter() -> Actor {
    actor(REPORTER.0, &[Role::Reporter], None)
}

pub fn vendor_org(verified_contact: bool) -> Organisation {
    Organisation {
        id: VENDOR,
        name: "Acme Mobile".into(),
        kind: OrgKind::Vendor,
        jurisdiction: Jurisdiction::Domestic,
        security_contacts: vec![SecurityContact {
            email: "psirt@acme.example".into(),
            verified: verified_contact,
        }],
    }
}

/// A general-type case in `state` with every REG-7.3 field filled.
pub fn case_in(state: CaseState) -> Case {
    let opening = CaseOpening {
        id: CaseId::new(CaseIdPrefix::default(), 2026, 42).unwrap(),
        case_type: CaseType::General,
        title: "Exported provider leaks chat history".into(),
        description: "The content provider com.acme.chat.HistoryProvider is exported without a permission, so any app can read chat history.".into(),
        affected_versions: "< 5.2.0".into(),
        product: Some(CaseProduct {
            product: ProductId(7),
            vendor_org: VENDOR,
            vendor_name: "Acme Mobile".into(),
            vendor_jurisdiction: Jurisdiction::Domestic,
            name: "Acme Chat".into(),
            platform: Platform::Android,
            package_id: "com.acme.chat".into(),
        }),
        reporter: Some(REPORTER),
    };
    let mut c = Case::open(opening, NOW);
    c.state = state;
    c.cwe = Some(926);
    c.harm = Some("Any installed app reads private messages.".into());
    c.scope = Some("All Android users of Acme Chat, about 3 million installs.".into());
    c.grade = Some(Grade::High);
    c
}

/// A case ready to publish: fix released and verified, remediation and summary written.
pub fn publishable_case() -> Case {
    let mut c = case_in(CaseState::FixVerified);
    c.fix = Some(crate::case::FixInfo {
        fixed_versions: "5.2.0".into(),
        released_on: time::macros::date!(2026 - 11 - 20),
        user_notice: "Update to 5.2.0 from the app store.".into(),
    });
    c.fix_verification = Some("Re-tested 5.2.0: the provider is no longer exported.".into());
    c.remediation = Some("Upgrade to Acme Chat 5.2.0 or later.".into());
    c.advisory_summary =
        Some("Acme Chat before 5.2.0 exposes chat history to other apps on the device.".into());
    c.vendor_aware_at = Some(NOW - time::Duration::days(20));
    c
}
