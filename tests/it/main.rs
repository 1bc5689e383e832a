//! The crate's one integration-test binary.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    reason = "test helpers: a panic is a failed test, and v, s, c read as in the file format"
)]

mod matching;
