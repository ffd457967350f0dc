//! Network-host fingerprints: the host names in an app's string constants, and the catalog hosts
//! they fall under.
//!
//! [`for_each_host`] finds the host of a string constant that is a URL (any scheme, with or
//! without a port, user or path), a protocol-relative URL or a bare host name, and of each URL in
//! a sentence. Hosts are normalised the way resolvers see them: lower case, no trailing dot,
//! Unicode labels in their `xn--` (IDNA) form, full-width letters and ideographic full stops
//! mapped to ASCII. A host built from a template (`%s.umeng.com`) keeps its literal tail.
//! [`HostIndex`] maps catalog hosts to their SDK; a host matches a catalog host when it is that
//! host or one of its subdomains, the most specific catalog host winning, with one hash lookup per
//! label of the found host.

use std::borrow::Cow;
use std::collections::HashMap;

use super::catalog::Sdk;

/// Longest string looked at: longer constants are scripts, JSON or certificates, not endpoints.
const MAX_TEXT: usize = 4096;
/// Longest DNS name (RFC 1035), and longest label.
const MAX_HOST: usize = 253;
const MAX_LABEL: usize = 63;
/// Most URLs taken from one sentence.
const MAX_URLS_PER_TEXT: usize = 8;

/// Whether the bytes of a string (UTF-8 or MUTF-8) can hold a host: a cheap test before decoding,
/// for a dot or one of the full stops IDNA reads as a dot.
pub(crate) fn may_hold_host(bytes: &[u8]) -> bool {
    const IDEOGRAPHIC_STOP: [u8; 3] = [0xe3, 0x80, 0x82];
    const FULLWIDTH_STOP: [u8; 3] = [0xef, 0xbc, 0x8e];
    const HALFWIDTH_STOP: [u8; 3] = [0xef, 0xbd, 0xa1];
    (4..=MAX_TEXT).contains(&bytes.len())
        && (bytes.contains(&b'.')
            || (!bytes.is_ascii()
                && bytes
                    .windows(3)
                    .any(|w| w == IDEOGRAPHIC_STOP || w == FULLWIDTH_STOP || w == HALFWIDTH_STOP)))
}

/// Calls `f` with every host a string constant names, normalised.
#[cfg(test)]
fn for_each_host(text: &str, f: impl FnMut(&str)) {
    scan(text, &|_| true, f);
}

/// [`for_each_host`] for the hosts whose top-level domain `tld_wanted` accepts (tested before
/// any normalisation, on ASCII names): most dotted constants are class, property and action
/// names, and this keeps them cheap.
fn scan(text: &str, tld_wanted: &dyn Fn(&str) -> bool, mut f: impl FnMut(&str)) {
    if text.len() > MAX_TEXT {
        return;
    }
    let text = text.trim();
    let spaced = if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_whitespace())
    } else {
        text.contains(char::is_whitespace)
    };
    if !spaced {
        if let Some(host) = host_of(text, tld_wanted) {
            f(&host);
        }
        return;
    }
    // A sentence: only the tokens that are URLs, since words ending in a dot are not hosts.
    if !text.contains("://") {
        return;
    }
    let urls = text
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')'))
        .filter(|token| token.contains("://"))
        .take(MAX_URLS_PER_TEXT);
    for token in urls {
        if let Some(host) = host_of(token, tld_wanted) {
            f(&host);
        }
    }
}

/// The host of one token without whitespace: the authority of a URL, or the token up to its
/// first `/`, `:`, `?` or `#`.
fn host_of<'t>(token: &'t str, tld_wanted: &dyn Fn(&str) -> bool) -> Option<Cow<'t, str>> {
    // Delimiters are ASCII, so byte positions are character boundaries. A scheme has no `:`, so
    // the first one is the only place `://` can start.
    let separator = find_byte(token, b":")
        .filter(|&at| token.as_bytes().get(at + 1..at + 3) == Some(b"//".as_slice()));
    let split = separator.and_then(|at| Some((token.get(..at)?, token.get(at + 3..)?)));
    let (authority, url) = match split {
        Some((scheme, rest)) => {
            let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
            if !scheme_ok {
                return None;
            }
            (rest, true)
        }
        None => match token.strip_prefix("//") {
            Some(rest) => (rest, true),
            None => (token, false),
        },
    };
    let end = find_byte(authority, b"/?#\\").unwrap_or(authority.len());
    let mut host = authority.get(..end)?;
    if url {
        // `user:password@host` only in a URL: a bare `name@domain` is an e-mail address.
        if let Some(at) = host.bytes().rposition(|b| b == b'@') {
            host = host.get(at + 1..)?;
        }
    }
    if host.starts_with('[') {
        return None; // an IPv6 literal
    }
    // A port, or a `key:value` pair, ends the name.
    if let Some(colon) = find_byte(host, b":") {
        host = host.get(..colon)?;
    }
    if host.is_ascii() {
        let name = host.trim_end_matches('.');
        let tld = name
            .bytes()
            .rposition(|b| b == b'.')
            .and_then(|dot| name.get(dot + 1..))?;
        if !tld_wanted(tld) {
            return None;
        }
    }
    normalize(host)
}

