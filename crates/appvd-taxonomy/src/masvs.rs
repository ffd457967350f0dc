//! OWASP MASVS v2 controls, grouped by category, with appvd's own one-sentence summaries in
//! English and Chinese.

use std::fmt;

use serde::Serialize;

/// A MASVS v2 control group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MasvsCategory {
    /// MASVS-STORAGE
    Storage,
    /// MASVS-CRYPTO
    Crypto,
    /// MASVS-AUTH
    Auth,
    /// MASVS-NETWORK
    Network,
    /// MASVS-PLATFORM
    Platform,
    /// MASVS-CODE
    Code,
    /// MASVS-RESILIENCE
    Resilience,
    /// MASVS-PRIVACY
    Privacy,
}

impl MasvsCategory {
    /// Every category, in MASVS order.
    pub const ALL: [MasvsCategory; 8] = [
        MasvsCategory::Storage,
        MasvsCategory::Crypto,
        MasvsCategory::Auth,
        MasvsCategory::Network,
        MasvsCategory::Platform,
        MasvsCategory::Code,
        MasvsCategory::Resilience,
        MasvsCategory::Privacy,
    ];

    /// The id, e.g. `MASVS-STORAGE`.
    pub fn id(self) -> &'static str {
        match self {
            MasvsCategory::Storage => "MASVS-STORAGE",
            MasvsCategory::Crypto => "MASVS-CRYPTO",
            MasvsCategory::Auth => "MASVS-AUTH",
            MasvsCategory::Network => "MASVS-NETWORK",
            MasvsCategory::Platform => "MASVS-PLATFORM",
            MasvsCategory::Code => "MASVS-CODE",
            MasvsCategory::Resilience => "MASVS-RESILIENCE",
            MasvsCategory::Privacy => "MASVS-PRIVACY",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            MasvsCategory::Storage => "Storage",
            MasvsCategory::Crypto => "Cryptography",
            MasvsCategory::Auth => "Authentication and authorization",
            MasvsCategory::Network => "Network communication",
            MasvsCategory::Platform => "Platform interaction",
            MasvsCategory::Code => "Code quality",
            MasvsCategory::Resilience => "Resilience against reverse engineering and tampering",
            MasvsCategory::Privacy => "Privacy",
        }
    }

    /// Chinese name.
    pub fn name_zh(self) -> &'static str {
        match self {
            MasvsCategory::Storage => "数据存储",
            MasvsCategory::Crypto => "密码学",
            MasvsCategory::Auth => "认证与授权",
            MasvsCategory::Network => "网络通信",
            MasvsCategory::Platform => "平台交互",
            MasvsCategory::Code => "代码质量",
            MasvsCategory::Resilience => "抗逆向与防篡改",
            MasvsCategory::Privacy => "隐私",
        }
    }

    /// The controls of this category.
    pub fn controls(self) -> impl Iterator<Item = &'static MasvsControl> {
        MASVS_CONTROLS.iter().filter(move |c| c.category == self)
    }
}

