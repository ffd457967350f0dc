//! The GB/T 30279-2020 vulnerability classification tree (clause 5), with stable codes, parent
//! pointers, Chinese and English names, and for each leaf the CWE ids it corresponds to, so
//! that exports can carry CWE while Chinese exports carry the GB/T label.
//!
//! The four top-level classes are those of the standard. The levels below them are
//! **reconstructed** by appvd from public descriptions of the standard, not copied from its
//! text; each category says whether it is [`GbtCategory::reconstructed`], and the tree carries
//! a version ([`GBT_TREE_VERSION`]) so that stored classifications can be migrated when the
//! official leaves are confirmed. The CWE mapping is appvd's own.

use serde::Serialize;

/// Version of this tree. Stored classifications should record it next to the code.
pub const GBT_TREE_VERSION: &str = "appvd-gbt30279-2020-tree/1 (reconstructed)";

/// One node of the classification tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct GbtCategory {
    /// Stable code, dotted by level, e.g. `code.input.sql_injection`.
    pub code: &'static str,
    /// Code of the parent node; `None` for the four top-level classes.
    pub parent: Option<&'static str>,
    /// Chinese name.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// CWE ids that map to this category (leaves only).
    pub cwes: &'static [u32],
    /// True when appvd reconstructed the node rather than reading it from the standard.
    pub reconstructed: bool,
}

impl GbtCategory {
    /// Whether the node has no children.
    pub fn is_leaf(&self) -> bool {
        gbt_children(self.code).next().is_none()
    }

    /// The path from the top-level class down to this node.
    pub fn path(&self) -> Vec<&'static GbtCategory> {
        let mut path = Vec::new();
        let mut current = Some(self.code);
        // The depth bound guards against a cycle in a future edit of the data.
        while let Some(code) = current.filter(|_| path.len() < 8) {
            let Some(node) = gbt_category(code) else {
                break;
            };
            path.push(node);
            current = node.parent;
        }
        path.reverse();
        path
    }
}

/// The category with this code.
pub fn gbt_category(code: &str) -> Option<&'static GbtCategory> {
    GBT_CATEGORIES.iter().find(|c| c.code == code)
}

/// The direct children of a category (the top-level classes for `""`), in tree order.
pub fn gbt_children(code: &str) -> impl Iterator<Item = &'static GbtCategory> + '_ {
    GBT_CATEGORIES
        .iter()
        .filter(move |c| c.parent.unwrap_or("") == code)
}

/// The leaf categories that list this CWE id, in tree order.
pub fn gbt_categories_for_cwe(cwe: u32) -> impl Iterator<Item = &'static GbtCategory> {
    GBT_CATEGORIES.iter().filter(move |c| c.cwes.contains(&cwe))
}

/// Every category, parents before children.
pub fn gbt_categories() -> &'static [GbtCategory] {
    &GBT_CATEGORIES
}

macro_rules! node {
    ($code:literal, $parent:expr, $zh:literal, $en:literal, [$($cwe:literal),*], $reconstructed:literal) => {
        GbtCategory {
            code: $code,
            parent: $parent,
            name_zh: $zh,
            name_en: $en,
            cwes: &[$($cwe),*],
            reconstructed: $reconstructed,
        }
    };
}

