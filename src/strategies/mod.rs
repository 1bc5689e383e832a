//! Proptest strategies for valid domain values (feature `proptest`).
//!
//! Every strategy yields values that the crate's own constructors accept, so downstream crates
//! can property-test their integrations against the whole valid domain.
//!
//! # Example
//! ```
//! use proptest::prelude::*;
//! use volunteer_service::strategies;
//!
//! proptest!(|(code in strategies::division_code())| {
//!     prop_assert_eq!(code.to_string().parse::<volunteer_service::DivisionCode>().unwrap(), code);
//! });
//! ```

#![allow(
    clippy::missing_panics_doc,
    reason = "strategies panic only if a generator produced an invalid value, which is a bug"
)]

mod activity;
mod awards;
mod basics;
mod eligibility;
mod emergency;
mod identity;
mod ledger;
mod match_domain;
mod matching;
mod org;
mod volunteer;

pub use activity::*;
pub use awards::*;
pub use basics::*;
pub use eligibility::*;
pub use emergency::*;
pub use identity::*;
pub use ledger::*;
pub use match_domain::*;
pub use matching::*;
pub use org::*;
pub use volunteer::*;
