//! The WebView settings and calls the WebView rules share.

use std::collections::BTreeSet;

use appvd_dex::{Analysis, CallSiteView};

use super::caller_class;

pub(super) const SET_JAVASCRIPT_ENABLED: &str =
    "Landroid/webkit/WebSettings;->setJavaScriptEnabled(Z)V";
pub(super) const SET_ALLOW_FILE_ACCESS: &str =
    "Landroid/webkit/WebSettings;->setAllowFileAccess(Z)V";
pub(super) const SET_ALLOW_FILE_ACCESS_FROM_FILE_URLS: &str =
    "Landroid/webkit/WebSettings;->setAllowFileAccessFromFileURLs(Z)V";
pub(super) const SET_ALLOW_UNIVERSAL_ACCESS_FROM_FILE_URLS: &str =
    "Landroid/webkit/WebSettings;->setAllowUniversalAccessFromFileURLs(Z)V";
pub(super) const SET_MIXED_CONTENT_MODE: &str =
    "Landroid/webkit/WebSettings;->setMixedContentMode(I)V";
pub(super) const ADD_JAVASCRIPT_INTERFACE: &str =
    "Landroid/webkit/WebView;->addJavascriptInterface(Ljava/lang/Object;Ljava/lang/String;)V";
pub(super) const LOAD_URL: [&str; 2] = [
    "Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V",
    "Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;Ljava/util/Map;)V",
];

/// `WebSettings.setMixedContentMode` constants.
pub(super) const MIXED_CONTENT_ALWAYS_ALLOW: i64 = 0;
pub(super) const MIXED_CONTENT_COMPATIBILITY_MODE: i64 = 2;

/// Calls of a boolean setter whose argument is the constant `value`.
pub(super) fn setter_calls<'x, 'a>(
    dex: &'x Analysis<'a>,
    signature: &str,
    value: bool,
) -> Vec<CallSiteView<'x, 'a>> {
    dex.calls_to(signature)
        .into_iter()
        .filter(|call| call.param(0).and_then(|a| a.as_bool()) == Some(value))
        .collect()
}

/// Descriptors of the classes that call `signature` at all, whatever the argument.
pub(super) fn classes_calling(dex: &Analysis<'_>, signature: &str) -> BTreeSet<String> {
    dex.calls_to(signature).iter().map(caller_class).collect()
}
