//! What the TLS shape rules share: which calls cannot be a certificate check, and where an app
//! creates and installs its own trust manager or host name verifier.

use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, CallSiteView, MethodView};

/// Classes whose methods cannot check a certificate or a host name: calling only these is as good
/// as an empty body. Kotlin's parameter null checks are here because Kotlin inserts them into
/// every override with non-null parameters.
const INERT_CLASSES: [&str; 14] = [
    "Landroid/util/Log;",
    "Ljava/io/PrintStream;",
    "Ljava/lang/StringBuilder;",
    "Ljava/lang/StringBuffer;",
    "Ljava/lang/String;",
    "Ljava/lang/Object;",
    "Ljava/lang/Integer;",
    "Ljava/lang/Boolean;",
    "Ljava/lang/Class;",
    "Ljava/util/Arrays;",
    "Ljava/lang/Throwable;",
    "Ljava/lang/Exception;",
    "Ljava/util/Objects;",
    "Lkotlin/jvm/internal/Intrinsics;",
];

/// Whether a body that makes these calls (as `Lcls;->name(proto)ret`) cannot be checking anything.
pub(super) fn only_inert_calls(calls: &[String]) -> bool {
    calls.iter().all(|callee| {
        INERT_CLASSES.iter().any(|class| {
            callee
                .strip_prefix(class)
                .is_some_and(|rest| rest.starts_with("->"))
        })
    })
}

/// How far the app's code is seen to use a class it defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Usage {
    /// Passed to an API that makes it decide for real connections; the location of that call.
    Installed(appvd_dex::Location, String),
    /// Created somewhere, but no installation is visible (it may travel through fields).
    Created(appvd_dex::Location),
    /// No code creates it.
    Unused,
}

/// The classes whose objects run a given permissive method: the class that defines it and its app
/// subclasses that do not override it again. Descriptors.
struct Family(Vec<String>);

impl Family {
    /// `method` is the name and descriptor, `checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V`.
    fn of(dex: &Analysis<'_>, class: &str, method: &str) -> Family {
        let app = dex.app();
        let mut types = vec![class.to_string()];
        types.extend(dex.subclasses_of(class).into_iter().filter_map(|id| {
            let descriptor = app.text(app.class(id)?.descriptor).into_owned();
            let overrides = dex
                .find_method(&format!("{descriptor}->{method}"))
                .is_some();
            (!overrides).then_some(descriptor)
        }));
        Family(types)
    }

    fn contains(&self, dex: &Analysis<'_>, sym: appvd_dex::symbols::Sym) -> bool {
        let text = dex.app().text(sym);
        self.0.iter().any(|t| t.as_str() == text)
    }

    /// Whether `value` (an argument at some call in `caller`) is an object of the family: created
    /// in the same method, the caller itself (`this`), or a singleton read from a static field of
    /// its own class (D8's classes for non-capturing lambdas).
    fn holds(&self, dex: &Analysis<'_>, value: ConstValue, caller: &MethodView<'_, '_>) -> bool {
        match value {
            ConstValue::NewInstance { class, .. } => self.contains(dex, class),
            ConstValue::Unknown(origins) => {
                origins.has(appvd_dex::facts::Origins::THIS)
                    && caller
                        .key()
                        .is_some_and(|key| self.contains(dex, key.class))
            }
            ConstValue::StaticField { dex: d, field } => dex
                .app()
                .dex(d)
                .and_then(|file| file.field_key(field))
                .is_some_and(|key| key.type_ == key.class && self.contains(dex, key.class)),
            _ => false,
        }
    }

    /// Where the app creates an object of the family, outside the family's own constructors
    /// (which only chain to each other).
    fn creation_site(&self, dex: &Analysis<'_>) -> Option<appvd_dex::Location> {
        for descriptor in &self.0 {
            for call in dex.calls_to_exact(&format!("{descriptor}-><init>")) {
                let caller = call.caller();
                let chained = caller.access().is_constructor()
                    && caller
                        .key()
                        .is_some_and(|key| self.contains(dex, key.class));
                if !chained {
                    return Some(call.location());
                }
            }
        }
        // A singleton kept in a static field of its own class counts when read from elsewhere.
        for access in dex.index().field_accesses() {
            if access.write
                || !access.is_static
                || access.field.type_ != access.field.class
                || !self.contains(dex, access.field.class)
            {
                continue;
            }
            let method = dex.method(access.method);
            if method
                .key()
                .is_some_and(|key| key.class == access.field.class)
            {
                continue;
            }
            return Some(method.location_at(access.at));
        }
        None
    }

    /// The first call among `installers` that receives an object of the family at the given
    /// parameter (an array built in the calling method counts when an element is one).
    fn installation<'x, 'a>(
        &self,
        dex: &'x Analysis<'a>,
        installers: &[(&str, usize)],
    ) -> Option<CallSiteView<'x, 'a>> {
        for (signature, param) in installers {
            for call in dex.calls_to(signature) {
                let Some(arg) = call.param(*param) else {
                    continue;
                };
                let caller = call.caller();
                let found = match arg.array() {
                    Some(array) => array
                        .elements
                        .iter()
                        .any(|(_, v)| self.holds(dex, *v, &caller)),
                    None => self.holds(dex, arg.value(), &caller),
                };
                if found {
                    return Some(call);
                }
            }
        }
        None
    }
}

/// How the code uses the objects that run `method` of `class` (the class and its app subclasses
/// that keep that method): installed through one of `installers`, only created, or unused.
pub(super) fn usage(
    dex: &Analysis<'_>,
    installers: &[(&str, usize)],
    class: &str,
    method: &str,
) -> Usage {
    let family = Family::of(dex, class, method);
    if let Some(call) = family.installation(dex, installers) {
        return Usage::Installed(call.location(), super::call_summary(&call));
    }
    match family.creation_site(dex) {
        Some(at) => Usage::Created(at),
        None => Usage::Unused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_calls_are_matched_by_class() {
        assert!(only_inert_calls(&[]));
        assert!(only_inert_calls(&[
            "Lkotlin/jvm/internal/Intrinsics;->checkNotNullParameter(Ljava/lang/Object;Ljava/lang/String;)V".into(),
            "Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I".into(),
        ]));
        assert!(!only_inert_calls(&[
            "Ljavax/net/ssl/X509TrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V".into()
        ]));
        // A class whose name merely starts like an inert one is not inert.
        assert!(!only_inert_calls(&[
            "Landroid/util/LogChecker;->check()V".into()
        ]));
    }
}
