//! # volunteer-service
//!
//! The domain model that volunteer-service (志愿服务) platforms embed: volunteers, teams and
//! organisation hierarchies, immutable service records, service-hour accounting, and a
//! matching algorithm that assigns volunteers to service needs.
//!
//! The crate grew out of the 2021 Jiangsu mobilisations against COVID-19, where Nanjing,
//! Zhenjiang and Suzhou each mobilised 50,000–100,000 volunteers: teams paired with towns,
//! practice centres → institutes → stations → points, hours recorded on a platform, and needs
//! matched "by jurisdiction and proximity" (属地化、就近化).
//!
//! ## Principles
//! - **A value that exists is valid.** Constructors validate; fields are private.
//! - **A rejected operation changes nothing**, and returns a typed error whose message names
//!   the field, the value and the rule.
//! - **No I/O, no hidden clock.** Instants, identifiers and seeds come in as arguments.
//! - **Privacy.** Resident ID numbers and phone numbers are masked in `Debug`, `Display` and
//!   every error message.
//!
//! ## Example
//! ```
//! use volunteer_service::{DivisionCode, DivisionLevel, Minutes};
//! let lukou: DivisionCode = "320115005".parse()?;
//! assert_eq!(lukou.level(), DivisionLevel::Township);
//! assert_eq!(Minutes::from_hm(3, 30)?.to_string(), "3:30");
//! # Ok::<(), volunteer_service::Error>(())
//! ```
//!
//! ## Feature flags
//! - `serde` (default): `Serialize`/`Deserialize` on every domain type.
//! - `proptest`: `strategies` with proptest strategies for valid domain values.
#![doc(test(attr(deny(warnings))))]

mod codes;
mod error;
mod geo;
mod id;
pub mod matching;
mod minutes;
mod span;
#[cfg(feature = "proptest")]
pub mod strategies;
mod tag;

pub use codes::*;
pub use error::Error;
pub use geo::{GeoError, GeoPoint};
pub use id::*;
pub use minutes::{MinuteDelta, Minutes, MinutesError};
pub use span::{DatePeriod, SpanError, TimeSpan};
pub use tag::{Tag, TagError};
