//! A self-contained HTML report (one file, no external resources, no script): app summary, a
//! severity chart, findings grouped by MASVS category with evidence, and anomalies. Every value is
//! escaped. Also the HTML rule reference, generated from the registry.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::finding::Severity;
use crate::registry::RULES;
use crate::report::{AppReport, ScanReport, TOOL};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#1b1f24}\
main{max-width:70rem;margin:0 auto;padding:1rem 1.5rem 3rem}h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}\
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88em}pre{background:#f6f8fa;padding:.6rem;overflow:auto;white-space:pre-wrap}\
.sev{display:inline-block;min-width:4.5rem;text-align:center;border-radius:.25rem;color:#fff;font-size:.8rem;padding:0 .3rem}\
.critical{background:#8b0000}.high{background:#c2410c}.medium{background:#a16207}.low{background:#2f6f3e}.info{background:#57606a}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dd{margin:0}details{margin:.4rem 0}summary{cursor:pointer}\
.muted{color:#57606a}";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8b0000",
        Severity::High => "#c2410c",
        Severity::Medium => "#a16207",
        Severity::Low => "#2f6f3e",
        Severity::Info => "#57606a",
    }
}

fn chart(app: &AppReport) -> String {
    let max = Severity::ALL
        .iter()
        .map(|s| app.count(*s))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::from(
        "<svg role=\"img\" aria-label=\"findings by severity\" width=\"420\" height=\"130\" viewBox=\"0 0 420 130\">",
    );
    for (i, sev) in Severity::ALL.iter().rev().enumerate() {
        let n = app.count(*sev);
        let width = 300 * n / max;
        let y = 6 + i * 24;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"70\" y=\"{y}\" width=\"{width}\" height=\"16\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
            y + 12,
            sev.as_str(),
            severity_color(*sev),
            76 + width,
            y + 12
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} scan report</title><style>{STYLE}</style></head><body><main><h1>{} {} scan report</h1>",
        TOOL.name, TOOL.name, TOOL.version
    );
    for app in &report.apps {
        render_app(&mut out, app);
    }
    if !report.failures.is_empty() {
        out.push_str("<h2>Could not scan</h2><ul>");
        for f in &report.failures {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&f.path),
                escape(&f.error)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</main></body></html>\n");
    out
}

fn render_app(out: &mut String, app: &AppReport) {
    let s = &app.summary;
    let opt = |v: Option<String>| escape(&v.unwrap_or_else(|| "-".into()));
    let _ = write!(
        out,
        "<section><h2>{}</h2><dl>",
        escape(app.package.as_deref().unwrap_or(&app.path))
    );
    let _ = write!(
        out,
        "<dt>File</dt><dd><code>{}</code> ({} bytes, SHA-256 <code>{}</code>)</dd>",
        escape(&app.path),
        app.size,
        escape(&app.sha256)
    );
    let _ = write!(
        out,
        "<dt>Version</dt><dd>{} ({})</dd>",
        opt(app.version_name.clone()),
        opt(app.version_code.map(|v| v.to_string()))
    );
    let _ = write!(
        out,
        "<dt>SDK</dt><dd>min {} · target {}</dd>",
        opt(app.min_sdk.map(|v| v.to_string())),
        opt(app.target_sdk.map(|v| v.to_string()))
    );
    if !app.code_analysed {
        out.push_str(
            "<dt>Bytecode</dt><dd>not analysed (<code>--no-code</code>): code rules, secrets in \
             code and SDKs known only by their classes were not looked for</dd>",
        );
    }
    let schemes = if s.signing_schemes.is_empty() {
        "unsigned".to_owned()
    } else {
        s.signing_schemes.join(", ")
    };
    let _ = write!(out, "<dt>Signing</dt><dd>{}", escape(&schemes));
    for signer in &s.signers {
        let _ = write!(
            out,
            "<br><code>{}</code> · {} · {}",
            escape(&signer.subject),
            escape(&signer.key),
            escape(&signer.signature_algorithm)
        );
    }
    out.push_str("</dd>");
    let exported = s.components.iter().filter(|c| c.exported).count();
    let _ = write!(
        out,
        "<dt>Components</dt><dd>{} ({exported} exported)</dd>",
        s.components.len()
    );
    let _ = write!(
        out,
        "<dt>Permissions</dt><dd>{}</dd>",
        escape(&s.permissions.join(", "))
    );
    let _ = write!(
        out,
        "<dt>Native ABIs</dt><dd>{}</dd></dl>",
        escape(&s.native_abis.join(", "))
    );
    out.push_str(&chart(app));

    let mut by_masvs: BTreeMap<&str, Vec<&crate::finding::Finding>> = BTreeMap::new();
    for f in &app.findings {
        by_masvs.entry(masvs_group(f.masvs)).or_default().push(f);
    }
    if app.findings.is_empty() {
        out.push_str("<p>No findings.</p>");
    }
    for (group, findings) in by_masvs {
        let _ = write!(
            out,
            "<h3>{}</h3><table><thead><tr><th>Severity</th><th>Rule</th><th>Finding</th><th>Where</th></tr></thead><tbody>",
            escape(group)
        );
        for f in findings {
            let place = [
                &f.location.file,
                &f.location.component,
                &f.location.class,
                &f.location.method,
            ]
            .iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(" · ");
            let line = f.location.line.map(|l| format!(":{l}")).unwrap_or_default();
            let sdk = f
                .sdk
                .as_deref()
                .map(|s| format!("<br><span class=\"muted\">in SDK {}</span>", escape(s)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td><span class=\"sev {}\">{}</span></td><td><code>{}</code><br><span class=\"muted\">{} · CWE-{}</span></td>\
                 <td>{}<details><summary>evidence</summary><pre>{}</pre></details></td><td><code>{}{}</code>{}</td></tr>",
                f.severity.as_str(),
                f.severity.as_str(),
                escape(f.rule),
                escape(f.masvs),
                f.cwe,
                escape(&f.message),
                escape(&f.evidence),
                escape(&place),
                line,
                sdk
            );
        }
        out.push_str("</tbody></table>");
    }
    render_sdks(out, app);
    if !app.anomalies.is_empty() {
        let _ = write!(
            out,
            "<details><summary>{} anomalies in the container and formats</summary><ul>",
            app.anomalies.len()
        );
        for a in &app.anomalies {
            let _ = write!(
                out,
                "<li><code>{}</code> {} {}</li>",
                escape(&a.kind),
                escape(&a.message),
                escape(a.file.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>");
}

fn render_sdks(out: &mut String, app: &AppReport) {
    if app.sdks.is_empty() {
        return;
    }
    let trackers = app.sdks.iter().filter(|s| s.tracker).count();
    let _ = write!(
        out,
        "<h3>SDKs and frameworks ({}, {trackers} trackers)</h3><table><thead><tr><th>SDK</th><th>Version</th>\
         <th>Vendor</th><th>Categories</th><th>Identified by</th></tr></thead><tbody>",
        app.sdks.len()
    );
    for sdk in &app.sdks {
        let categories: Vec<&str> = sdk.categories.iter().map(|c| c.as_str()).collect();
        let matched: Vec<String> = sdk.matched.iter().map(ToString::to_string).collect();
        let _ = write!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"muted\">{}</span></td></tr>",
            escape(&sdk.name),
            if sdk.tracker {
                " <span class=\"sev medium\">tracker</span>"
            } else {
                ""
            },
            escape(sdk.version.as_deref().unwrap_or("-")),
            escape(&sdk.vendor),
            escape(&categories.join(", ")),
            escape(&matched.join("; "))
        );
    }
    out.push_str("</tbody></table>");
}

fn masvs_group(control: &str) -> &str {
    control
        .rsplit_once('-')
        .map(|(group, _)| group)
        .unwrap_or(control)
}

/// The rule reference as one HTML page, generated from the registry.
pub fn rules_reference() -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} rules</title><style>{STYLE}</style></head><body><main><h1>{} rules ({})</h1>",
        TOOL.name,
        TOOL.name,
        RULES.len()
    );
    for rule in RULES.iter() {
        let _ = write!(
            out,
            "<section id=\"{}\"><h2><code>{}</code> — {}</h2><p><span class=\"sev {}\">{}</span> {} · CWE-{}</p>\
             <h3>What it detects</h3><p>{}</p><h3>Why it matters</h3><p>{}</p><h3>How to fix</h3><p>{}</p><h3>References</h3><ul>",
            escape(rule.id),
            escape(rule.id),
            escape(rule.title),
            rule.severity.as_str(),
            rule.severity.as_str(),
            escape(rule.masvs),
            rule.cwe,
            escape(rule.docs.what),
            escape(rule.docs.why),
            escape(rule.docs.fix)
        );
        for r in rule.docs.references {
            let _ = write!(out, "<li><a href=\"{}\">{}</a></li>", escape(r), escape(r));
        }
        out.push_str("</ul></section>");
    }
    out.push_str("</main></body></html>\n");
    out
}