impl fmt::Display for MasvsCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One MASVS v2 control. `Display` gives its id, e.g. `MASVS-STORAGE-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MasvsControl {
    /// The id, e.g. `MASVS-STORAGE-1`.
    pub id: &'static str,
    /// Its category.
    pub category: MasvsCategory,
    /// One-sentence summary in English.
    pub description_en: &'static str,
    /// One-sentence summary in Chinese.
    pub description_zh: &'static str,
}

impl fmt::Display for MasvsControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// The control with this id; accepts `MASVS-STORAGE-1` and the short `STORAGE-1`, in any case.
pub fn masvs_control(id: &str) -> Option<&'static MasvsControl> {
    let id = id.trim();
    MASVS_CONTROLS.iter().find(|c| {
        c.id.eq_ignore_ascii_case(id)
            || c.id
                .strip_prefix("MASVS-")
                .is_some_and(|short| short.eq_ignore_ascii_case(id))
    })
}

/// All 24 controls, in MASVS order.
pub fn masvs_controls() -> &'static [MasvsControl] {
    &MASVS_CONTROLS
}

macro_rules! control {
    ($id:literal, $category:ident, $en:literal, $zh:literal) => {
        MasvsControl {
            id: $id,
            category: MasvsCategory::$category,
            description_en: $en,
            description_zh: $zh,
        }
    };
}

static MASVS_CONTROLS: [MasvsControl; 24] = [
    control!(
        "MASVS-STORAGE-1",
        Storage,
        "Sensitive data the app keeps on the device is stored with protection suited to it.",
        "应用保存在设备上的敏感数据采用与其敏感程度相称的方式加以保护。"
    ),
    control!(
        "MASVS-STORAGE-2",
        Storage,
        "Sensitive data does not leak through logs, backups, the clipboard, shared storage or similar side paths.",
        "敏感数据不会经由日志、备份、剪贴板、共享存储等旁路泄露。"
    ),
    control!(
        "MASVS-CRYPTO-1",
        Crypto,
        "The app uses current, strong cryptographic algorithms and uses them correctly.",
        "应用使用当前公认安全的强密码算法，并以正确的方式使用。"
    ),
    control!(
        "MASVS-CRYPTO-2",
        Crypto,
        "Cryptographic keys are generated, stored and used following established key-management practice.",
        "密钥的生成、存储和使用遵循成熟的密钥管理实践。"
    ),
    control!(
        "MASVS-AUTH-1",
        Auth,
        "Authentication and authorization rely on secure protocols, enforced by the remote endpoint.",
        "认证与授权采用安全的协议，并由远端服务强制执行。"
    ),
    control!(
        "MASVS-AUTH-2",
        Auth,
        "Local authentication on the device (biometrics, PIN) is implemented securely.",
        "设备本地认证（生物识别、PIN 码等）的实现是安全的。"
    ),
    control!(
        "MASVS-AUTH-3",
        Auth,
        "Sensitive operations require additional authentication.",
        "敏感操作需要进行额外的身份认证。"
    ),
    control!(
        "MASVS-NETWORK-1",
        Network,
        "All network traffic is protected by properly configured secure transport.",
        "所有网络流量均通过正确配置的安全传输通道加以保护。"
    ),
    control!(
        "MASVS-NETWORK-2",
        Network,
        "The app pins the identity of the remote endpoints under the developer's control.",
        "应用对开发者自有的远端服务进行身份绑定（证书或公钥固定）。"
    ),
    control!(
        "MASVS-PLATFORM-1",
        Platform,
        "Inter-process communication mechanisms are used securely.",
        "进程间通信机制得到安全使用。"
    ),
    control!(
        "MASVS-PLATFORM-2",
        Platform,
        "WebViews are configured and used securely.",
        "WebView 的配置与使用是安全的。"
    ),
    control!(
        "MASVS-PLATFORM-3",
        Platform,
        "The user interface does not expose sensitive data and resists overlay and screen-capture abuse.",
        "用户界面不暴露敏感数据，并能抵御界面覆盖和截屏等滥用。"
    ),
    control!(
        "MASVS-CODE-1",
        Code,
        "The app requires an up-to-date platform version.",
        "应用要求运行在较新的平台版本上。"
    ),
    control!(
        "MASVS-CODE-2",
        Code,
        "The app has a mechanism to make users install updates.",
        "应用具备促使用户安装更新的机制。"
    ),
    control!(
        "MASVS-CODE-3",
        Code,
        "The app does not ship components with known vulnerabilities.",
        "应用不包含存在已知漏洞的组件。"
    ),
    control!(
        "MASVS-CODE-4",
        Code,
        "Input from untrusted sources is validated and sanitized before use.",
        "来自不可信来源的输入在使用前经过校验和净化。"
    ),
    control!(
        "MASVS-RESILIENCE-1",
        Resilience,
        "The app checks the integrity of the platform it runs on, such as root or emulator status.",
        "应用校验其运行平台的完整性，例如是否已 root 或运行于模拟器。"
    ),
    control!(
        "MASVS-RESILIENCE-2",
        Resilience,
        "The app detects and resists tampering with its own code and resources.",
        "应用能够发现并抵御对自身代码和资源的篡改。"
    ),
    control!(
        "MASVS-RESILIENCE-3",
        Resilience,
        "The app makes static analysis harder, for example by obfuscation.",
        "应用通过混淆等手段增加静态分析的难度。"
    ),
    control!(
        "MASVS-RESILIENCE-4",
        Resilience,
        "The app makes dynamic analysis harder, for example by detecting debuggers and instrumentation.",
        "应用通过检测调试器和插桩工具等手段增加动态分析的难度。"
    ),
    control!(
        "MASVS-PRIVACY-1",
        Privacy,
        "The app keeps its access to sensitive data and device resources to the minimum it needs.",
        "应用对敏感数据和设备资源的访问保持在必要的最小范围。"
    ),
    control!(
        "MASVS-PRIVACY-2",
        Privacy,
        "The app avoids identifying or tracking users beyond what its purpose requires.",
        "应用避免超出其用途所需去识别或追踪用户。"
    ),
    control!(
        "MASVS-PRIVACY-3",
        Privacy,
        "The app is transparent about what data it collects and how it uses it.",
        "应用对其收集哪些数据以及如何使用保持透明。"
    ),
    control!(
        "MASVS-PRIVACY-4",
        Privacy,
        "Users keep control over their data, including consent and deletion.",
        "用户能够掌控自己的数据，包括同意与删除。"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_well_formed_unique_and_match_their_category() {
        let mut seen = std::collections::HashSet::new();
        for control in &MASVS_CONTROLS {
            assert!(seen.insert(control.id), "{} twice", control.id);
            let rest = control.id.strip_prefix(control.category.id()).unwrap_or("");
            let number = rest.strip_prefix('-').unwrap_or("");
            assert!(
                matches!(number, "1" | "2" | "3" | "4"),
                "{} is not CATEGORY-N of {}",
                control.id,
                control.category
            );
            assert!(control.description_en.ends_with('.'));
            assert!(control.description_zh.ends_with('。'));
        }
        assert_eq!(seen.len(), 24);
    }

    #[test]
    fn every_category_numbers_its_controls_from_one() {
        for category in MasvsCategory::ALL {
            let ids: Vec<&str> = category.controls().map(|c| c.id).collect();
            let expected: Vec<String> = (1..=ids.len())
                .map(|n| format!("{}-{n}", category.id()))
                .collect();
            assert_eq!(ids, expected);
        }
    }

    #[test]
    fn lookup_accepts_long_and_short_ids() {
        assert_eq!(
            masvs_control("MASVS-STORAGE-1").map(|c| c.category),
            Some(MasvsCategory::Storage)
        );
        assert_eq!(
            masvs_control("platform-2").map(|c| c.id),
            Some("MASVS-PLATFORM-2")
        );
        assert_eq!(masvs_control("MASVS-STORAGE-3"), None);
        assert_eq!(masvs_control("STORAGE"), None);
    }
}
