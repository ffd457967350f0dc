//! The appvd domain: what a vulnerability case is and the rules it lives by, with no I/O.
//!
//! A [`report::NewReport`] arrives through some [`receipt::Channel`] and opens a [`case::Case`] whose
//! id is a [`ids::CaseId`]. The case moves through the states of [`case::CaseState`] only by
//! [`lifecycle::apply`], which checks who the [`user::Actor`] is, whether the action exists in the
//! current state, and the gates of the Regulations ([`gate`]). Every "no" is a [`Refusal`] carrying a
//! rule id (`REG-9.1`, …) and a sentence. [`deadline`] computes the legal clocks from a [`policy::Policy`];
//! [`hashchain`] makes the event and receipt logs tamper-evident; [`search`] turns Chinese and English
//! text into the tokens both databases index.
//!
//! Architecture invariant: this crate performs no I/O, reads no clock and draws no randomness; the
//! caller passes the time and the random bytes in. That keeps every rule testable as a pure function.

pub mod access;
pub mod advisory;
pub mod case;
pub mod deadline;
pub mod edit;
pub mod error;
pub mod gate;
pub mod grade;
pub mod hashchain;
pub mod ids;
pub mod lifecycle;
pub mod org;
pub mod policy;
pub mod product;
pub mod receipt;
pub mod refusal;
pub mod report;
pub mod search;
pub mod text;
pub mod user;

#[cfg(test)]
mod testing;

pub use error::InvalidInput;
pub use refusal::{Refusal, RefusalKind};
