//! The one integration-test binary (see STYLE.md): each module covers one area.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    reason = "test helpers: a panic is a failed test, and v, s, c read as in the file format"
)]

mod activity;
mod awards;
mod eligibility;
mod identity;
mod ledger;
mod matching;
mod meta;
mod org;
#[cfg(feature = "serde")]
mod serde_wire;
#[cfg(all(unix, feature = "sqlite"))]
mod sqlite_fault;
