//! The catalog of known SDKs, read from `catalog.toml` (compiled in) on first use.
//!
//! Each `[[sdk]]` entry has an `id`, `name`, `vendor`, `categories`, an optional `website`, and
//! fingerprints, all optional: `packages` (dotted package prefixes, matched at package
//! boundaries, or class names), `meta_data` (manifest `<meta-data>` names), `maven`
//! (`group:artifact` of `META-INF/<group>_<artifact>.version` files, `group:*` for any artifact of
//! the group; the first listed that is present gives the version), `native` (library file names,
//! one `*` allowed), `files` (entry paths; a trailing `/` matches a directory; markers only, never
//! used to attribute findings), `version_fields` (`Lcls;->NAME:Ljava/lang/String;` constants
//! holding the version), `version_strings` (prefixes of string constants followed by the
//! version, such as `okhttp/`), `hosts` (network host names only the SDK talks to, matched with
//! their subdomains; never a vendor's general domain that apps use for other reasons).
//! `tracker` overrides the default, which is true when a category is a tracker category.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// What an SDK is for. The first six are the tracker categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Analytics,
    Advertising,
    CrashReporting,
    Profiling,
    Identification,
    Location,
    Push,
    Payment,
    Social,
    Login,
    Messaging,
    Network,
    Image,
    Media,
    Maps,
    Framework,
    Webview,
    Database,
    Cloud,
    Security,
    Ui,
    Utility,
    Support,
    Hotfix,
    MachineLearning,
    Performance,
    Consent,
    Debugging,
    PlatformServices,
}

impl Category {
    pub fn is_tracker(self) -> bool {
        matches!(
            self,
            Category::Analytics
                | Category::Advertising
                | Category::CrashReporting
                | Category::Profiling
                | Category::Identification
                | Category::Location
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Analytics => "analytics",
            Category::Advertising => "advertising",
            Category::CrashReporting => "crash reporting",
            Category::Profiling => "profiling",
            Category::Identification => "identification",
            Category::Location => "location",
            Category::Push => "push",
            Category::Payment => "payment",
            Category::Social => "social",
            Category::Login => "login",
            Category::Messaging => "messaging",
            Category::Network => "network",
            Category::Image => "image loading",
            Category::Media => "media",
            Category::Maps => "maps",
            Category::Framework => "framework",
            Category::Webview => "web view",
            Category::Database => "database",
            Category::Cloud => "cloud",
            Category::Security => "security",
            Category::Ui => "UI",
            Category::Utility => "utility",
            Category::Support => "support library",
            Category::Hotfix => "hot fix",
            Category::MachineLearning => "machine learning",
            Category::Performance => "performance monitoring",
            Category::Consent => "consent management",
            Category::Debugging => "debugging",
            Category::PlatformServices => "platform services",
        }
    }
}

/// One catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub categories: Vec<Category>,
    #[serde(default)]
    pub tracker: Option<bool>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub meta_data: Vec<String>,
    #[serde(default)]
    pub maven: Vec<String>,
    #[serde(default)]
    pub native: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub version_fields: Vec<String>,
    #[serde(default)]
    pub version_strings: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    sdk: Vec<Sdk>,
}

/// `catalog.toml` as JSON, converted by the build script.
const CATALOG_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/sdk-catalog.json"));

#[cfg(test)]
const CATALOG: &str = include_str!("catalog.toml");

/// The catalog, parsed on first use.
pub fn catalog() -> &'static [Sdk] {
    static SDKS: OnceLock<Vec<Sdk>> = OnceLock::new();
    // The tests parse the TOML itself and compare, so an entry lost on the way fails them.
    SDKS.get_or_init(|| {
        serde_json::from_str::<CatalogFile>(CATALOG_JSON)
            .map(|file| file.sdk)
            .unwrap_or_default()
    })
}

#[cfg(test)]
pub(crate) fn parse(text: &str) -> Result<Vec<Sdk>, toml::de::Error> {
    Ok(toml::from_str::<CatalogFile>(text)?.sdk)
}

impl Sdk {
    pub fn is_tracker(&self) -> bool {
        self.tracker
            .unwrap_or_else(|| self.categories.iter().any(|c| c.is_tracker()))
    }

    /// The position of the first `maven` entry matching a version file's coordinates.
    pub(crate) fn maven_rank(&self, group: &str, artifact: &str) -> Option<usize> {
        self.maven.iter().position(|m| match m.split_once(':') {
            Some((g, "*")) => g == group,
            Some((g, a)) => g == group && a == artifact,
            None => false,
        })
    }

