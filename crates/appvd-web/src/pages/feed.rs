//! The Atom feed of published advisories (RFC 4287): the newest 50, public fields only.

use std::fmt::Write;

use appvd_store::AdvisoryFilter;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `GET /feed.atom`.
pub async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let page = match state
        .store
        .advisories(&AdvisoryFilter::default(), 1, 50)
        .await
    {
        Ok(p) => p,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let base = format!("{scheme}://{host}");
    let updated = page
        .items
        .iter()
        .map(|a| a.updated_at)
        .max()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let t = state.default_lang.messages();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(t.get("site.name")));
    let _ = writeln!(xml, "  <id>{}/feed.atom</id>", xml_escape(&base));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" href=\"{}/feed.atom\"/>",
        xml_escape(&base)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>",
        xml_escape(&base)
    );
    let _ = writeln!(xml, "  <updated>{}</updated>", rfc3339(updated));
    let _ = writeln!(xml, "  <generator>appvd</generator>");
    for a in &page.items {
        let url = format!("{base}/advisories/{}", a.id);
        let _ = writeln!(xml, "  <entry>");
        let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&url));
        let title = if a.withdrawn {
            format!("[withdrawn] {}: {}", a.id, a.title)
        } else {
            format!("{}: {}", a.id, a.title)
        };
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&title));
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escape(&url)
        );
        let _ = writeln!(
            xml,
            "    <published>{}</published>",
            rfc3339(a.published_at)
        );
        let _ = writeln!(xml, "    <updated>{}</updated>", rfc3339(a.updated_at));
        if let Some(g) = a.grade {
            let _ = writeln!(
                xml,
                "    <category term=\"{}\" label=\"{}\"/>",
                g.id(),
                xml_escape(g.label_zh())
            );
        }
        let summary = a
            .summary
            .clone()
            .unwrap_or_else(|| t.get("advisory.event_notice").to_owned());
        let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(&summary));
        let _ = writeln!(xml, "  </entry>");
    }
    xml.push_str("</feed>\n");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}
