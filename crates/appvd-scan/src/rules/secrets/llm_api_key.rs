//! `secret.llm_api_key`: aI model API key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.llm_api_key",
    title: "AI model API key hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "An OpenAI API key (`sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, or a legacy key with the \
              `T3BlbkFJ` marker) or an Anthropic API key (`sk-ant-api…`) is a constant of the app.",
        why: "Model APIs are billed per use: a leaked key is drained by others within hours, and depending \
             on the key it also reads the organisation's files, fine-tuned models, assistants and \
             conversation logs.",
        fix: "Revoke the key in the provider's console and set spending limits. Call the model from your \
             backend, which authenticates users and rate-limits them; the app should never hold a \
             provider key.",
        references: &[
            "https://platform.openai.com/docs/api-reference/authentication",
            "https://docs.anthropic.com/en/api/overview",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::LlmApiKey);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
