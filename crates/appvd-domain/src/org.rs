//! Organisations: vendors, operators, technical support units and coordinators.

use crate::error::InvalidInput;
use crate::ids::OrgId;

/// What an organisation is to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Network product provider (网络产品提供者): the app's or SDK's developer.
    Vendor,
    /// Network operator (网络运营者): runs a live backend; receives event-type cases.
    Operator,
    /// Technical support unit (技术支撑单位): a security company whose members report.
    SupportUnit,
    /// A coordinator such as a CERT or the platform's own team.
    Coordinator,
}

/// Whether an organisation or account sits inside mainland China (REG-9.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    Domestic,
    Overseas,
}

macro_rules! str_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? } what $what:literal) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::error::InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::error::InvalidInput::new(
                        $what,
                        format!(
                            "{:?} is not one of: {}",
                            crate::ids::truncate_for_message(s),
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(OrgKind { Vendor => "vendor", Operator => "operator", SupportUnit => "support_unit", Coordinator => "coordinator" } what "kind");
str_enum!(Jurisdiction { Domestic => "domestic", Overseas => "overseas" } what "jurisdiction");

/// A verified or unverified address where an organisation receives vulnerability notices (REG-5.4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecurityContact {
    pub email: String,
    pub verified: bool,
}

/// Checks an e-mail address loosely (one `@`, a dot in the domain, no spaces, at most 254
/// characters): delivery is what really verifies it.
pub fn validate_email(field: &str, email: &str) -> Result<String, InvalidInput> {
    let email = email.trim();
    let bad = || InvalidInput::new(field, "this is not an e-mail address");
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(email.to_owned())
}

/// An organisation as the domain sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    pub jurisdiction: Jurisdiction,
    pub security_contacts: Vec<SecurityContact>,
}

impl Organisation {
    /// REG-5.4: a vendor or operator can be notified only through a verified contact.
    pub fn has_verified_contact(&self) -> bool {
        self.security_contacts.iter().any(|c| c.verified)
    }
}

/// Input for creating an organisation, validated by [`NewOrganisation::validate`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrgKind,
    pub jurisdiction: Jurisdiction,
    pub security_contact: Option<String>,
}

impl NewOrganisation {
    pub fn validate(mut self) -> Result<Self, InvalidInput> {
        self.name = crate::text::required_line("name", &self.name, crate::text::limits::NAME)?;
        self.security_contact = match self.security_contact.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(email) => Some(validate_email("security_contact", email)?),
        };
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_print() {
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>().unwrap(), *kind);
        }
        let err = "vendorx".parse::<OrgKind>().unwrap_err();
        assert!(
            err.message
                .contains("vendor, operator, support_unit, coordinator")
        );
    }

    #[test]
    fn emails() {
        assert!(validate_email("e", "psirt@example.cn").is_ok());
        for bad in [
            "", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@.cn", "a@cn.",
        ] {
            assert!(validate_email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_org_validation() {
        let org = NewOrganisation {
            name: "  Acme  ".into(),
            kind: OrgKind::Vendor,
            jurisdiction: Jurisdiction::Domestic,
            security_contact: Some(" ".into()),
        };
        let org = org.validate().unwrap();
        assert_eq!(org.name, "Acme");
        assert_eq!(org.security_contact, None);
    }
}
