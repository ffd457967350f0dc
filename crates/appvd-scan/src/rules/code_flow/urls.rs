//! URL, host and e-mail recognition for the string-pool rules, with the lists of strings that look
//! like endpoints but are not: XML namespaces, schema and licence identifiers, loopback and
//! documentation hosts, and the service hosts of the platform and of widespread SDKs.

/// A URL constant split into the parts the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url<'s> {
    /// Lower-case scheme (`http`, `https`, `ws`, `wss`, `ftp`).
    pub scheme: String,
    /// Lower-case host (a DNS name or an IPv4 literal).
    pub host: String,
    /// Everything after the authority (path, query, fragment), as written.
    pub rest: &'s str,
}

const SCHEMES: &[&str] = &["http", "https", "ws", "wss", "ftp"];

/// Parses a whole string as a network URL with a real host. Templates (`http://%s/`), strings
/// with spaces and URLs whose host is not a DNS name or an IPv4 address are not URLs here.
pub(crate) fn parse_url(text: &str) -> Option<Url<'_>> {
    let text = text.trim();
    if text.len() > 2048 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end)?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !(is_ipv4(&host) || is_domain(&host)) {
        return None;
    }
    Some(Url {
        scheme,
        host,
        rest: rest.get(authority_end..).unwrap_or(""),
    })
}

/// A dotted-quad IPv4 address.
pub(crate) fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// Longest top-level domain accepted: real ones stop around 13 letters (`international`), while
/// Java-style names used as URIs end in long class names (`http://javax.xml.XMLConstants/…`).
const MAX_TLD: usize = 13;

/// A DNS name with at least two labels and an alphabetic top-level domain.
pub(crate) fn is_domain(text: &str) -> bool {
    if text.is_empty() || text.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = text.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && (2..=MAX_TLD).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Whether `host` is `domain` or a subdomain of it.
pub(crate) fn host_in(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// The device itself or the emulator's alias for the development machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "10.0.2.2"
        || host == "10.0.3.2"
}

/// Hosts reserved for documentation and testing (RFC 2606, RFC 6761) and the documentation
/// address blocks (RFC 5737).
pub(crate) fn is_reserved(host: &str) -> bool {
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|d| host_in(host, d))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|s| host.ends_with(s))
        || ["192.0.2.", "198.51.100.", "203.0.113."]
            .iter()
            .any(|p| host.starts_with(p))
}

/// Hosts whose `http://` URLs name XML namespaces, schemas, features and licences: identifiers
/// that no code connects to.
const IDENTIFIER_HOSTS: &[&str] = &[
    "schemas.android.com",
    "w3.org",
    "xml.org",
    "apache.org",
    "adobe.com",
    "java.sun.com",
    "xmlpull.org",
    "json-schema.org",
    "purl.org",
    "xmlns.com",
    "xmlsoap.org",
    "schemas.microsoft.com",
    "openxmlformats.org",
    "exslt.org",
    "idpf.org",
    "iptc.org",
    "ns.google.com",
    "cipa.jp",
    "oasis-open.org",
    "uri.etsi.org",
    "opengis.net",
    "opensource.org",
    "gnu.org",
    "creativecommons.org",
    "dashif.org",
    "wapforum.org",
    "openmobilealliance.org",
    "jcp.org",
    "javafx.com",
    "relaxng.org",
    "docbook.org",
    "xmlsoft.org",
    "www.ietf.org",
    "tools.ietf.org",
];

/// Whether the URL is an identifier rather than a place to connect to: a namespace or schema
/// URI, an XML feature or property name, a licence, a DTD or XSD.
pub(crate) fn is_identifier(url: &Url<'_>) -> bool {
    let path = url.rest.to_ascii_lowercase();
    IDENTIFIER_HOSTS.iter().any(|d| host_in(&url.host, d))
        || url.host.starts_with("ns.")
        || url.host.starts_with("javax.")
        || url.host.starts_with("java.")
        || url.host.starts_with("schemas.")
        || url.host.starts_with("xmlns.")
        || path.ends_with(".dtd")
        || path.ends_with(".xsd")
        || path.contains("/ns/")
        || path.contains("/xmlns/")
        || path.contains("/licenses/")
        || path.contains("/license")
}

