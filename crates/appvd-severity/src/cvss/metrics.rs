//! Metric values of CVSS 3.x and 4.0. Where both generations define a metric with the same
//! values (attack vector, attack complexity, privileges required, C/I/A impact, security
//! requirements) they share one type.

use super::vector::metric_values;

metric_values! {
    /// AV / MAV: how the vulnerable component is reached.
    AttackVector { Network = "N", Adjacent = "A", Local = "L", Physical = "P" }
}

metric_values! {
    /// AC / MAC: conditions beyond the attacker's control.
    AttackComplexity { Low = "L", High = "H" }
}

metric_values! {
    /// PR / MPR: privileges the attacker needs before the attack.
    PrivilegesRequired { None = "N", Low = "L", High = "H" }
}

metric_values! {
    /// CVSS 3.x UI / MUI: whether a user other than the attacker must take part.
    UserInteraction3 { None = "N", Required = "R" }
}

metric_values! {
    /// CVSS 3.x S / MS: whether the impact reaches beyond the vulnerable component's authority.
    Scope { Unchanged = "U", Changed = "C" }
}

metric_values! {
    /// Impact on confidentiality, integrity or availability: CVSS 3.x C/I/A and their modified
    /// forms; CVSS 4.0 VC/VI/VA/SC/SI/SA and MVC/MVI/MVA/MSC.
    Impact { High = "H", Low = "L", None = "N" }
}

metric_values! {
    /// CVSS 3.x E: maturity of exploit code.
    ExploitCodeMaturity { Unproven = "U", ProofOfConcept = "P", Functional = "F", High = "H" }
}

metric_values! {
    /// CVSS 3.x RL: how far a remedy exists.
    RemediationLevel { OfficialFix = "O", TemporaryFix = "T", Workaround = "W", Unavailable = "U" }
}

metric_values! {
    /// CVSS 3.x RC: confidence in the existence and details of the vulnerability.
    ReportConfidence { Unknown = "U", Reasonable = "R", Confirmed = "C" }
}

metric_values! {
    /// CR / IR / AR: how much the affected asset's confidentiality, integrity or availability
    /// matters to the user's organisation.
    Requirement { Low = "L", Medium = "M", High = "H" }
}

metric_values! {
    /// CVSS 4.0 AT / MAT: deployment conditions the attack depends on.
    AttackRequirements { None = "N", Present = "P" }
}

metric_values! {
    /// CVSS 4.0 UI / MUI: no interaction, passive or active interaction of a human user.
    UserInteraction4 { None = "N", Passive = "P", Active = "A" }
}

metric_values! {
    /// CVSS 4.0 MSI / MSA: the modified subsequent-system impact, which can also be `S`
    /// (safety: the impact endangers human safety).
    ImpactOrSafety { High = "H", Low = "L", None = "N", Safety = "S" }
}

metric_values! {
    /// CVSS 4.0 E: exploit maturity.
    ExploitMaturity { Attacked = "A", ProofOfConcept = "P", Unreported = "U" }
}

metric_values! {
    /// CVSS 4.0 supplemental S: whether exploitation can endanger human safety.
    Safety { Negligible = "N", Present = "P" }
}

metric_values! {
    /// CVSS 4.0 supplemental AU: whether the kill-chain steps can be automated.
    Automatable { No = "N", Yes = "Y" }
}

metric_values! {
    /// CVSS 4.0 supplemental R: how the component recovers after an attack.
    Recovery { Automatic = "A", User = "U", Irrecoverable = "I" }
}

metric_values! {
    /// CVSS 4.0 supplemental V: resources the attacker gains control of with one exploit.
    ValueDensity { Diffuse = "D", Concentrated = "C" }
}

metric_values! {
    /// CVSS 4.0 supplemental RE: effort needed to respond to the vulnerability.
    ResponseEffort { Low = "L", Moderate = "M", High = "H" }
}

metric_values! {
    /// CVSS 4.0 supplemental U: the provider's urgency rating.
    ProviderUrgency { Clear = "Clear", Green = "Green", Amber = "Amber", Red = "Red" }
}
