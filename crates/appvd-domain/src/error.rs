//! Input validation errors.

use std::fmt;

/// A value supplied by a user or a caller that the domain does not accept. `field` names the input
/// (as the API and forms name it); `message` says what is wrong in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InvalidInput {
    pub field: String,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InvalidInput {}

impl From<InvalidInput> for crate::Refusal {
    fn from(value: InvalidInput) -> Self {
        crate::Refusal::invalid(crate::refusal::rules::INPUT, value.to_string())
    }
}
