//! The one integration-test binary (see STYLE.md): each module covers one area.

mod activity;
mod awards;
mod eligibility;
mod identity;
mod ledger;
mod meta;
mod org;
#[cfg(feature = "serde")]
mod serde_wire;