    /// The rank of the version file a version was read from (`usize::MAX` for anything else).
    pub(crate) fn source_rank(&self, source: &str) -> usize {
        source
            .strip_prefix("META-INF/")
            .and_then(|n| n.strip_suffix(".version"))
            .and_then(|n| n.split_once('_'))
            .and_then(|(g, a)| self.maven_rank(g, a))
            .unwrap_or(usize::MAX)
    }

    /// An empty inventory entry for this SDK.
    pub(crate) fn info(&self) -> super::SdkInfo {
        super::SdkInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            vendor: self.vendor.clone(),
            categories: self.categories.clone(),
            tracker: self.is_tracker(),
            website: self.website.clone(),
            version: None,
            version_source: None,
            packages: Vec::new(),
            classes: 0,
            files: Vec::new(),
            matched: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_catalog_parses_and_is_consistent() {
        let sdks = parse(CATALOG).unwrap_or_else(|e| panic!("catalog.toml: {e}"));
        assert_eq!(
            sdks,
            catalog(),
            "the embedded JSON is the TOML, entry for entry"
        );
        assert!(sdks.len() >= 150, "{} entries", sdks.len());
        let mut ids = HashSet::new();
        let mut prefixes: HashMap<&str, &str> = HashMap::new();
        for sdk in &sdks {
            assert!(ids.insert(sdk.id.as_str()), "duplicate id {}", sdk.id);
            assert!(
                sdk.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                sdk.id
            );
            assert!(!sdk.name.is_empty() && !sdk.vendor.is_empty() && !sdk.categories.is_empty());
            assert!(
                !(sdk.packages.is_empty()
                    && sdk.meta_data.is_empty()
                    && sdk.maven.is_empty()
                    && sdk.native.is_empty()
                    && sdk.files.is_empty()
                    && sdk.hosts.is_empty()),
                "{} has no fingerprint",
                sdk.id
            );
            if let Some(site) = &sdk.website {
                assert!(site.starts_with("https://"), "{}: {site}", sdk.id);
            }
            for p in &sdk.packages {
                assert!(
                    !p.is_empty() && !p.ends_with('.') && !p.contains('/') && !p.contains(' '),
                    "{}: package {p:?}",
                    sdk.id
                );
                if let Some(other) = prefixes.insert(p, &sdk.id) {
                    panic!("{p} is claimed by {other} and {}", sdk.id);
                }
            }
            for m in &sdk.maven {
                assert!(m.split_once(':').is_some(), "{}: maven {m}", sdk.id);
            }
            for f in sdk.version_fields.iter() {
                assert!(
                    f.starts_with('L') && f.contains(";->") && f.contains(':'),
                    "{}: {f}",
                    sdk.id
                );
            }
            for n in &sdk.native {
                assert!(
                    n.starts_with("lib") && n.ends_with(".so"),
                    "{}: {n}",
                    sdk.id
                );
                assert!(n.matches('*').count() <= 1);
            }
            for f in &sdk.files {
                assert!(f.matches('*').count() <= 1, "{}: {f}", sdk.id);
            }
        }
        let trackers = sdks.iter().filter(|s| s.is_tracker()).count();
        assert!(trackers >= 60, "{trackers} trackers");
    }

    /// Domains that apps reach for their own reasons (search, login, maps, storage, CDNs, the
    /// vendors' other products): neither they nor a parent of them may be a fingerprint.
    const GENERAL_DOMAINS: &[&str] = &[
        "google.com",
        "googleapis.com",
        "gstatic.com",
        "googleusercontent.com",
        "firebaseio.com",
        "firebasestorage.googleapis.com",
        "maps.googleapis.com",
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "fbcdn.net",
        "instagram.com",
        "qq.com",
        "weixin.qq.com",
        "api.weixin.qq.com",
        "tencent.com",
        "gtimg.cn",
        "baidu.com",
        "api.map.baidu.com",
        "alipay.com",
        "taobao.com",
        "alibaba.com",
        "aliyuncs.com",
        "amap.com",
        "restapi.amap.com",
        "huawei.com",
        "hicloud.com",
        "xiaomi.com",
        "mi.com",
        "vivo.com.cn",
        "oppomobile.com",
        "bytedance.com",
        "toutiao.com",
        "snssdk.com",
        "weibo.com",
        "api.weibo.com",
        "yandex.ru",
        "yandex.net",
        "amazonaws.com",
        "cloudfront.net",
        "azure.com",
        "microsoft.com",
        "apple.com",
        "twitter.com",
        "api.twitter.com",
        "github.com",
        "unity3d.com",
        "api.mapbox.com",
        "api.stripe.com",
        "kuaishou.com",
        "jd.com",
    ];

    /// A lower-case DNS name of at least two labels with an alphabetic (or IDNA) top-level domain.
    fn valid_host(host: &str) -> bool {
        let labels: Vec<&str> = host.split('.').collect();
        let tld = labels.last().copied().unwrap_or_default();
        host.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            && ((tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase()))
                || tld.starts_with("xn--"))
    }

