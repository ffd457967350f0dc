//! Users, roles and the actor who takes an action.

use std::fmt;

use crate::error::InvalidInput;
use crate::ids::{OrgId, UserId};
use crate::org::{Jurisdiction, str_enum};

/// A role a user holds. Roles add up; a vendor administrator is also a vendor member.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Submits reports and follows their own cases (漏洞发现者).
    Reporter,
    /// Platform staff: triage, verification, grading, coordination (验证人员).
    Analyst,
    /// Member of a vendor or operator organisation.
    VendorMember,
    /// Administrator of a vendor or operator organisation.
    VendorAdmin,
    /// Platform administrator: organisations, users, policies, exports.
    Admin,
}

str_enum!(Role {
    Reporter => "reporter",
    Analyst => "analyst",
    VendorMember => "vendor_member",
    VendorAdmin => "vendor_admin",
    Admin => "admin",
} what "roles");

impl Role {
    const fn bit(self) -> u8 {
        match self {
            Role::Reporter => 1,
            Role::Analyst => 2,
            Role::VendorMember => 4,
            Role::VendorAdmin => 8,
            Role::Admin => 16,
        }
    }

    /// Staff roles must use a second factor (REG-11.2).
    pub fn requires_mfa(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }
}

/// A set of roles.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    pub const NONE: Roles = Roles(0);

    pub fn of(roles: &[Role]) -> Self {
        roles.iter().fold(Self::NONE, |acc, r| acc.with(*r))
    }

    #[must_use]
    pub fn with(self, role: Role) -> Self {
        Self(self.0 | role.bit())
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn intersects(self, other: Roles) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.iter().copied().filter(move |r| self.contains(*r))
    }

    /// The comma-separated form stored in the database and accepted by the CLI.
    pub fn to_list(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }

    pub fn parse_list(list: &str) -> Result<Self, InvalidInput> {
        let mut roles = Self::NONE;
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            roles = roles.with(part.parse()?);
        }
        if roles.is_empty() {
            return Err(InvalidInput::new("roles", "at least one role is required"));
        }
        Ok(roles)
    }

    pub fn requires_mfa(self) -> bool {
        self.iter().any(Role::requires_mfa)
    }
}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl serde::Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let roles = Vec::<Role>::deserialize(d)?;
        Ok(Roles::of(&roles))
    }
}

/// Checks a login name: 3 to 64 characters of lowercase letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit. Logins are compared as stored, so they are normalised to
/// lowercase here.
pub fn validate_login(login: &str) -> Result<String, InvalidInput> {
    let login = login.trim().to_ascii_lowercase();
    let ok_len = (3..=64).contains(&login.len());
    let ok_first = login
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok_len && ok_first && ok_chars {
        Ok(login)
    } else {
        Err(InvalidInput::new(
            "login",
            "a login is 3 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// Minimum and maximum password lengths, in characters. The maximum bounds hashing work.
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 1024;

/// Checks a new password's length; strength beyond length is the user's, not a rule's, business
/// (NIST SP 800-63B).
pub fn validate_password(password: &str) -> Result<(), InvalidInput> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        Err(InvalidInput::new(
            "password",
            format!("a password needs at least {PASSWORD_MIN} characters"),
        ))
    } else if n > PASSWORD_MAX {
        Err(InvalidInput::new(
            "password",
            format!("a password may have at most {PASSWORD_MAX} characters"),
        ))
    } else {
        Ok(())
    }
}

/// Who is acting: the facts authorisation needs, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub roles: Roles,
    pub org: Option<OrgId>,
    pub jurisdiction: Jurisdiction,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    pub fn is_staff(&self) -> bool {
        self.has(Role::Analyst) || self.has(Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_lists_round_trip() {
        let roles = Roles::parse_list("vendor_admin, vendor_member").unwrap();
        assert!(roles.contains(Role::VendorAdmin) && roles.contains(Role::VendorMember));
        assert!(!roles.contains(Role::Admin));
        assert_eq!(Roles::parse_list(&roles.to_list()).unwrap(), roles);
        assert!(Roles::parse_list("").is_err());
        assert!(
            Roles::parse_list("root")
                .unwrap_err()
                .message
                .contains("reporter")
        );
        assert!(Roles::of(&[Role::Analyst]).requires_mfa());
        assert!(!Roles::of(&[Role::Reporter, Role::VendorAdmin]).requires_mfa());
    }

    #[test]
    fn logins() {
        assert_eq!(validate_login(" Alice.W ").unwrap(), "alice.w");
        for bad in ["ab", "-abc", "a b c", "名字名字", &"a".repeat(65)] {
            assert!(validate_login(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("correct horse battery").is_ok());
        assert!(validate_password("长密码长密码长密码长密码").is_ok());
        assert!(validate_password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }
}