/// The byte position of the first of the ASCII bytes `set` in `text`.
fn find_byte(text: &str, set: &[u8]) -> Option<usize> {
    text.bytes().position(|b| set.contains(&b))
}

/// The host name in resolver form, reduced to its trailing run of valid labels (what follows a
/// template placeholder), or `None` when fewer than two labels remain.
fn normalize(raw: &str) -> Option<Cow<'_, str>> {
    let raw = raw.trim_end_matches(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}']);
    if raw.is_empty() || raw.len() > MAX_HOST * 4 {
        return None;
    }
    let host: Cow<'_, str> = if raw.is_ascii() {
        if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(raw.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw)
        }
    } else {
        Cow::Owned(ascii_form(raw)?)
    };
    // The trailing run of valid labels, its length and its top-level domain.
    let (mut tail_len, mut labels, mut tld) = (0usize, 0usize, "");
    for label in host.rsplit('.') {
        if !valid_label(label) {
            break;
        }
        if labels == 0 {
            tld = label;
            tail_len = label.len();
        } else {
            tail_len += label.len() + 1;
        }
        labels += 1;
        if tail_len > MAX_HOST {
            return None;
        }
    }
    let tld_ok =
        (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())) || tld.starts_with("xn--");
    if labels < 2 || !tld_ok {
        return None; // one label, version numbers, addresses
    }
    let start = host.len().checked_sub(tail_len)?;
    Some(match host {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(start..)?),
        Cow::Owned(mut s) => {
            s.drain(..start);
            Cow::Owned(s)
        }
    })
}

/// A DNS label of letters, digits and hyphens, not starting or ending with a hyphen.
fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The ASCII form of a host with non-ASCII characters: lower case, the full stops IDNA treats
/// as dots, full-width ASCII mapped to ASCII, and Punycode for labels that stay non-ASCII.
fn ascii_form(raw: &str) -> Option<String> {
    let mut mapped = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = match c {
            '\u{3002}' | '\u{ff0e}' | '\u{ff61}' => '.',
            // Full-width forms of printable ASCII (compatibility mapping).
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0)?,
            c => c,
        };
        mapped.extend(c.to_lowercase());
    }
    let mut out = String::with_capacity(mapped.len() + 8);
    for (i, label) in mapped.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() || label.chars().count() > MAX_LABEL {
            // Too long for a label either way: left as is, which makes it invalid.
            out.push_str(label);
        } else {
            out.push_str("xn--");
            out.push_str(&punycode(label)?);
        }
    }
    Some(out)
}

