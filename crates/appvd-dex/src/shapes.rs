//! Method-shape facts: what a method body does on its paths, for rules about overridden
//! framework methods (trust managers that accept everything, hostname verifiers that return
//! true, WebView clients that proceed on TLS errors).

use crate::app::AppMethodId;
use crate::cfg::Cfg;
use crate::facts::ConstValue;
use crate::opcode::flags;
use crate::query::{Analysis, CallSiteView, MethodView};
use serde::Serialize;

/// Whether something happens on the paths through a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Presence {
    /// On no reachable path.
    Never,
    /// On some paths but not all that return normally.
    SomePaths,
    /// On every path that returns normally.
    AllPaths,
}

/// What the body of a method does, at the level the TLS and WebView rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyShape {
    /// A reachable `throw`.
    pub throws: bool,
    /// A reachable `return*`.
    pub returns: bool,
    /// Methods called on reachable paths (as written, `Lcls;->name(proto)ret`).
    pub calls: Vec<String>,
    /// Whether every reachable call is to logging, string building or similar side-effect-free
    /// helpers (so the method cannot be checking anything).
    pub only_inert_calls: bool,
}

/// A TLS or WebView method shape found in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ShapeKind {
    /// `X509TrustManager.checkServerTrusted` that returns without throwing or checking.
    TrustsAllServers,
    /// `X509TrustManager.checkClientTrusted` that returns without throwing or checking.
    TrustsAllClients,
    /// `getAcceptedIssuers` that returns `null`.
    NullAcceptedIssuers,
    /// `getAcceptedIssuers` that returns an empty array.
    EmptyAcceptedIssuers,
    /// `HostnameVerifier.verify` that returns `true` on every path.
    AcceptsAllHostnames,
    /// `WebViewClient.onReceivedSslError` that calls `SslErrorHandler.proceed()`.
    ProceedsOnSslError {
        /// On every path that returns (otherwise on some).
        always: bool,
        /// Whether the method looks at the `SslError` (e.g. `getPrimaryError`) at all.
        checks_error: bool,
    },
}

/// One shape found: the method and what it overrides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShapeFact {
    /// The app method.
    pub method: AppMethodId,
    /// The framework method it overrides.
    pub overrides: &'static str,
    /// The shape.
    pub kind: ShapeKind,
}

const CHECK_SERVER: &str = "Ljavax/net/ssl/X509TrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V";
const CHECK_CLIENT: &str = "Ljavax/net/ssl/X509TrustManager;->checkClientTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V";
const CHECK_SERVER_SOCKET: &str = "Ljavax/net/ssl/X509ExtendedTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;Ljava/net/Socket;)V";
const CHECK_SERVER_ENGINE: &str = "Ljavax/net/ssl/X509ExtendedTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;Ljavax/net/ssl/SSLEngine;)V";
const ACCEPTED_ISSUERS: &str =
    "Ljavax/net/ssl/X509TrustManager;->getAcceptedIssuers()[Ljava/security/cert/X509Certificate;";
const VERIFY: &str =
    "Ljavax/net/ssl/HostnameVerifier;->verify(Ljava/lang/String;Ljavax/net/ssl/SSLSession;)Z";
const SSL_ERROR: &str = "Landroid/webkit/WebViewClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V";

/// Classes whose methods cannot validate a certificate: calling only these is as good as an
/// empty body.
const INERT_CLASSES: [&str; 12] = [
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
];

impl<'a> Analysis<'a> {
    /// Reachability facts about a method body (exception edges included).
    pub fn body_shape(&self, method: AppMethodId) -> BodyShape {
        let view = self.method(method);
        let mut shape = BodyShape {
            throws: false,
            returns: false,
            calls: Vec::new(),
            only_inert_calls: true,
        };
        if !self.index().analysed(method) {
            return shape;
        }
        let Some(m) = self.app().method(method) else {
            return shape;
        };
        let Some(dex) = self.app().dex(m.dex) else {
            return shape;
        };
        let Ok(code) = dex.file.code_item(m.code_off) else {
            return shape;
        };
        let cfg = Cfg::build(&code);
        let reachable = cfg.reachable();
        let calls = view.calls();
        for (b, block) in cfg.blocks.iter().enumerate() {
            if !reachable.get(b).copied().unwrap_or(false) {
                continue;
            }
            for i in block.first..block.end {
                let (at, insn) = cfg.insns[i as usize];
                if insn.opcode.has(flags::THROW) {
                    shape.throws = true;
                }
                if insn.opcode.has(flags::RETURN) {
                    shape.returns = true;
                }
                // Calls are recorded in address order.
                if insn.opcode.is_invoke()
                    && let Ok(position) = calls.binary_search_by_key(&at, |c| c.at())
                    && let Some(call) = calls.get(position)
                {
                    let text = call.callee_text();
                    if !self.is_inert(call) {
                        shape.only_inert_calls = false;
                    }
                    shape.calls.push(text);
                }
            }
        }
        shape
    }

    fn is_inert(&self, call: &CallSiteView<'_, 'a>) -> bool {
        let Some(key) = call.callee() else {
            return false;
        };
        let class = self.app().text(key.class);
        INERT_CLASSES.contains(&class.as_ref())
    }