/// Service domains of the platform and of widespread SDKs (analytics, ads, crash reporting, push,
/// social login, maps): every app that embeds the SDK carries them, so they say nothing about the
/// app's own backend. Matched as domain suffixes.
const SERVICE_DOMAINS: &[&str] = &[
    // Platform and Google services.
    "android.com",
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "googleusercontent.com",
    "googlesyndication.com",
    "googleadservices.com",
    "google-analytics.com",
    "googletagmanager.com",
    "googlevideo.com",
    "doubleclick.net",
    "app-measurement.com",
    "firebase.com",
    "firebaseinstallations.googleapis.com",
    "firebaselogging.googleapis.com",
    "crashlytics.com",
    "youtube.com",
    "goo.gl",
    "g.co",
    "gvt1.com",
    "gvt2.com",
    "recaptcha.net",
    "admob.com",
    // Social and platform SDKs.
    "facebook.com",
    "facebook.net",
    "fb.com",
    "fbcdn.net",
    "instagram.com",
    "twitter.com",
    "twimg.com",
    "apple.com",
    "microsoft.com",
    "live.com",
    "linkedin.com",
    // Analytics, attribution, crash reporting, push.
    "appsflyer.com",
    "adjust.com",
    "adjust.io",
    "branch.io",
    "app.link",
    "onesignal.com",
    "amplitude.com",
    "mixpanel.com",
    "segment.io",
    "segment.com",
    "sentry.io",
    "bugsnag.com",
    "newrelic.com",
    "nr-data.net",
    "braze.com",
    "appboy.com",
    "flurry.com",
    "yandex.net",
    "appmetrica.yandex.com",
    "kochava.com",
    "singular.net",
    "urbanairship.com",
    "instabug.com",
    "datadoghq.com",
    "hotjar.com",
    "clevertap.com",
    // Ad networks.
    "applovin.com",
    "applvn.com",
    "unity3d.com",
    "unityads.unity3d.com",
    "ironsrc.com",
    "ironsrc.mobi",
    "supersonicads.com",
    "vungle.com",
    "chartboost.com",
    "tapjoy.com",
    "inmobi.com",
    "mopub.com",
    "startappservice.com",
    "pangle.io",
    "pangleglobal.com",
    "mintegral.com",
    "adcolony.com",
    // Chinese platform SDKs (push, statistics, payment, maps, social).
    "umeng.com",
    "umengcloud.com",
    "jpush.cn",
    "jiguang.cn",
    "getui.com",
    "igexin.com",
    "qq.com",
    "tencent.com",
    "gtimg.cn",
    "weixin.qq.com",
    "alipay.com",
    "alipayobjects.com",
    "amap.com",
    "autonavi.com",
    "baidu.com",
    "bdstatic.com",
    "weibo.com",
    "weibo.cn",
    "sina.com.cn",
    "xiaomi.com",
    "mi.com",
    "huawei.com",
    "hicloud.com",
    "dbankcloud.com",
    "vivo.com.cn",
    "oppomobile.com",
    "heytapmobi.com",
    "meizu.com",
    "bytedance.com",
    "snssdk.com",
    "pstatp.com",
    "toutiao.com",
    // Developer and open-source hosts that appear in library strings.
    "github.com",
    "githubusercontent.com",
    "jetbrains.com",
    "kotlinlang.org",
    "squareup.com",
    "mozilla.org",
    "oracle.com",
    "bouncycastle.org",
    "openssl.org",
    "stackoverflow.com",
];

/// Whether the host belongs to the platform or a widespread SDK.
pub(crate) fn is_service_host(host: &str) -> bool {
    SERVICE_DOMAINS.iter().any(|d| host_in(host, d))
}