/// Punycode (RFC 3492) of one label; `None` on overflow.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    const INITIAL_BIAS: u32 = 72;
    const INITIAL_N: u32 = 128;

    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
    }
    fn digit(d: u32) -> char {
        // 0..=25 are a..z, 26..=35 are 0..9.
        let byte = if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        };
        char::from(byte)
    }

    let input: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(out.len()).ok()?;
    let total = u32::try_from(input.len()).ok()?;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while handled < total {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// Catalog hosts, each owned by one SDK, with the SDKs' website hosts (a link to the vendor's
/// site or privacy policy is not traffic of the SDK).
pub(crate) struct HostIndex {
    owner: HashMap<&'static str, usize>,
    websites: HashMap<usize, String>,
    /// The top-level domains of the catalog hosts.
    tlds: Vec<&'static str>,
}

impl HostIndex {
    pub(crate) fn new(sdks: impl Iterator<Item = (usize, &'static Sdk)>) -> Self {
        let mut owner = HashMap::new();
        let mut websites = HashMap::new();
        for (i, sdk) in sdks {
            if sdk.hosts.is_empty() {
                continue;
            }
            for host in &sdk.hosts {
                owner.entry(host.as_str()).or_insert(i);
            }
            if let Some(site) = sdk.website.as_deref().and_then(|w| host_of(w, &|_| true)) {
                websites.insert(i, site.into_owned());
            }
        }
        let mut tlds: Vec<&'static str> =
            owner.keys().filter_map(|h| h.rsplit('.').next()).collect();
        tlds.sort_unstable();
        tlds.dedup();
        HostIndex {
            owner,
            websites,
            tlds,
        }
    }

    /// Calls `f` with each host of a string constant that falls under a catalog host, and the
    /// SDK owning it.
    pub(crate) fn find(&self, text: &str, mut f: impl FnMut(usize, &str)) {
        let tld_wanted = |tld: &str| self.tlds.iter().any(|t| t.eq_ignore_ascii_case(tld));
        scan(text, &tld_wanted, |host| {
            if let Some(i) = self.lookup(host) {
                f(i, host);
            }
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.owner.is_empty()
    }

    /// The SDK owning a normalised host: the host itself, then its parent domains from the
    /// longest. The SDK's own website is not a match.
    pub(crate) fn lookup(&self, host: &str) -> Option<usize> {
        let mut rest = host;
        loop {
            if let Some(&i) = self.owner.get(rest) {
                let website = self.websites.get(&i).is_some_and(|w| w == host);
                return (!website).then_some(i);
            }
            rest = rest.split_once('.')?.1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_host(text, |h| out.push(h.to_owned()));
        out
    }

    fn host(text: &str) -> Option<String> {
        let all = hosts(text);
        assert!(all.len() <= 1, "{text}: {all:?}");
        all.into_iter().next()
    }

    #[test]
    fn schemes_ports_paths_and_users_are_stripped() {
        for (text, want) in [
            ("https://ulogs.umeng.com/unify_logs", "ulogs.umeng.com"),
            (
                "HTTPS://ULogs.Umeng.COM:443/unify_logs?x=1#f",
                "ulogs.umeng.com",
            ),
            (
                "wss://user:secret@push.example.org:8443",
                "push.example.org",
            ),
            ("tcp://s.jpush.cn:7000", "s.jpush.cn"),
            ("//cdn.example.net/sdk.js", "cdn.example.net"),
            ("app-measurement.com", "app-measurement.com"),
            ("ulogs.umeng.com/unify_logs", "ulogs.umeng.com"),
            ("ulogs.umeng.com:80", "ulogs.umeng.com"),
            ("  umeng.com.  ", "umeng.com"),
            ("https://%s.umeng.com/x", "umeng.com"),
            ("https://{region}.adjust.com", "adjust.com"),
        ] {
            assert_eq!(host(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn idn_and_case_are_normalised() {
        // RFC 3492 and IDNA test values.
        assert_eq!(punycode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(punycode("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(punycode("例え").as_deref(), Some("r8jz45g"));
        assert_eq!(
            host("https://Bücher.example/shop").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            host("http://BÜCHER.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        // Full-width letters and the ideographic full stop.
        assert_eq!(host("ｕｍｅｎｇ。ＣＯＭ").as_deref(), Some("umeng.com"));
        assert_eq!(
            host("https://ulogs．umeng．com/").as_deref(),
            Some("ulogs.umeng.com")
        );
    }

    #[test]
    fn the_byte_test_keeps_every_candidate() {
        for text in [
            "a.bc",
            "https://ulogs.umeng.com/",
            "ｕｍｅｎｇ。ＣＯＭ",
            "ｕｍｅｎｇ．ｃｏｍ",
            "ｕｍｅｎｇ｡ｃｏｍ",
        ] {
            assert!(may_hold_host(text.as_bytes()), "{text}");
        }
        for text in ["", "a.b", "MobclickAgent", "欢迎使用", &"a.".repeat(3000)] {
            assert!(!may_hold_host(text.as_bytes()), "{text}");
        }
        // A sentence without spaces: labels too long for DNS are not encoded.
        assert_eq!(
            host(&format!("{}。umeng。com", "长".repeat(80))).as_deref(),
            Some("umeng.com")
        );
        assert_eq!(host(&"长。".repeat(500)), None);
    }

    #[test]
    fn sentences_give_their_urls() {
        assert_eq!(
            hosts(
                "upload to https://app.adjust.com/session failed (see \"http://help.acme.io/x\")"
            ),
            ["app.adjust.com", "help.acme.io"]
        );
        assert!(hosts("Visit umeng.com for details.").is_empty());
    }

    #[test]
    fn other_strings_are_not_hosts() {
        for text in [
            "",
            "com/umeng/analytics/MobclickAgent",
            "Lcom/umeng/analytics/MobclickAgent;",
            "MobclickAgent",
            "1.2.3",
            "10.0.0.1",
            "4.12.0-beta",
            "support@umeng.com",
            "mailto:support@umeng.com",
            "https://[2001:db8::1]/",
            "https://%s/api",
            "http://",
            "a.b",
            "umeng_com",
            "://umeng.com",
            "-x://umeng.com",
        ] {
            assert_eq!(host(text), None, "{text}");
        }
        assert_eq!(host(&"a.".repeat(3000)), None);
        assert_eq!(host(&format!("{}com", "a.".repeat(200))), None);
    }

    fn index(toml: &str) -> (Vec<&'static Sdk>, HostIndex) {
        let sdks: &'static [Sdk] = Box::leak(
            super::super::catalog::parse(toml)
                .expect("test catalog")
                .into_boxed_slice(),
        );
        let index = HostIndex::new(sdks.iter().enumerate());
        (sdks.iter().collect(), index)
    }

    #[test]
    fn subdomains_match_and_the_most_specific_host_wins() {
        let (sdks, index) = index(
            r#"
            [[sdk]]
            id = "a"
            name = "A"
            vendor = "V"
            categories = ["analytics"]
            website = "https://www.vendor-a.com"
            hosts = ["vendor-a.com", "xn--bcher-kva.example"]
            [[sdk]]
            id = "b"
            name = "B"
            vendor = "V"
            categories = ["push"]
            hosts = ["push.vendor-a.com"]
            "#,
        );
        let id = |h: &str| index.lookup(h).map(|i| sdks[i].id.as_str());
        assert_eq!(id("vendor-a.com"), Some("a"));
        assert_eq!(id("logs.eu.vendor-a.com"), Some("a"));
        assert_eq!(id("push.vendor-a.com"), Some("b"));
        assert_eq!(id("x.push.vendor-a.com"), Some("b"));
        assert_eq!(id("evilvendor-a.com"), None);
        assert_eq!(id("vendor-a.com.evil.net"), None);
        assert_eq!(id("www.vendor-a.com"), None, "the vendor's website");
        assert_eq!(id("com"), None);
        let found = host("https://BÜCHER.example/x").and_then(|h| id(&h));
        assert_eq!(found, Some("a"));
    }

    #[test]
    fn catalog_hosts_match() {
        let sdks = super::super::catalog();
        let index = HostIndex::new(sdks.iter().enumerate());
        // Through `find`, which skips names whose top-level domain no catalog host has.
        let id = |text: &str| {
            let mut found = Vec::new();
            index.find(text, |i, _| {
                found.extend(sdks.get(i).map(|s| s.id.as_str()))
            });
            assert!(found.len() <= 1, "{text}: {found:?}");
            found.pop()
        };
        assert_eq!(
            id("https://ulogs.umeng.com/unify_logs"),
            Some("umeng-analytics")
        );
        assert_eq!(id("umeng.com"), Some("umeng-analytics"));
        assert_eq!(id("https://evilumeng.com/"), None);
        assert_eq!(id("https://umeng.com.evil.example/"), None);
        assert_eq!(
            id("https://app-measurement.com/a"),
            Some("firebase-analytics")
        );
        assert_eq!(
            id("https://android.bugly.qq.com/rqd/async"),
            Some("tencent-bugly")
        );
        assert_eq!(
            id("https://graph.facebook.com/v18.0/"),
            Some("facebook-core")
        );
        assert_eq!(id("https://www.facebook.com/"), None);
        assert_eq!(id("https://api.qq.com/"), None);
        assert_eq!(id("https://www.google.com/"), None);
        assert_eq!(id("HTTPS://ULOGS.UMENG.COM./x"), Some("umeng-analytics"));
        assert_eq!(id("https://%s.umeng.com/x"), Some("umeng-analytics"));
        assert_eq!(
            id("ｕｌｏｇｓ。ｕｍｅｎｇ。ｃｏｍ"),
            Some("umeng-analytics")
        );
        assert_eq!(id("android.intent.action.VIEW"), None);
        assert_eq!(id("com.umeng.analytics.MobclickAgent"), None);
        assert!(index.tlds.contains(&"com") && !index.tlds.contains(&"view"));
    }

    proptest::proptest! {
        /// Any constant, however hostile, yields only well-formed ASCII host names (or none) and
        /// never panics; the index lookup accepts whatever the scanner yields.
        #[test]
        fn any_text_yields_only_well_formed_hosts(text in "\\PC{0,300}") {
            let index = HostIndex::new(super::super::catalog().iter().enumerate());
            for found in hosts(&text) {
                proptest::prop_assert!(found.len() <= MAX_HOST, "{found}");
                proptest::prop_assert!(found.split('.').all(valid_label), "{found}");
                index.find(&found, |_, _| {});
            }
            index.find(&text, |_, _| {});
        }

        #[test]
        fn url_shaped_text_is_handled(
            scheme in "[a-zA-Z]{0,6}",
            host in "[\\p{L}\\p{N}.\\-%{}。．]{0,80}",
            tail in "\\PC{0,40}",
        ) {
            let text = format!("{scheme}://{host}{tail}");
            for found in hosts(&text) {
                proptest::prop_assert!(found.is_ascii() && found.len() <= MAX_HOST, "{found}");
            }
        }

        #[test]
        fn punycode_never_panics(label in "\\PC{0,70}") {
            if let Some(encoded) = punycode(&label) {
                proptest::prop_assert!(encoded.is_ascii());
            }
        }
    }
}
