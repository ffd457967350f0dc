//! Bounded text fields: every free-text input has a length limit in characters, and control
//! characters other than newlines and tabs are refused, so nothing over-long or invisible reaches the
//! database or a page.

use crate::error::InvalidInput;

/// Limits for the free-text fields of reports and cases, in Unicode scalar values.
pub mod limits {
    pub const TITLE: usize = 200;
    pub const SHORT: usize = 500;
    pub const DESCRIPTION: usize = 50_000;
    pub const POC: usize = 200_000;
    pub const NAME: usize = 200;
    pub const VERSION_LIST: usize = 2_000;
}

/// Checks a required single-line field: trimmed, non-empty, at most `max` characters.
pub fn required_line(field: &str, value: &str, max: usize) -> Result<String, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(field, "this field is required"));
    }
    if trimmed.contains(['\n', '\r']) {
        return Err(InvalidInput::new(field, "this field must be a single line"));
    }
    bounded(field, trimmed, max)
}

/// Checks a required multi-line field.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(field, "this field is required"));
    }
    bounded(field, trimmed, max)
}

/// Checks an optional multi-line field; blank becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidInput> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

fn bounded(field: &str, value: &str, max: usize) -> Result<String, InvalidInput> {
    // Count lazily so a multi-megabyte input is refused without a full scan.
    if value.chars().nth(max).is_some() {
        return Err(InvalidInput::new(
            field,
            format!("this field is longer than {max} characters"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(InvalidInput::new(
            field,
            format!(
                "this field contains the control character U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_counted_in_characters() {
        let zh = "漏".repeat(200);
        assert!(required_line("title", &zh, limits::TITLE).is_ok());
        let err = required_line("title", &format!("{zh}洞"), limits::TITLE).unwrap_err();
        assert_eq!(err.field, "title");
        assert!(err.message.contains("200"));
    }

    #[test]
    fn blanks_controls_and_newlines() {
        assert!(required_line("t", "   ", 10).is_err());
        assert!(required_line("t", "a\nb", 10).is_err());
        assert!(required_text("t", "a\nb", 10).is_ok());
        assert!(
            required_text("t", "a\u{0}b", 10)
                .unwrap_err()
                .message
                .contains("U+0000")
        );
        assert_eq!(optional_text("t", Some("  "), 10).unwrap(), None);
        assert_eq!(
            optional_text("t", Some(" x "), 10).unwrap().as_deref(),
            Some("x")
        );
    }
}