static GBT_CATEGORIES: [GbtCategory; 33] = [
    // 代码问题
    node!("code", None, "代码问题", "Code issues", [], false),
    node!(
        "code.resource",
        Some("code"),
        "资源管理错误",
        "Resource management errors",
        [],
        true
    ),
    node!(
        "code.resource.buffer",
        Some("code.resource"),
        "缓冲区错误",
        "Buffer errors",
        [
            119, 120, 121, 122, 124, 125, 126, 127, 131, 170, 787, 805, 823
        ],
        true
    ),
    node!(
        "code.resource.use_after_free",
        Some("code.resource"),
        "释放后使用",
        "Use after free",
        [416, 825],
        true
    ),
    node!(
        "code.resource.double_free",
        Some("code.resource"),
        "重复释放",
        "Double free",
        [415],
        true
    ),
    node!(
        "code.resource.leak",
        Some("code.resource"),
        "资源泄露",
        "Resource leaks",
        [401, 404, 459, 772],
        true
    ),
    node!(
        "code.resource.other",
        Some("code.resource"),
        "其他资源管理错误",
        "Other resource management errors",
        [
            400, 407, 457, 476, 665, 674, 763, 770, 789, 824, 834, 909, 911, 920, 1325
        ],
        true
    ),
    node!(
        "code.input",
        Some("code"),
        "输入验证错误",
        "Input validation errors",
        [],
        true
    ),
    node!(
        "code.input.sql_injection",
        Some("code.input"),
        "SQL注入",
        "SQL injection",
        [89],
        true
    ),
    node!(
        "code.input.code_injection",
        Some("code.input"),
        "代码注入",
        "Code injection",
        [94, 95, 470, 913, 917],
        true
    ),
    node!(
        "code.input.command_injection",
        Some("code.input"),
        "操作系统命令注入",
        "OS command injection",
        [77, 78],
        true
    ),
    node!(
        "code.input.xss",
        Some("code.input"),
        "跨站脚本",
        "Cross-site scripting",
        [79],
        true
    ),
    node!(
        "code.input.path_traversal",
        Some("code.input"),
        "路径遍历",
        "Path traversal",
        [22],
        true
    ),
    node!(
        "code.input.link_following",
        Some("code.input"),
        "后置链接",
        "Link following",
        [59],
        true
    ),
    node!(
        "code.input.csrf",
        Some("code.input"),
        "跨站请求伪造",
        "Cross-site request forgery",
        [352],
        true
    ),
    node!(
        "code.input.format_string",
        Some("code.input"),
        "格式化字符串错误",
        "Format string errors",
        [134],
        true
    ),
    node!(
        "code.input.other",
        Some("code.input"),
        "其他输入验证错误",
        "Other input validation errors",
        [
            20, 74, 91, 99, 113, 116, 117, 434, 444, 502, 601, 610, 611, 642, 643, 652, 707, 776,
            838, 915, 918, 925, 939, 940, 1321, 1333
        ],
        true
    ),
    node!(
        "code.numeric",
        Some("code"),
        "数字错误",
        "Numeric errors",
        [128, 190, 191, 193, 369, 682, 1339],
        true
    ),
    node!(
        "code.race",
        Some("code"),
        "竞争条件",
        "Race conditions",
        [362, 364, 367, 662, 667, 833],
        true
    ),
    node!(
        "code.logic",
        Some("code"),
        "处理逻辑错误",
        "Processing logic errors",
        [372, 670, 684, 691, 697, 703, 754, 755, 783, 835, 841],
        true
    ),
    node!(
        "code.crypto",
        Some("code"),
        "加密问题",
        "Cryptographic issues",
        [
            261, 295, 296, 297, 298, 299, 300, 311, 312, 315, 319, 321, 322, 323, 324, 325, 326,
            327, 328, 329, 330, 331, 334, 335, 336, 338, 340, 347, 354, 523, 599, 757, 759, 760,
            780, 916, 924, 1204, 1240, 1241, 1394
        ],
        true
    ),
    node!(
        "code.authorization",
        Some("code"),
        "授权问题",
        "Authorization issues",
        [
            250, 256, 257, 259, 260, 262, 266, 269, 272, 276, 284, 285, 287, 290, 294, 306, 307,
            308, 309, 384, 425, 521, 522, 603, 613, 639, 640, 648, 668, 732, 749, 782, 784, 798,
            862, 863, 926, 1390, 1391, 1392, 1393
        ],
        true
    ),
    node!(
        "code.conversion",
        Some("code"),
        "数据转换问题",
        "Data conversion issues",
        [172, 176, 681, 704, 843],
        true
    ),
    node!(
        "code.undeclared",
        Some("code"),
        "未声明功能",
        "Undeclared functionality",
        [506, 507, 508, 509, 510, 511, 512, 912],
        true
    ),
    node!(
        "code.other",
        Some("code"),
        "其他代码问题",
        "Other code issues",
        [
            345, 346, 350, 426, 427, 441, 451, 477, 494, 547, 565, 649, 656, 669, 676, 693, 706,
            710, 778, 807, 829, 830, 1007, 1021, 1022, 1104, 1395
        ],
        true
    ),
    // 配置错误
    node!(
        "config",
        None,
        "配置错误",
        "Configuration errors",
        [16, 489, 614, 923, 941, 942, 1004, 1188, 1275],
        false
    ),
    // 环境问题
    node!(
        "environment",
        None,
        "环境问题",
        "Environment issues",
        [],
        false
    ),
    node!(
        "environment.disclosure",
        Some("environment"),
        "信息泄露",
        "Information disclosure",
        [
            200, 201, 203, 208, 209, 212, 214, 215, 226, 316, 359, 377, 379, 497, 524, 530, 532,
            538, 539, 540, 549, 552, 598, 615, 921, 922, 927, 1230
        ],
        true
    ),
    node!(
        "environment.fault_injection",
        Some("environment"),
        "故障注入",
        "Fault injection",
        [1247, 1256, 1319, 1332],
        true
    ),
    node!(
        "environment.other",
        Some("environment"),
        "其他环境问题",
        "Other environment issues",
        [1037],
        true
    ),
    // 其他
    node!("other", None, "其他", "Other", [], false),
    node!(
        "other.insufficient_information",
        Some("other"),
        "资料不足",
        "Insufficient information",
        [],
        true
    ),
    node!(
        "other.unclassified",
        Some("other"),
        "其他未分类",
        "Not classified elsewhere",
        [],
        true
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_classes_are_the_standards_four() {
        let top: Vec<&str> = gbt_children("").map(|c| c.name_zh).collect();
        assert_eq!(top, ["代码问题", "配置错误", "环境问题", "其他"]);
        assert!(gbt_children("").all(|c| !c.reconstructed));
    }

    #[test]
    fn lookups_and_paths() {
        let sql = gbt_category("code.input.sql_injection");
        assert_eq!(sql.map(|c| c.name_en), Some("SQL injection"));
        let path: Vec<&str> = sql
            .map(|c| c.path())
            .unwrap_or_default()
            .iter()
            .map(|c| c.code)
            .collect();
        assert_eq!(path, ["code", "code.input", "code.input.sql_injection"]);
        let codes: Vec<&str> = gbt_categories_for_cwe(89).map(|c| c.code).collect();
        assert_eq!(codes, ["code.input.sql_injection"]);
        assert_eq!(
            gbt_categories_for_cwe(532).next().map(|c| c.name_zh),
            Some("信息泄露")
        );
        assert!(gbt_category("code.input").is_some_and(|c| !c.is_leaf()));
        assert_eq!(gbt_children("code.resource").count(), 5);
    }
}
