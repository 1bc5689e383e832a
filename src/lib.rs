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
//! - `sqlite`: [`SqliteEventStore`], an event store in a SQLite file (SQLite is compiled in).
//! - `schemars`: `schema` returns the JSON Schemas of ledger events, service records and
//!   certificates.
//! - `csv`: `import` reads volunteer rosters and paper service records (补录) from CSV,
//!   UTF-8 or GBK.
//! - `postgres` (implies `serde`): `PostgresEventStore`, an event store in a PostgreSQL
//!   database.
#![doc(test(attr(deny(warnings))))]

mod activity;
mod activity_fixtures;
mod assignment;
mod attendance;
mod availability;
mod award;
mod award_fixtures;
mod category;
mod certificate;
mod codes;
mod contact;
mod crediting;
mod eligibility;
mod emergency;
mod error;
mod geo;
mod id;
#[cfg(feature = "csv")]
pub mod import;
mod ledger;
mod ledger_fixtures;
pub mod matching;
mod minutes;
mod need;
mod org;
mod person;
#[cfg(feature = "postgres")]
mod postgres_store;
mod qualification;
mod record;
mod registry;
mod replay;
mod rollup;
#[cfg(feature = "schemars")]
pub mod schema;
mod shift;
mod span;
#[cfg(feature = "sqlite")]
mod sqlite_store;
mod store;
#[cfg(feature = "proptest")]
pub mod strategies;
mod tag;
mod team;
mod timebank;
mod volunteer;
mod volunteer_fixtures;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Ready-made values for doc examples (not part of the stable API).
#[doc(hidden)]
pub mod doc_fixtures {
    pub use crate::activity_fixtures::*;
    pub use crate::award_fixtures::*;
    pub use crate::ledger_fixtures::*;
    pub use crate::volunteer_fixtures::*;
}

pub use activity::{
    Activity, ActivityBuilder, ActivityError, Hazard, InsurancePolicy, Location, OutcomeMetric,
    Recruitment, RecruitmentBuilder,
};
pub use assignment::{
    Assignment, AssignmentState, AssignmentStatus, Promotion, Released, Roster, RosterAction,
    RosterError, RosterEvent, RosterEventKind, SignUpOutcome,
};
pub use attendance::{Attendance, AttendanceError, AttendanceSource, Punch};
pub use availability::{Availability, AvailabilityError, TimeWindow};
pub use award::{
    AnnualMinimum, AwardError, AwardingLevel, Distinction, MAX_AWARD_TEXT, PointsRule, Standing,
    StarApplication, StarApplicationState, StarLadder, StarTier,
};
pub use category::{
    Category, CategoryError, CategoryKey, JiangningRole, MAX_CATEGORY_DEPTH, SEED_CATEGORIES,
    Taxonomy,
};
pub use certificate::{
    ApplicationState, CERTIFICATE_EVENT_VERSION, Certificate, CertificateError, CertificateEvent,
    CertificateEventKind, CertificateNo, CertificateRegister, CertificateStatus, CertifiedService,
    CertifiedVolunteer, DEFAULT_NOTICE_DAYS, Issuer, MAX_CERT_TEXT, PublicCertificate,
    VerificationCode,
};
pub use codes::*;
pub use contact::{Contact, Email, EmailError};
pub use crediting::{
    Credit, CreditLine, CreditRequest, CreditStatus, CreditingError, CreditingPolicy,
    CreditingPolicyBuilder, Exclusion, PolicyVersion, PriorCredits,
};
pub use eligibility::{
    Commitment, Eligibility, EligibilityPolicy, Ineligibility, RegistrationRequirement, Verdict,
};
pub use emergency::{EmergencyError, EmergencyOperation};
pub use error::Error;
pub use geo::{GeoError, GeoPoint};
pub use id::*;
pub use ledger::{
    Append, AppendOutcome, AsOf, Claim, Correction, CorrectionRequest, CorrectionStatus, EntryHash,
    EntryKind, HourLedger, LEDGER_EVENT_VERSION, LedgerEntry, LedgerError, LedgerEvent,
    LedgerEventKind, LedgerReplay, MAX_REASON, ParseHashError, Receipt, RecordStatus, Totals,
};
pub use minutes::{MinuteDelta, Minutes, MinutesError};
pub use need::{
    DispatchMode, Need, NeedAction, NeedError, NeedEvent, NeedState, NeedStatus, NeedTransition,
    Rating, Requester,
};
pub use org::{
    LegalForm, OrgError, OrgHierarchy, OrgKind, Organisation, OrganisationBuilder, PracticeLevel,
};
pub use person::{PersonName, PersonNameError, Sex};
#[cfg(feature = "postgres")]
pub use postgres_store::{POSTGRES_SCHEMA_VERSION, PostgresEventStore};
pub use qualification::{
    QualificationError, QualificationGrant, QualificationGraph, QualificationKind,
    QualificationShortfall, TrainingRecord, TrainingShortfall, check_training,
};
pub use record::{
    Actor, MAX_RECORD_TEXT, Provenance, RecordError, RecordKind, ServiceRecord,
    ServiceRecordBuilder,
};
pub use registry::{RegistryError, VolunteerRegistry};
pub use rollup::{
    ActivityIndex, MembershipTotals, OrgRollup, Period, PeriodKey, RollupError, RollupQuery,
    SubtreeTotals,
};
pub use shift::{
    AgeRule, Jurisdiction, NoSignUps, Requirements, RequirementsBuilder, Shift, ShiftCalendar,
    ShiftError, ShiftLookup, ShiftOrigin, ShiftTemplate, SignUpIndex, SkipReason, TemplateOutcome,
};
pub use span::{DatePeriod, SpanError, TimeSpan};
#[cfg(feature = "sqlite")]
pub use sqlite_store::{SQLITE_SCHEMA_VERSION, SqliteEventStore};
pub use store::{
    Appended, EventStore, MAX_STREAM_ID, MemoryEventStore, READ_PAGE, Recorded, StoreError,
    StoredEvent, StreamId, chain_hash,
};
pub use tag::{Tag, TagError};
pub use team::{
    Deployment, DeploymentTarget, Membership, Pairing, PairingScope, Readiness, Role, Specialty,
    Team, TeamBuilder, TeamError, TeamKind, TeamLevel, TeamRegistry,
};
pub use timebank::{
    Account, AccountOwner, Relation, TIME_BANK_EVENT_VERSION, TimeBank, TimeBankError,
    TimeBankEvent, TimeBankEventKind, TimeBankPolicy, TimeTxn, TxnKind,
};
pub use volunteer::{
    Accompaniment, GuardianConsent, MinorPolicy, MinorViolation, RegistrationChannel,
    RegistrationStatus, StatusKind, StatusReason, VerificationMethod, Volunteer, VolunteerBuilder,
    VolunteerError,
};
