//! Shared pieces of the API and the pages: list parameters, grade names, date formatting.

use appvd_domain::grade::Grade;
use appvd_domain::policy::BEIJING;
use appvd_domain::product::Platform;
use appvd_store::AdvisoryFilter;
use time::OffsetDateTime;

use crate::error::ApiError;

/// Query parameters of the advisory list, as strings so that a bad value gets our own message.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListParams {
    pub q: Option<String>,
    pub grade: Option<String>,
    pub platform: Option<String>,
    pub modified_since: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub lang: Option<String>,
}

/// Default page size of lists.
pub const PER_PAGE: u32 = 20;

pub fn grade_key(g: Grade) -> &'static str {
    g.id()
}

pub fn parse_grade(s: &str) -> Result<Grade, ApiError> {
    match Grade::ALL.iter().find(|g| g.id() == s) {
        Some(g) => Ok(*g),
        None => Err(ApiError::bad_request(format!(
            "grade must be one of critical, high, medium, low, not {:?}",
            truncate(s)
        ))),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn parse_number(name: &str, s: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    match s.map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(format!(
                "{name} must be a whole number from 1 to {max}"
            ))),
        },
    }
}

/// The store filter, page and page size a request asks for.
pub fn filter_of(p: &ListParams) -> Result<(AdvisoryFilter, u32, u32), ApiError> {
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let grade = nonempty(&p.grade).map(|g| parse_grade(&g)).transpose()?;
    let platform = nonempty(&p.platform)
        .map(|s| {
            s.parse::<Platform>()
                .map_err(|e| ApiError::bad_request(e.to_string()))
        })
        .transpose()?;
    let modified_since = nonempty(&p.modified_since)
        .map(|s| {
            OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).map_err(
                |_| {
                    ApiError::bad_request(
                        "modified_since must be an RFC 3339 time such as 2026-11-30T08:00:00Z",
                    )
                },
            )
        })
        .transpose()?;
    let page = parse_number("page", p.page.as_deref(), 1, 100_000)?;
    let per_page = parse_number(
        "per_page",
        p.per_page.as_deref(),
        PER_PAGE,
        appvd_store::MAX_PER_PAGE,
    )?;
    let query = nonempty(&p.q);
    if query
        .as_deref()
        .is_some_and(|q| q.chars().count() > appvd_domain::search::MAX_QUERY_CHARS)
    {
        return Err(ApiError::bad_request(format!(
            "q may have at most {} characters",
            appvd_domain::search::MAX_QUERY_CHARS
        )));
    }
    Ok((
        AdvisoryFilter {
            query,
            grade,
            platform,
            modified_since,
        },
        page,
        per_page,
    ))
}

/// A date as the pages show it: `YYYY-MM-DD` in Beijing time.
pub fn beijing_date(t: OffsetDateTime) -> String {
    let d = t.to_offset(BEIJING).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A time as the pages show it: `YYYY-MM-DD HH:MM` in Beijing time.
pub fn beijing_minute(t: OffsetDateTime) -> String {
    let l = t.to_offset(BEIJING);
    format!("{} {:02}:{:02}", beijing_date(t), l.hour(), l.minute())
}
