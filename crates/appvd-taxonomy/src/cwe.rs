//! CWE (Common Weakness Enumeration) ids with their official short names.

use std::fmt;

use serde::Serialize;

/// Whether a CWE entry is a weakness or a category (categories group weaknesses and should not
/// be the primary CWE of a vulnerability record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CweKind {
    /// A weakness (base, variant, class or composite).
    Weakness,
    /// A category.
    Category,
}

/// One CWE entry. `Display` gives the id as `CWE-89`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Cwe {
    /// Numeric id.
    pub id: u32,
    /// Official short name.
    pub name: &'static str,
    /// Weakness or category.
    pub kind: CweKind,
}

impl fmt::Display for Cwe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CWE-{}", self.id)
    }
}

/// The CWE list release the short names were taken from.
pub const CWE_NAMES_VERSION: &str = "4.9";

/// The CWE Top 25 Most Dangerous Software Weaknesses of 2024, in rank order.
pub const CWE_TOP_25_2024: [u32; 25] = [
    79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269, 502, 200, 863, 918, 119,
    476, 798, 190, 400, 306,
];

/// The entry for a CWE id, if appvd knows it.
pub fn cwe(id: u32) -> Option<&'static Cwe> {
    CWES.binary_search_by_key(&id, |c| c.id)
        .ok()
        .and_then(|i| CWES.get(i))
}

/// The entry for `CWE-89`, `cwe-89` or `89`.
pub fn cwe_by_label(label: &str) -> Option<&'static Cwe> {
    let label = label.trim();
    let digits = label
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("CWE-"))
        .map_or(label, |_| label.get(4..).unwrap_or(""));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 9 {
        return None;
    }
    digits.parse().ok().and_then(cwe)
}

/// Every known CWE entry, sorted by id.
pub fn cwes() -> &'static [Cwe] {
    &CWES
}

