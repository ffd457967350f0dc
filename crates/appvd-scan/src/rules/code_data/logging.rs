use std::collections::{BTreeMap, BTreeSet};

use appvd_dex::app::AppMethodId;
use appvd_dex::facts::Origins;
use appvd_dex::{Analysis, CallSiteView};

use super::flow::{self, Call, FieldRef, Labels, Policy};
use super::sensitive::{CONSOLE, SENSITIVE, SensitiveIndex, SensitivePolicy};
use super::{call_text, emit_at_call, propagate_strings, sdk_levels, simple_name};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.logging",
    title: "Sensitive data written to the system log",
    severity: Severity::Low,
    masvs: "MASVS-STORAGE-2",
    cwe: 532,
    docs: Docs {
        what: "A credential or user input reaches `android.util.Log` (`v`, `d`, `i`, `w`, `e`, `wtf`, `println`) or \
               `System.out`/`System.err`, which Android sends to logcat, directly or through up to two levels of \
               the app's own logging wrappers (`LogUtil.d(tag, msg)` calling `Log.d`). Only calls whose message \
               carries such a value are reported, not every log call: a value whose name says password, token, \
               secret, PIN, OTP, session id, API key or card number (a getter, a field, a parameter, an Intent \
               extra, preference or JSON value read under such a key) or text read from an `EditText`, followed \
               through string concatenation, formatting and `StringBuilder`s within the method.",
        why: "Logcat is a shared buffer kept across app restarts. Anyone with ADB access — a repair shop, a stolen \
              unlocked phone, malware using a debugging bridge — reads it, bug-report files carry it to third \
              parties, and before Android 4.1 (API 16) any app holding `READ_LOGS` could read every app's log, so \
              an app with minSdk below 16 is reported Medium, otherwise Low.",
        fix: "Do not log credentials or what users type. Strip debug logging from release builds (an R8 \
              `-assumenosideeffects class android.util.Log { *; }` rule, or a logger that is off in release) and \
              log an event name or a redacted value instead. The rule cannot see values passed between methods \
              through fields other than the credential-named ones, nor parameter names stripped from release \
              builds; it does not report logging frameworks that are silent unless configured (Timber).",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-STORAGE/MASTG-TEST-0231/",
            "https://developer.android.com/privacy-and-security/risks/log-info-disclosure",
            "https://cwe.mitre.org/data/definitions/532.html",
        ],
    },
    check,
};

/// `android.util.Log` methods; the message parameters are every text parameter.
const LOG_METHODS: [&str; 7] = ["v", "d", "i", "w", "e", "wtf", "println"];
/// `PrintStream` writes reported when the stream is `System.out` or `System.err`.
const PRINT_METHODS: [&str; 4] = ["println", "print", "printf", "format"];
/// Levels of app logging wrappers (`LogUtil.d(tag, msg)` calling `Log.d`) followed.
const WRAPPER_DEPTH: usize = 2;
/// Calls of one wrapper examined, at most.
const MAX_WRAPPER_CALLS: usize = 5000;

/// A call whose `message` arguments (indices, receiver first) end up in the log: a `Log` or
/// `System.out` call, or a call of an app method that passes those arguments on to one.
#[derive(Clone)]
struct Sink<'x, 'a> {
    call: CallSiteView<'x, 'a>,
    message: Vec<usize>,
    /// A `PrintStream` write, which logs only when the stream is `System.out`/`System.err`.
    console: bool,
    /// The methods the message goes through, outermost first, ending with the logging API
    /// (`LogUtil.d`, `Log.d`).
    chain: Vec<String>,
}

fn is_text(ty: &str) -> bool {
    matches!(
        ty,
        "Ljava/lang/String;"
            | "Ljava/lang/Object;"
            | "[Ljava/lang/Object;"
            | "[C"
            | "Ljava/lang/CharSequence;"
    )
}

fn direct_sinks<'x, 'a>(dex: &'x Analysis<'a>) -> Vec<Sink<'x, 'a>> {
    let mut calls = Vec::new();
    for name in LOG_METHODS {
        calls.extend(dex.calls_to_exact(&format!("Landroid/util/Log;->{name}")));
    }
    for name in PRINT_METHODS {
        calls.extend(dex.calls_to(&format!("Ljava/io/PrintStream;->{name}")));
    }
    calls
        .into_iter()
        .filter_map(|call| {
            let key = call.callee()?;
            let app = dex.app();
            let console = app.text(key.class) != "Landroid/util/Log;";
            let offset = usize::from(console);
            let message = flow::param_types(&app.text(key.proto))
                .iter()
                .enumerate()
                .filter(|(_, t)| is_text(t))
                .map(|(i, _)| i + offset)
                .collect();
            let api = if console {
                format!("System.out.{}", app.text(key.name))
            } else {
                format!("Log.{}", app.text(key.name))
            };
            Some(Sink {
                call,
                message,
                console,
                chain: vec![api],
            })
        })
        .collect()
}