    /// Whether calls matching `predicate` happen on no, some or all paths through a method that
    /// return normally (a forward "must have called" analysis over the control-flow graph).
    pub fn call_presence(
        &self,
        method: AppMethodId,
        predicate: impl Fn(&CallSiteView<'_, 'a>) -> bool,
    ) -> Presence {
        if !self.index().analysed(method) {
            return Presence::Never;
        }
        let Some(m) = self.app().method(method) else {
            return Presence::Never;
        };
        let Some(dex) = self.app().dex(m.dex) else {
            return Presence::Never;
        };
        let Ok(code) = dex.file.code_item(m.code_off) else {
            return Presence::Never;
        };
        let cfg = Cfg::build(&code);
        let calls = self.method(method).calls();
        let matching: crate::hash::FxHashSet<u32> = calls
            .iter()
            .filter(|c| predicate(c))
            .map(|c| c.at())
            .collect();
        let reachable = cfg.reachable();
        let any_reachable = cfg.blocks.iter().enumerate().any(|(b, block)| {
            reachable.get(b).copied().unwrap_or(false)
                && (block.first..block.end).any(|i| matching.contains(&cfg.insns[i as usize].0))
        });
        if !any_reachable {
            return Presence::Never;
        }
        // must[b]: the call happened on every path reaching the start of block b.
        let blocks = cfg.blocks.len();
        let mut must: Vec<Option<bool>> = vec![None; blocks];
        must[0] = Some(false);
        let mut changed = true;
        let mut rounds = 0;
        let block_calls = |b: usize| {
            let block = &cfg.blocks[b];
            (block.first..block.end).any(|i| matching.contains(&cfg.insns[i as usize].0))
        };
        while changed && rounds <= blocks + 1 {
            changed = false;
            rounds += 1;
            for b in 0..blocks {
                let Some(entry) = must[b] else { continue };
                let block = &cfg.blocks[b];
                let mut flag = entry;
                let mut targets: Vec<(u32, bool)> = Vec::new();
                for i in block.first..block.end {
                    if cfg.insns[i as usize].1.opcode.has(flags::CAN_THROW) {
                        targets.extend(cfg.handlers_of(i).iter().map(|&h| (h, flag)));
                    }
                    if matching.contains(&cfg.insns[i as usize].0) {
                        flag = true;
                    }
                }
                targets.extend(cfg.successors(b as u32).iter().map(|&s| (s, flag)));
                for (s, value) in targets {
                    let slot = &mut must[s as usize];
                    let joined = match *slot {
                        None => value,
                        Some(old) => old && value,
                    };
                    if *slot != Some(joined) {
                        *slot = Some(joined);
                        changed = true;
                    }
                }
            }
        }
        let mut all = true;
        for (b, block) in cfg.blocks.iter().enumerate() {
            let Some(entry) = must[b] else { continue };
            let last = cfg.insns[(block.end - 1) as usize].1.opcode;
            if last.has(flags::RETURN) && !(entry || block_calls(b)) {
                all = false;
            }
        }
        if all {
            Presence::AllPaths
        } else {
            Presence::SomePaths
        }
    }

    /// Every TLS / WebView method shape in the app, in method order.
    pub fn tls_shapes(&self) -> Vec<ShapeFact> {
        let mut facts = Vec::new();
        for (overrides, kind) in [
            (CHECK_SERVER, ShapeKind::TrustsAllServers),
            (CHECK_SERVER_SOCKET, ShapeKind::TrustsAllServers),
            (CHECK_SERVER_ENGINE, ShapeKind::TrustsAllServers),
            (CHECK_CLIENT, ShapeKind::TrustsAllClients),
        ] {
            for m in self.overrides(overrides) {
                let shape = self.body_shape(m.id());
                if shape.returns && !shape.throws && shape.only_inert_calls {
                    facts.push(ShapeFact {
                        method: m.id(),
                        overrides,
                        kind,
                    });
                }
            }
        }
        for m in self.overrides(ACCEPTED_ISSUERS) {
            let kind = match m.return_value() {
                Some(ConstValue::Int(0)) => Some(ShapeKind::NullAcceptedIssuers),
                Some(ConstValue::Array(id))
                    if self.index().array(id).is_some_and(|a| a.length == Some(0)) =>
                {
                    Some(ShapeKind::EmptyAcceptedIssuers)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                facts.push(ShapeFact {
                    method: m.id(),
                    overrides: ACCEPTED_ISSUERS,
                    kind,
                });
            }
        }
        for m in self.overrides(VERIFY) {
            if m.return_value() == Some(ConstValue::Int(1)) {
                facts.push(ShapeFact {
                    method: m.id(),
                    overrides: VERIFY,
                    kind: ShapeKind::AcceptsAllHostnames,
                });
            }
        }
        for m in self.overrides(SSL_ERROR) {
            let proceeds = |c: &CallSiteView<'_, 'a>| {
                c.callee().is_some_and(|k| {
                    self.app().text(k.name) == "proceed"
                        && self.app().text(k.proto) == "()V"
                        && self
                            .app()
                            .is_subtype_of(k.class, "Landroid/webkit/SslErrorHandler;")
                })
            };
            let presence = self.call_presence(m.id(), proceeds);
            if presence == Presence::Never {
                continue;
            }
            let checks_error = m.calls().iter().any(|c| {
                c.callee().is_some_and(|k| {
                    self.app()
                        .is_subtype_of(k.class, "Landroid/net/http/SslError;")
                })
            });
            facts.push(ShapeFact {
                method: m.id(),
                overrides: SSL_ERROR,
                kind: ShapeKind::ProceedsOnSslError {
                    always: presence == Presence::AllPaths,
                    checks_error,
                },
            });
        }
        facts.sort_by_key(|f| f.method);
        facts
    }
}

impl MethodView<'_, '_> {
    /// See [`Analysis::body_shape`].
    pub fn body_shape(&self) -> BodyShape {
        self.analysis().body_shape(self.id())
    }
}