/// Sorted by id (a test checks it), so lookups can bisect.
static CWES: [Cwe; 265] = [
    Cwe {
        id: 16,
        name: "Configuration",
        kind: CweKind::Category,
    },
    Cwe {
        id: 20,
        name: "Improper Input Validation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 22,
        name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 59,
        name: "Improper Link Resolution Before File Access ('Link Following')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 74,
        name: "Improper Neutralization of Special Elements in Output Used by a Downstream Component ('Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 77,
        name: "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 78,
        name: "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 79,
        name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 89,
        name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 91,
        name: "XML Injection (aka Blind XPath Injection)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 94,
        name: "Improper Control of Generation of Code ('Code Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 95,
        name: "Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 99,
        name: "Improper Control of Resource Identifiers ('Resource Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 113,
        name: "Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response Splitting')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 116,
        name: "Improper Encoding or Escaping of Output",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 117,
        name: "Improper Output Neutralization for Logs",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 119,
        name: "Improper Restriction of Operations within the Bounds of a Memory Buffer",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 120,
        name: "Buffer Copy without Checking Size of Input ('Classic Buffer Overflow')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 121,
        name: "Stack-based Buffer Overflow",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 122,
        name: "Heap-based Buffer Overflow",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 124,
        name: "Buffer Underwrite ('Buffer Underflow')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 125,
        name: "Out-of-bounds Read",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 126,
        name: "Buffer Over-read",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 127,
        name: "Buffer Under-read",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 128,
        name: "Wrap-around Error",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 131,
        name: "Incorrect Calculation of Buffer Size",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 134,
        name: "Use of Externally-Controlled Format String",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 170,
        name: "Improper Null Termination",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 172,
        name: "Encoding Error",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 176,
        name: "Improper Handling of Unicode Encoding",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 190,
        name: "Integer Overflow or Wraparound",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 191,
        name: "Integer Underflow (Wrap or Wraparound)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 193,
        name: "Off-by-one Error",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 200,
        name: "Exposure of Sensitive Information to an Unauthorized Actor",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 201,
        name: "Insertion of Sensitive Information Into Sent Data",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 203,
        name: "Observable Discrepancy",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 208,
        name: "Observable Timing Discrepancy",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 209,
        name: "Generation of Error Message Containing Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 212,
        name: "Improper Removal of Sensitive Information Before Storage or Transfer",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 214,
        name: "Invocation of Process Using Visible Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 215,
        name: "Insertion of Sensitive Information Into Debugging Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 226,
        name: "Sensitive Information in Resource Not Removed Before Reuse",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 250,
        name: "Execution with Unnecessary Privileges",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 256,
        name: "Plaintext Storage of a Password",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 257,
        name: "Storing Passwords in a Recoverable Format",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 259,
        name: "Use of Hard-coded Password",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 260,
        name: "Password in Configuration File",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 261,
        name: "Weak Encoding for Password",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 262,
        name: "Not Using Password Aging",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 266,
        name: "Incorrect Privilege Assignment",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 269,
        name: "Improper Privilege Management",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 272,
        name: "Least Privilege Violation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 276,
        name: "Incorrect Default Permissions",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 284,
        name: "Improper Access Control",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 285,
        name: "Improper Authorization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 287,
        name: "Improper Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 290,
        name: "Authentication Bypass by Spoofing",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 294,
        name: "Authentication Bypass by Capture-replay",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 295,
        name: "Improper Certificate Validation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 296,
        name: "Improper Following of a Certificate's Chain of Trust",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 297,
        name: "Improper Validation of Certificate with Host Mismatch",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 298,
        name: "Improper Validation of Certificate Expiration",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 299,
        name: "Improper Check for Certificate Revocation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 300,
        name: "Channel Accessible by Non-Endpoint",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 306,
        name: "Missing Authentication for Critical Function",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 307,
        name: "Improper Restriction of Excessive Authentication Attempts",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 308,
        name: "Use of Single-factor Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 309,
        name: "Use of Password System for Primary Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 310,
        name: "Cryptographic Issues",
        kind: CweKind::Category,
    },
    Cwe {
        id: 311,
        name: "Missing Encryption of Sensitive Data",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 312,
        name: "Cleartext Storage of Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 315,
        name: "Cleartext Storage of Sensitive Information in a Cookie",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 316,
        name: "Cleartext Storage of Sensitive Information in Memory",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 319,
        name: "Cleartext Transmission of Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 321,
        name: "Use of Hard-coded Cryptographic Key",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 322,
        name: "Key Exchange without Entity Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 323,
        name: "Reusing a Nonce, Key Pair in Encryption",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 324,
        name: "Use of a Key Past its Expiration Date",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 325,
        name: "Missing Cryptographic Step",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 326,
        name: "Inadequate Encryption Strength",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 327,
        name: "Use of a Broken or Risky Cryptographic Algorithm",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 328,
        name: "Use of Weak Hash",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 329,
        name: "Generation of Predictable IV with CBC Mode",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 330,
        name: "Use of Insufficiently Random Values",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 331,
        name: "Insufficient Entropy",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 334,
        name: "Small Space of Random Values",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 335,
        name: "Incorrect Usage of Seeds in Pseudo-Random Number Generator (PRNG)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 336,
        name: "Same Seed in Pseudo-Random Number Generator (PRNG)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 338,
        name: "Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 340,
        name: "Generation of Predictable Numbers or Identifiers",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 345,
        name: "Insufficient Verification of Data Authenticity",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 346,
        name: "Origin Validation Error",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 347,
        name: "Improper Verification of Cryptographic Signature",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 350,
        name: "Reliance on Reverse DNS Resolution for a Security-Critical Action",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 352,
        name: "Cross-Site Request Forgery (CSRF)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 354,
        name: "Improper Validation of Integrity Check Value",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 359,
        name: "Exposure of Private Personal Information to an Unauthorized Actor",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 362,
        name: "Concurrent Execution using Shared Resource with Improper Synchronization ('Race Condition')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 364,
        name: "Signal Handler Race Condition",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 367,
        name: "Time-of-check Time-of-use (TOCTOU) Race Condition",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 369,
        name: "Divide By Zero",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 372,
        name: "Incomplete Internal State Distinction",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 377,
        name: "Insecure Temporary File",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 379,
        name: "Creation of Temporary File in Directory with Insecure Permissions",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 384,
        name: "Session Fixation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 400,
        name: "Uncontrolled Resource Consumption",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 401,
        name: "Missing Release of Memory after Effective Lifetime",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 404,
        name: "Improper Resource Shutdown or Release",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 407,
        name: "Inefficient Algorithmic Complexity",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 415,
        name: "Double Free",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 416,
        name: "Use After Free",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 425,
        name: "Direct Request ('Forced Browsing')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 426,
        name: "Untrusted Search Path",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 427,
        name: "Uncontrolled Search Path Element",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 434,
        name: "Unrestricted Upload of File with Dangerous Type",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 441,
        name: "Unintended Proxy or Intermediary ('Confused Deputy')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 444,
        name: "Inconsistent Interpretation of HTTP Requests ('HTTP Request/Response Smuggling')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 451,
        name: "User Interface (UI) Misrepresentation of Critical Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 457,
        name: "Use of Uninitialized Variable",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 459,
        name: "Incomplete Cleanup",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 470,
        name: "Use of Externally-Controlled Input to Select Classes or Code ('Unsafe Reflection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 476,
        name: "NULL Pointer Dereference",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 477,
        name: "Use of Obsolete Function",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 489,
        name: "Active Debug Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 494,
        name: "Download of Code Without Integrity Check",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 497,
        name: "Exposure of Sensitive System Information to an Unauthorized Control Sphere",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 502,
        name: "Deserialization of Untrusted Data",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 506,
        name: "Embedded Malicious Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 507,
        name: "Trojan Horse",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 508,
        name: "Non-Replicating Malicious Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 509,
        name: "Replicating Malicious Code (Virus or Worm)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 510,
        name: "Trapdoor",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 511,
        name: "Logic/Time Bomb",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 512,
        name: "Spyware",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 521,
        name: "Weak Password Requirements",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 522,
        name: "Insufficiently Protected Credentials",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 523,
        name: "Unprotected Transport of Credentials",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 524,
        name: "Use of Cache Containing Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 530,
        name: "Exposure of Backup File to an Unauthorized Control Sphere",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 532,
        name: "Insertion of Sensitive Information into Log File",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 538,
        name: "Insertion of Sensitive Information into Externally-Accessible File or Directory",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 539,
        name: "Use of Persistent Cookies Containing Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 540,
        name: "Inclusion of Sensitive Information in Source Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 547,
        name: "Use of Hard-coded, Security-relevant Constants",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 549,
        name: "Missing Password Field Masking",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 552,
        name: "Files or Directories Accessible to External Parties",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 565,
        name: "Reliance on Cookies without Validation and Integrity Checking",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 598,
        name: "Use of GET Request Method With Sensitive Query Strings",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 599,
        name: "Missing Validation of OpenSSL Certificate",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 601,
        name: "URL Redirection to Untrusted Site ('Open Redirect')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 603,
        name: "Use of Client-Side Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 610,
        name: "Externally Controlled Reference to a Resource in Another Sphere",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 611,
        name: "Improper Restriction of XML External Entity Reference",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 613,
        name: "Insufficient Session Expiration",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 614,
        name: "Sensitive Cookie in HTTPS Session Without 'Secure' Attribute",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 615,
        name: "Inclusion of Sensitive Information in Source Code Comments",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 639,
        name: "Authorization Bypass Through User-Controlled Key",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 640,
        name: "Weak Password Recovery Mechanism for Forgotten Password",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 642,
        name: "External Control of Critical State Data",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 643,
        name: "Improper Neutralization of Data within XPath Expressions ('XPath Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 648,
        name: "Incorrect Use of Privileged APIs",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 649,
        name: "Reliance on Obfuscation or Encryption of Security-Relevant Inputs without Integrity Checking",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 652,
        name: "Improper Neutralization of Data within XQuery Expressions ('XQuery Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 656,
        name: "Reliance on Security Through Obscurity",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 662,
        name: "Improper Synchronization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 665,
        name: "Improper Initialization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 667,
        name: "Improper Locking",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 668,
        name: "Exposure of Resource to Wrong Sphere",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 669,
        name: "Incorrect Resource Transfer Between Spheres",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 670,
        name: "Always-Incorrect Control Flow Implementation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 674,
        name: "Uncontrolled Recursion",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 676,
        name: "Use of Potentially Dangerous Function",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 681,
        name: "Incorrect Conversion between Numeric Types",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 682,
        name: "Incorrect Calculation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 684,
        name: "Incorrect Provision of Specified Functionality",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 691,
        name: "Insufficient Control Flow Management",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 693,
        name: "Protection Mechanism Failure",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 697,
        name: "Incorrect Comparison",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 703,
        name: "Improper Check or Handling of Exceptional Conditions",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 704,
        name: "Incorrect Type Conversion or Cast",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 706,
        name: "Use of Incorrectly-Resolved Name or Reference",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 707,
        name: "Improper Neutralization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 710,
        name: "Improper Adherence to Coding Standards",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 732,
        name: "Incorrect Permission Assignment for Critical Resource",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 749,
        name: "Exposed Dangerous Method or Function",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 754,
        name: "Improper Check for Unusual or Exceptional Conditions",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 755,
        name: "Improper Handling of Exceptional Conditions",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 757,
        name: "Selection of Less-Secure Algorithm During Negotiation ('Algorithm Downgrade')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 759,
        name: "Use of a One-Way Hash without a Salt",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 760,
        name: "Use of a One-Way Hash with a Predictable Salt",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 763,
        name: "Release of Invalid Pointer or Reference",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 770,
        name: "Allocation of Resources Without Limits or Throttling",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 772,
        name: "Missing Release of Resource after Effective Lifetime",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 776,
        name: "Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 778,
        name: "Insufficient Logging",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 780,
        name: "Use of RSA Algorithm without OAEP",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 782,
        name: "Exposed IOCTL with Insufficient Access Control",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 783,
        name: "Operator Precedence Logic Error",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 784,
        name: "Reliance on Cookies without Validation and Integrity Checking in a Security Decision",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 787,
        name: "Out-of-bounds Write",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 789,
        name: "Memory Allocation with Excessive Size Value",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 798,
        name: "Use of Hard-coded Credentials",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 805,
        name: "Buffer Access with Incorrect Length Value",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 807,
        name: "Reliance on Untrusted Inputs in a Security Decision",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 823,
        name: "Use of Out-of-range Pointer Offset",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 824,
        name: "Access of Uninitialized Pointer",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 825,
        name: "Expired Pointer Dereference",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 829,
        name: "Inclusion of Functionality from Untrusted Control Sphere",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 830,
        name: "Inclusion of Web Functionality from an Untrusted Source",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 833,
        name: "Deadlock",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 834,
        name: "Excessive Iteration",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 835,
        name: "Loop with Unreachable Exit Condition ('Infinite Loop')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 838,
        name: "Inappropriate Encoding for Output Context",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 840,
        name: "Business Logic Errors",
        kind: CweKind::Category,
    },
    Cwe {
        id: 841,
        name: "Improper Enforcement of Behavioral Workflow",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 843,
        name: "Access of Resource Using Incompatible Type ('Type Confusion')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 862,
        name: "Missing Authorization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 863,
        name: "Incorrect Authorization",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 909,
        name: "Missing Initialization of Resource",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 911,
        name: "Improper Update of Reference Count",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 912,
        name: "Hidden Functionality",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 913,
        name: "Improper Control of Dynamically-Managed Code Resources",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 915,
        name: "Improperly Controlled Modification of Dynamically-Determined Object Attributes",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 916,
        name: "Use of Password Hash With Insufficient Computational Effort",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 917,
        name: "Improper Neutralization of Special Elements used in an Expression Language Statement ('Expression Language Injection')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 918,
        name: "Server-Side Request Forgery (SSRF)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 919,
        name: "Weaknesses in Mobile Applications",
        kind: CweKind::Category,
    },
    Cwe {
        id: 920,
        name: "Improper Restriction of Power Consumption",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 921,
        name: "Storage of Sensitive Data in a Mechanism without Access Control",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 922,
        name: "Insecure Storage of Sensitive Information",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 923,
        name: "Improper Restriction of Communication Channel to Intended Endpoints",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 924,
        name: "Improper Enforcement of Message Integrity During Transmission in a Communication Channel",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 925,
        name: "Improper Verification of Intent by Broadcast Receiver",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 926,
        name: "Improper Export of Android Application Components",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 927,
        name: "Use of Implicit Intent for Sensitive Communication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 939,
        name: "Improper Authorization in Handler for Custom URL Scheme",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 940,
        name: "Improper Verification of Source of a Communication Channel",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 941,
        name: "Incorrectly Specified Destination in a Communication Channel",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 942,
        name: "Permissive Cross-domain Policy with Untrusted Domains",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1004,
        name: "Sensitive Cookie Without 'HttpOnly' Flag",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1007,
        name: "Insufficient Visual Distinction of Homoglyphs Presented to User",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1021,
        name: "Improper Restriction of Rendered UI Layers or Frames",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1022,
        name: "Use of Web Link to Untrusted Target with window.opener Access",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1037,
        name: "Processor Optimization Removal or Modification of Security-critical Code",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1104,
        name: "Use of Unmaintained Third Party Components",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1188,
        name: "Initialization of a Resource with an Insecure Default",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1204,
        name: "Generation of Weak Initialization Vector (IV)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1230,
        name: "Exposure of Sensitive Information Through Metadata",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1240,
        name: "Use of a Cryptographic Primitive with a Risky Implementation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1241,
        name: "Use of Predictable Algorithm in Random Number Generator",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1247,
        name: "Improper Protection Against Voltage and Clock Glitches",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1256,
        name: "Improper Restriction of Software Interfaces to Hardware Features",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1275,
        name: "Sensitive Cookie with Improper SameSite Attribute",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1319,
        name: "Improper Protection against Electromagnetic Fault Injection (EM-FI)",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1321,
        name: "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1325,
        name: "Improperly Controlled Sequential Memory Allocation",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1332,
        name: "Improper Handling of Faults that Lead to Instruction Skips",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1333,
        name: "Inefficient Regular Expression Complexity",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1339,
        name: "Insufficient Precision or Accuracy of a Real Number",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1390,
        name: "Weak Authentication",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1391,
        name: "Use of Weak Credentials",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1392,
        name: "Use of Default Credentials",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1393,
        name: "Use of Default Password",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1394,
        name: "Use of Default Cryptographic Key",
        kind: CweKind::Weakness,
    },
    Cwe {
        id: 1395,
        name: "Dependency on Vulnerable Third-Party Component",
        kind: CweKind::Weakness,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sorted_unique_and_named() {
        assert!(CWES.windows(2).all(|w| w[0].id < w[1].id));
        assert!(
            CWES.iter()
                .all(|c| !c.name.trim().is_empty() && c.name.trim() == c.name)
        );
        assert!(CWES.len() >= 120);
    }

    #[test]
    fn lookups() {
        assert_eq!(cwe(89).map(|c| c.to_string()).as_deref(), Some("CWE-89"));
        assert_eq!(
            cwe(89).map(|c| c.name),
            Some(
                "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"
            )
        );
        assert_eq!(
            cwe(926).map(|c| c.name),
            Some("Improper Export of Android Application Components")
        );
        assert_eq!(cwe(1), None);
        assert_eq!(cwe_by_label("CWE-79").map(|c| c.id), Some(79));
        assert_eq!(cwe_by_label("cwe-79").map(|c| c.id), Some(79));
        assert_eq!(cwe_by_label(" 798 ").map(|c| c.id), Some(798));
        for bad in [
            "",
            "CWE-",
            "CWE-x",
            "CWE--1",
            "CWE-99999999999999",
            "NVD-CWE-noinfo",
            "CWÉ-1",
        ] {
            assert_eq!(cwe_by_label(bad), None, "{bad}");
        }
        assert_eq!(cwe(310).map(|c| c.kind), Some(CweKind::Category));
    }

    #[test]
    fn top_25_of_2024_is_complete() {
        for id in CWE_TOP_25_2024 {
            assert!(cwe(id).is_some(), "CWE-{id}");
        }
        let unique: std::collections::HashSet<u32> = CWE_TOP_25_2024.into_iter().collect();
        assert_eq!(unique.len(), 25);
    }
}