/// Labels each parameter with its own bit, and `System.out`/`System.err`.
struct Parameters;

impl Policy for Parameters {
    fn parameter(&self, index: usize, _: Option<&str>, _: &str) -> Labels {
        if index < 30 { 1 << index } else { 0 }
    }

    fn field_read(&self, field: &FieldRef<'_>) -> Labels {
        let console = field.is_static
            && field.class == "Ljava/lang/System;"
            && (field.name == "out" || field.name == "err");
        if console { CONSOLE } else { 0 }
    }

    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels {
        propagate_strings(call, args, effects).unwrap_or(0)
    }
}

/// The sinks one level out: calls of the methods that pass their own parameters to `sinks`.
fn wrapper_sinks<'x, 'a>(dex: &'x Analysis<'a>, sinks: &[Sink<'x, 'a>]) -> Vec<Sink<'x, 'a>> {
    let mut by_method: BTreeMap<AppMethodId, Vec<&Sink<'x, 'a>>> = BTreeMap::new();
    for sink in sinks {
        let from_parameter = sink.message.iter().any(|&i| {
            sink.call
                .arg(i)
                .is_some_and(|a| a.origins().has(Origins::PARAMETER))
        });
        if from_parameter {
            by_method
                .entry(sink.call.caller().id())
                .or_default()
                .push(sink);
        }
    }
    let mut out = Vec::new();
    for (method, sinks) in by_method {
        let Some(taint) = flow::run(dex, method, &Parameters) else {
            continue;
        };
        let view = dex.method(method);
        let location = view.location();
        let wrapper = format!("{}.{}", simple_name(&location.class), location.method);
        for sink in sinks {
            if sink.console && taint.arg(sink.call.at(), 0) & CONSOLE == 0 {
                continue;
            }
            let labels = sink
                .message
                .iter()
                .fold(0, |acc, &i| acc | taint.arg(sink.call.at(), i))
                & !CONSOLE;
            let params: Vec<usize> = (0..30).filter(|p| labels & (1 << p) != 0).collect();
            if params.is_empty() {
                continue;
            }
            let mut chain = vec![wrapper.clone()];
            chain.extend(sink.chain.iter().cloned());
            for call in dex
                .calls_to_exact(&view.signature())
                .into_iter()
                .take(MAX_WRAPPER_CALLS)
            {
                let receiver = usize::from(call.kind().has_receiver());
                out.push(Sink {
                    message: params.iter().map(|p| p + receiver).collect(),
                    call,
                    console: false,
                    chain: chain.clone(),
                });
            }
        }
    }
    out
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut sinks = direct_sinks(dex);
    let mut level = sinks.clone();
    for _ in 0..WRAPPER_DEPTH {
        level = wrapper_sinks(dex, &level);
        if level.is_empty() {
            break;
        }
        sinks.extend(level.iter().cloned());
    }
    let mut by_method: BTreeMap<AppMethodId, Vec<Sink<'_, '_>>> = BTreeMap::new();
    for sink in sinks {
        by_method
            .entry(sink.call.caller().id())
            .or_default()
            .push(sink);
    }
    let (min_sdk, _) = sdk_levels(app);
    let severity = if min_sdk < 16 {
        Severity::Medium
    } else {
        Severity::Low
    };
    let index = SensitiveIndex::new(dex);
    for (method, mut sinks) in by_method {
        if !index.might_hold(dex, method) {
            continue;
        }
        sinks.sort_by_key(|s| s.call.at());
        let policy = SensitivePolicy::new(&index);
        let Some(taint) = flow::run(dex, method, &policy) else {
            continue;
        };
        let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
        for sink in sinks {
            let at = sink.call.at();
            if sink.console && taint.arg(at, 0) & CONSOLE == 0 {
                continue;
            }
            let labels = sink
                .message
                .iter()
                .fold(0, |acc, &i| acc | taint.arg(at, i))
                & SENSITIVE;
            if labels == 0 {
                continue;
            }
            let sources = policy.sources(labels);
            if !reported.insert(sources.clone()) {
                continue;
            }
            let api = sink.chain.first().cloned().unwrap_or_default();
            let listed = sources.join(", ");
            let (message, via) = if sink.chain.len() > 1 {
                let chain = sink.chain.join(" → ");
                (
                    format!("{api} writes {listed} to the system log (via {chain})."),
                    format!("\nvia {chain}"),
                )
            } else {
                (
                    format!("{api} writes {listed} to the system log."),
                    String::new(),
                )
            };
            emit_at_call(
                out,
                severity,
                &sink.call,
                &format!("{api}|{listed}"),
                message,
                &format!("{}{via}\nsensitive values: {listed}", call_text(&sink.call)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
