//! Resource ids of `android:` attributes.
//!
//! Android looks manifest and resource attributes up by resource id, never by name, which is
//! why obfuscators can blank or rename the name strings without breaking an app. The views in
//! this crate do the same: every attribute they read is named here by id, and
//! [`name_of`] recovers the public name of any id (API 1 to 34) for rendering.

use crate::android_attrs_table::ANDROID_ATTRIBUTES;

/// The android namespace URI.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

/// The public name of an `android:attr` resource id (`0x0101000f` → `debuggable`).
pub fn name_of(id: u32) -> Option<&'static str> {
    ANDROID_ATTRIBUTES
        .binary_search_by_key(&id, |&(ident, _)| ident)
        .ok()
        .map(|i| ANDROID_ATTRIBUTES[i].1)
}

/// The resource id of a public `android:attr` name (`debuggable` → `0x0101000f`).
pub fn id_of(name: &str) -> Option<u32> {
    ANDROID_ATTRIBUTES
        .iter()
        .find(|&&(_, n)| n == name)
        .map(|&(id, _)| id)
}

/// Named ids of the attributes the typed views read.
pub mod attr {
    macro_rules! attribute_ids {
        ($($name:ident = $id:literal;)*) => {
            $(#[allow(missing_docs)] pub const $name: u32 = $id;)*
            #[cfg(test)]
            pub(crate) const ALL: &[(&str, u32)] = &[$((stringify!($name), $id),)*];
        };
    }

    attribute_ids! {
        THEME = 0x0101_0000;
        LABEL = 0x0101_0001;
        ICON = 0x0101_0002;
        NAME = 0x0101_0003;
        ALLOW_CLEAR_USER_DATA = 0x0101_0005;
        PERMISSION = 0x0101_0006;
        READ_PERMISSION = 0x0101_0007;
        WRITE_PERMISSION = 0x0101_0008;
        PROTECTION_LEVEL = 0x0101_0009;
        PERMISSION_GROUP = 0x0101_000a;
        SHARED_USER_ID = 0x0101_000b;
        HAS_CODE = 0x0101_000c;
        PERSISTENT = 0x0101_000d;
        ENABLED = 0x0101_000e;
        DEBUGGABLE = 0x0101_000f;
        EXPORTED = 0x0101_0010;
        PROCESS = 0x0101_0011;
        TASK_AFFINITY = 0x0101_0012;
        MULTIPROCESS = 0x0101_0013;
        FINISH_ON_TASK_LAUNCH = 0x0101_0014;
        CLEAR_TASK_ON_LAUNCH = 0x0101_0015;
        EXCLUDE_FROM_RECENTS = 0x0101_0017;
        AUTHORITIES = 0x0101_0018;
        SYNCABLE = 0x0101_0019;
        INIT_ORDER = 0x0101_001a;
        GRANT_URI_PERMISSIONS = 0x0101_001b;
        PRIORITY = 0x0101_001c;
        LAUNCH_MODE = 0x0101_001d;
        DESCRIPTION = 0x0101_0020;
        VALUE = 0x0101_0024;
        RESOURCE = 0x0101_0025;
        MIME_TYPE = 0x0101_0026;
        SCHEME = 0x0101_0027;
        HOST = 0x0101_0028;
        PORT = 0x0101_0029;
        PATH = 0x0101_002a;
        PATH_PREFIX = 0x0101_002b;
        PATH_PATTERN = 0x0101_002c;
        TARGET_ACTIVITY = 0x0101_0202;
        ALWAYS_RETAIN_TASK_STATE = 0x0101_0203;
        ALLOW_TASK_REPARENTING = 0x0101_0204;
        MIN_SDK_VERSION = 0x0101_020c;
        VERSION_CODE = 0x0101_021b;
        VERSION_NAME = 0x0101_021c;
        NO_HISTORY = 0x0101_022d;
        TARGET_SDK_VERSION = 0x0101_0270;
        MAX_SDK_VERSION = 0x0101_0271;
        TEST_ONLY = 0x0101_0272;
        BACKUP_AGENT = 0x0101_027f;
        ALLOW_BACKUP = 0x0101_0280;
        GL_ES_VERSION = 0x0101_0281;
        REQUIRED = 0x0101_028e;
        INSTALL_LOCATION = 0x0101_02b7;
        LARGE_HEAP = 0x0101_035a;
        ISOLATED_PROCESS = 0x0101_03a9;
        SINGLE_USER = 0x0101_03bf;
        DOCUMENT_LAUNCH_MODE = 0x0101_0445;
        FULL_BACKUP_ONLY = 0x0101_0473;
        EXTRACT_NATIVE_LIBS = 0x0101_04ea;
        FULL_BACKUP_CONTENT = 0x0101_04eb;
        USES_CLEARTEXT_TRAFFIC = 0x0101_04ec;
        AUTO_VERIFY = 0x0101_04ee;
        DIRECT_BOOT_AWARE = 0x0101_0505;
        NETWORK_SECURITY_CONFIG = 0x0101_0527;
        COMPILE_SDK_VERSION = 0x0101_0572;
        COMPILE_SDK_VERSION_CODENAME = 0x0101_0573;
        VERSION_CODE_MAJOR = 0x0101_0576;
        APP_COMPONENT_FACTORY = 0x0101_057a;
        FOREGROUND_SERVICE_TYPE = 0x0101_0599;
        HAS_FRAGILE_USER_DATA = 0x0101_059a;
        REQUEST_LEGACY_EXTERNAL_STORAGE = 0x0101_0603;
        PRESERVE_LEGACY_EXTERNAL_STORAGE = 0x0101_0614;
        PATH_SUFFIX = 0x0101_061e;
        PATH_ADVANCED_PATTERN = 0x0101_0620;
        DATA_EXTRACTION_RULES = 0x0101_063e;
        USES_PERMISSION_FLAGS = 0x0101_0644;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(
            ANDROID_ATTRIBUTES
                .windows(2)
                .all(|pair| pair[0].0 < pair[1].0)
        );
        assert!(ANDROID_ATTRIBUTES.len() > 1500);
    }

    #[test]
    fn named_constants_agree_with_the_table() {
        for &(constant, id) in attr::ALL {
            let mut camel = String::new();
            for (i, word) in constant.split('_').enumerate() {
                let lower = word.to_ascii_lowercase();
                if i == 0 {
                    camel.push_str(&lower);
                } else {
                    camel.push_str(&lower[..1].to_ascii_uppercase());
                    camel.push_str(&lower[1..]);
                }
            }
            assert_eq!(name_of(id), Some(camel.as_str()), "{constant} = 0x{id:08x}");
            assert_eq!(id_of(&camel), Some(id));
        }
        assert_eq!(name_of(0x7f01_0000), None);
    }
}
