//! Rules on the container itself: its entry list, the files it carries and its structure.

use appvd_apk::Apk;

use crate::model::AppModel;
use crate::rule::Rule;

pub mod embedded_keystore_file;
mod key_material;
pub mod malformed_container;
pub mod packer_detected;

pub static RULES: &[&Rule] = &[
    &embedded_keystore_file::RULE,
    &packer_detected::RULE,
    &malformed_container::RULE,
];

/// An entry's name as reports show it: split APK entries are prefixed with the split's name, as
/// [`AppModel::native_libs`] does.
pub(crate) fn shown_name(app: &AppModel, apk: &Apk, entry: &str) -> String {
    if std::ptr::eq(apk, app.base()) {
        entry.to_owned()
    } else {
        format!("{}!{entry}", apk.name())
    }
}