/// A whole string that is one e-mail address (optionally `mailto:`), lower-cased. Image names
/// such as `icon@2x.png` fail the top-level-domain test; templates fail the character test.
pub(crate) fn parse_email(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text
        .strip_prefix("mailto:")
        .or_else(|| text.strip_prefix("MAILTO:"))
        .unwrap_or(text);
    let (local, domain) = text.split_once('@')?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
    let domain = domain.to_ascii_lowercase();
    // Image densities and file names end in an extension, not a top-level domain.
    let file_like = [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".xml", ".json", ".so",
    ]
    .iter()
    .any(|ext| domain.ends_with(ext));
    (local_ok && is_domain(&domain) && !file_like && !is_reserved(&domain))
        .then(|| format!("{}@{domain}", local.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_a_scheme_and_a_real_host() {
        let url = parse_url("http://api.acme-bank.com:8080/v1/login?x=1").expect("url");
        assert_eq!(url.scheme, "http");
        assert_eq!(url.host, "api.acme-bank.com");
        assert_eq!(url.rest, "/v1/login?x=1");
        let url = parse_url("HTTPS://user:pw@Sub.Example.co.uk/").expect("url");
        assert_eq!(
            (url.scheme.as_str(), url.host.as_str()),
            ("https", "sub.example.co.uk")
        );
        assert_eq!(
            parse_url("http://10.1.2.3/cgi").map(|u| u.host),
            Some("10.1.2.3".into())
        );
        for not_url in [
            "http://",
            "http://%s/path",
            "http://{host}/",
            "http://localhost",
            "http://host:port/",
            "see http://acme.com",
            "http://acme.com/a b",
            "file:///sdcard/x.html",
            "content://com.acme.provider/x",
            "http://1.2.3",
            "http://300.1.1.1/",
            "http://acme.c0m/",
        ] {
            assert!(parse_url(not_url).is_none(), "{not_url}");
        }
        // Single-label hosts are never endpoints on the internet.
        assert!(parse_url("http://intranet/").is_none());
    }

    #[test]
    fn identifiers_loopback_and_reserved_hosts() {
        for id in [
            "http://schemas.android.com/apk/res/android",
            "http://www.w3.org/2001/XMLSchema",
            "http://xml.org/sax/features/namespaces",
            "http://apache.org/xml/features/disallow-doctype-decl",
            "http://www.apache.org/licenses/LICENSE-2.0",
            "http://ns.adobe.com/xap/1.0/",
            "http://java.sun.com/dtd/properties.dtd",
            "http://dashif.org/guidelines/trickmode",
            "http://acme.com/schema/config.xsd",
            "http://javax.xml.XMLConstants/feature/secure-processing",
            "http://javax.xml.transform.dom.DOMSource/feature",
        ] {
            assert!(is_identifier(&parse_url(id).expect(id)), "{id}");
        }
        assert!(!is_identifier(
            &parse_url("http://api.acme.com/v1/").unwrap()
        ));
        assert!(is_loopback("127.0.0.1") && is_loopback("10.0.2.2") && is_loopback("localhost"));
        assert!(!is_loopback("10.0.0.5"));
        assert!(is_reserved("www.example.com") && is_reserved("192.0.2.10"));
        assert!(!is_reserved("myexample.com"));
        assert!(host_in("a.b.google.com", "google.com") && !host_in("notgoogle.com", "google.com"));
        assert!(is_service_host("graph.facebook.com") && !is_service_host("api.acme-bank.com"));
    }

    #[test]
    fn emails_are_whole_strings() {
        assert_eq!(
            parse_email("mailto:Support@Acme-Bank.com").as_deref(),
            Some("support@acme-bank.com")
        );
        for not_email in [
            "icon@2x.png",
            "user@example.com",
            "%s@%s",
            "a@b",
            "contact us at a@acme.com",
            "@acme.com",
        ] {
            assert_eq!(parse_email(not_email), None, "{not_email}");
        }
    }

    #[test]
    fn addresses() {
        assert!(is_ipv4("192.168.1.10") && !is_ipv4("1.2.3.4.5") && !is_ipv4("1.2.3.x"));
        assert!(
            is_domain("a.io") && !is_domain("-a.io") && !is_domain("io") && !is_domain("a..io")
        );
    }
}
