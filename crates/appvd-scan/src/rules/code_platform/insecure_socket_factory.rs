use super::{call_evidence, call_key, call_location, caller_class};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.insecure_socket_factory",
    title: "Socket factory that skips TLS certificate checks",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 295,
    docs: Docs {
        what: "Code calls `SSLCertificateSocketFactory.getInsecure(...)`, the platform factory whose sockets accept \
               any server certificate and verify no host name.",
        why: "Every TLS connection made through the factory trusts whatever certificate the peer shows, so anyone on \
              the network path (public Wi-Fi, a rogue access point, a compromised router) can impersonate the \
              server with a self-made certificate, then read and change the traffic, including credentials and \
              session tokens.",
        fix: "Use `SSLCertificateSocketFactory.getDefault(...)`, `SSLSocketFactory.getDefault()` or the factory of an \
              `SSLContext` initialised with the platform trust managers (`init(null, null, null)`). To trust a \
              private CA or pin keys, declare it in the Network Security Configuration instead of disabling checks.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0282/",
            "https://developer.android.com/reference/android/net/SSLCertificateSocketFactory#getInsecure(int,%20android.net.SSLSessionCache)",
            "https://developer.android.com/privacy-and-security/security-config",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

const GET_INSECURE: &str = "Landroid/net/SSLCertificateSocketFactory;->getInsecure(ILandroid/net/SSLSessionCache;)Ljavax/net/ssl/SSLSocketFactory;";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for call in dex.calls_to(GET_INSECURE) {
        let class = super::java_name(&caller_class(&call));
        out.emit(
            call_location(&call),
            &call_key(&call, ""),
            format!(
                "{class} creates its sockets with SSLCertificateSocketFactory.getInsecure(), which accepts any \
                 certificate and any host."
            ),
            call_evidence(&call, &[]),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
