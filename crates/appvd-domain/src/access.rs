//! Who may see what of a case (DESIGN §8, REG-9.7, REG-11.1).
//!
//! A person sees an unpublished case only as one of its *members*: platform staff, the reporter
//! who submitted it, or a member of the vendor organisation once the vendor has been notified.
//! Everyone else — including other vendors — gets the same answer as for a case that does not
//! exist. Overseas accounts never receive unpublished details of a case whose vendor they are not
//! (REG-9.7), whatever their role. PoC material needs its own permission on top of membership.

use crate::case::Case;
use crate::gate::{Recipient, reg_9_7_may_share_unpublished};
use crate::refusal::Refusal;
use crate::user::{Actor, Role};

/// The ways a person belongs to a case. More than one may hold (an analyst who reported it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Membership {
    pub staff: bool,
    pub reporter: bool,
    pub vendor: bool,
}

impl Membership {
    pub fn any(self) -> bool {
        self.staff || self.reporter || self.vendor
    }
}

/// Who besides platform staff may read a message of the case conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every member of the case: staff, the reporter, the vendor.
    All,
    /// Staff only (internal notes).
    Staff,
    /// Staff and the vendor.
    Vendor,
    /// Staff and the reporter.
    Reporter,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::All,
        Audience::Staff,
        Audience::Vendor,
        Audience::Reporter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Staff => "staff",
            Audience::Vendor => "vendor",
            Audience::Reporter => "reporter",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How `actor` belongs to `case`, before the REG-9.7 check.
pub fn membership(actor: &Actor, case: &Case) -> Membership {
    let staff = actor.has(Role::Analyst) || actor.has(Role::Admin);
    let reporter = case.reporter == Some(actor.user);
    let vendor_role = actor.has(Role::VendorMember) || actor.has(Role::VendorAdmin);
    // A vendor learns of a case when it is notified, not when a report arrives.
    let vendor = vendor_role
        && actor.org.is_some()
        && actor.org == case.vendor_org()
        && case.state.vendor_is_aware();
    Membership {
        staff,
        reporter,
        vendor,
    }
}

/// Whether `actor` may read the case at all. Public cases are readable by everyone (their public
/// part); unpublished ones only by members, and never by an overseas party that is not the vendor.
pub fn may_read(actor: Option<&Actor>, case: &Case) -> Result<Membership, Refusal> {
    let Some(actor) = actor else {
        return Err(Refusal::forbidden(
            crate::refusal::rules::CASE_MEMBER,
            "log in to see this case",
        ));
    };
    let m = membership(actor, case);
    if !m.any() {
        return Err(Refusal::forbidden(
            crate::refusal::rules::CASE_MEMBER,
            "you are not a member of this case",
        ));
    }
    reg_9_7_may_share_unpublished(
        case,
        Recipient {
            jurisdiction: actor.jurisdiction,
            org: actor.org,
        },
    )?;
    Ok(m)
}

/// Whether a member may read the case's restricted PoC material: the reporter always (it is theirs),
/// others only with the PoC permission.
pub fn may_read_poc(m: Membership, poc_permission: bool) -> bool {
    m.reporter || (m.any() && poc_permission)
}

/// The message audiences a member may read.
pub fn readable_audiences(m: Membership) -> Vec<Audience> {
    if m.staff {
        return Audience::ALL.to_vec();
    }
    let mut out = vec![Audience::All];
    if m.vendor {
        out.push(Audience::Vendor);
    }
    if m.reporter {
        out.push(Audience::Reporter);
    }
    out
}

/// The audiences a member may write to: staff anywhere; the reporter to everyone or to staff with
/// the reporter; the vendor to everyone or to staff with the vendor.
pub fn writable_audiences(m: Membership) -> Vec<Audience> {
    readable_audiences(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseState;
    use crate::org::Jurisdiction;
    use crate::testing::*;

    #[test]
    fn vendors_see_their_cases_only_after_notification() {
        let mut c = case_in(CaseState::Verified);
        assert!(!membership(&vendor_member(), &c).any());
        c.state = CaseState::VendorNotified;
        assert!(membership(&vendor_member(), &c).vendor);
        assert!(!membership(&other_vendor_member(), &c).any());
        assert!(may_read(Some(&other_vendor_member()), &c).is_err());
    }

    #[test]
    fn reporters_see_their_own_reports() {
        let c = case_in(CaseState::Received);
        assert!(may_read(Some(&reporter()), &c).unwrap().reporter);
        let stranger = actor(88, &[Role::Reporter], None);
        assert!(may_read(Some(&stranger), &c).is_err());
        assert!(may_read(None, &c).is_err());
    }

    #[test]
    fn reg_9_7_overseas_staff_do_not_read_unpublished_cases() {
        let c = case_in(CaseState::Fixing);
        let mut overseas = analyst();
        overseas.jurisdiction = Jurisdiction::Overseas;
        assert_eq!(may_read(Some(&overseas), &c).unwrap_err().rule, "REG-9.7");
        let mut overseas_vendor = vendor_member();
        overseas_vendor.jurisdiction = Jurisdiction::Overseas;
        assert!(
            may_read(Some(&overseas_vendor), &c).is_ok(),
            "the affected vendor itself may be abroad"
        );
    }

    #[test]
    fn poc_needs_the_permission_unless_it_is_yours() {
        let staff = Membership {
            staff: true,
            ..Membership::default()
        };
        let reporter = Membership {
            reporter: true,
            ..Membership::default()
        };
        assert!(!may_read_poc(staff, false));
        assert!(may_read_poc(staff, true));
        assert!(may_read_poc(reporter, false));
        assert!(!may_read_poc(Membership::default(), true));
    }

    #[test]
    fn audiences() {
        let vendor = Membership {
            vendor: true,
            ..Membership::default()
        };
        assert_eq!(
            readable_audiences(vendor),
            [Audience::All, Audience::Vendor]
        );
        assert_eq!(
            readable_audiences(Membership {
                staff: true,
                ..Membership::default()
            })
            .len(),
            4
        );
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
        }
    }
}