    #[test]
    fn catalog_hosts_are_valid_specific_and_claimed_once() {
        let sdks = catalog();
        let mut owners: HashMap<&str, &str> = HashMap::new();
        for sdk in sdks {
            for host in &sdk.hosts {
                assert!(valid_host(host), "{}: host {host:?}", sdk.id);
                if let Some(other) = owners.insert(host, &sdk.id) {
                    panic!("{host} is claimed by {other} and {}", sdk.id);
                }
                for general in GENERAL_DOMAINS {
                    let covers = general == host
                        || general
                            .strip_suffix(host.as_str())
                            .is_some_and(|rest| rest.ends_with('.'));
                    assert!(!covers, "{}: {host} covers {general}", sdk.id);
                }
                // A registrable name, not a public suffix such as `com.cn`.
                let second_level = ["com.cn", "net.cn", "org.cn", "co.uk", "com.au", "co.jp"];
                assert!(!second_level.contains(&host.as_str()), "{}: {host}", sdk.id);
            }
        }
        assert!(owners.len() >= 80, "{} hosts", owners.len());
        let with_hosts = sdks.iter().filter(|s| !s.hosts.is_empty());
        let trackers = with_hosts.clone().filter(|s| s.is_tracker()).count();
        assert!(trackers >= 50, "{trackers} trackers with hosts");
        for id in [
            "umeng-analytics",
            "firebase-analytics",
            "appsflyer",
            "facebook-core",
            "adjust",
            "tencent-bugly",
            "jpush",
            "getui",
            "pangle",
        ] {
            assert!(
                with_hosts.clone().any(|s| s.id == id),
                "{id} has no host fingerprint"
            );
        }
        assert!(!valid_host("Umeng.com") && !valid_host("umeng.com.") && !valid_host("com"));
        assert!(!valid_host("-a.com") && !valid_host("a.c") && !valid_host("a.123"));
        assert!(valid_host("xn--bcher-kva.example") && valid_host("app-measurement.com"));
    }

    #[test]
    fn the_catalog_covers_the_common_sdks() {
        let ids: HashSet<&str> = catalog().iter().map(|s| s.id.as_str()).collect();
        for id in [
            "wechat-opensdk",
            "alipay",
            "umeng-analytics",
            "umeng-push",
            "baidu-map",
            "pangle",
            "jpush",
            "getui",
            "xiaomi-push",
            "huawei-push",
            "oppo-push",
            "vivo-push",
            "tencent-bugly",
            "firebase-analytics",
            "firebase-crashlytics",
            "google-play-services",
            "google-admob",
            "facebook-core",
            "appsflyer",
            "adjust",
            "okhttp",
            "retrofit",
            "glide",
            "flutter",
            "react-native",
            "unity",
        ] {
            assert!(ids.contains(id), "{id} is missing");
        }
    }

    #[test]
    fn maven_coordinates_rank_version_files() {
        let sdk = catalog()
            .iter()
            .find(|s| s.id == "firebase-analytics")
            .expect("entry");
        assert_eq!(
            sdk.maven_rank("com.google.firebase", "firebase-analytics"),
            Some(0)
        );
        assert_eq!(sdk.maven_rank("com.google.firebase", "firebase-auth"), None);
        assert_eq!(
            sdk.source_rank("META-INF/com.google.firebase_firebase-analytics.version"),
            0
        );
        assert_eq!(sdk.source_rank("string constant"), usize::MAX);
        assert!(sdk.is_tracker());
    }

    #[test]
    fn a_broken_catalog_is_an_error() {
        assert!(parse("[[sdk]]\nid = 1").is_err());
        assert!(
            parse("[[sdk]]\nid = \"x\"\nname = \"x\"\nvendor = \"x\"\ncategories = [\"nope\"]")
                .is_err()
        );
        assert!(parse("sdk = []").is_ok_and(|s| s.is_empty()));
    }
}
