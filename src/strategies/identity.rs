//! Strategies for identity codes: resident ID numbers, identity documents, phone numbers,
//! volunteer numbers, names and sex.

use chrono::NaiveDate;
use proptest::prelude::*;

use crate::codes::PROVINCES;
use crate::{
    DocumentNumber, IdDocument, IdDocumentKind, MaskLevel, PersonName, PhoneNumber, ResidentId,
    Sex, VolunteerNo,
};

/// Birth dates between 1900-01-01 and 2025-12-31.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::birth_date().new_tree(&mut runner).unwrap().current();
///     use chrono::Datelike;
///     assert!((1900..=2025).contains(&x.year()));
/// }
/// ```
pub fn birth_date() -> impl Strategy<Value = NaiveDate> {
    (0_u64..46_020).prop_map(|d| {
        NaiveDate::from_ymd_opt(1900, 1, 1)
            .and_then(|s| s.checked_add_days(chrono::Days::new(d)))
            .expect("in range")
    })
}

/// Valid resident ID numbers born on the given date with the given sex: a real province,
/// a random address and sequence, and the computed check character.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Sex};
/// let born = chrono::NaiveDate::from_ymd_opt(2012, 3, 1).unwrap();
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::resident_id_for(born, Sex::Female).new_tree(&mut runner).unwrap().current();
///     assert_eq!((x.birth_date(), x.sex()), (born, Sex::Female));
///     assert!(x.to_string().contains('*')); // masked
/// }
/// ```
pub fn resident_id_for(birth: NaiveDate, sex: Sex) -> impl Strategy<Value = ResidentId> {
    (
        prop::sample::select(PROVINCES.to_vec()),
        0_u32..10_000,
        0_u16..500,
    )
        .prop_map(move |(p, rest, half)| {
            let seq = half * 2 + u16::from(sex == Sex::Male);
            ResidentId::from_parts(u32::from(p) * 10_000 + rest, birth, seq)
                .expect("generated valid")
        })
}

/// Valid resident ID numbers with real birth dates (1900–2025) and computed checks.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, ResidentId};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::resident_id().new_tree(&mut runner).unwrap().current();
///     assert!(x.to_string().contains('*')); // masked
///     assert_eq!(ResidentId::new(x.expose())?, x); // the check character is valid
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn resident_id() -> impl Strategy<Value = ResidentId> {
    (birth_date(), sex()).prop_flat_map(|(b, s)| resident_id_for(b, s))
}

/// Either sex.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Sex};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::sex().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, Sex::Male | Sex::Female));
/// }
/// ```
pub fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

/// Either mask level.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, ResidentId};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::mask_level().new_tree(&mut runner).unwrap().current();
///     // Every level hides part of the number.
///     let id: ResidentId = "11010519491231002X".parse()?;
///     assert!(id.masked(x).contains('*'));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn mask_level() -> impl Strategy<Value = MaskLevel> {
    prop_oneof![Just(MaskLevel::Public), Just(MaskLevel::Admin)]
}

/// Every non-resident document kind.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, IdDocument};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::id_document_kind().new_tree(&mut runner).unwrap().current();
///     assert_eq!(IdDocument::parse(Some(x), "E12345678")?.kind_str(), x.as_str());
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn id_document_kind() -> impl Strategy<Value = IdDocumentKind> {
    prop::sample::select(vec![
        IdDocumentKind::Passport,
        IdDocumentKind::HkMacaoTravelPermit,
        IdDocumentKind::TaiwanTravelPermit,
        IdDocumentKind::HkMacaoTaiwanResidencePermit,
        IdDocumentKind::ForeignPermanentResidentId,
    ])
}

/// Document numbers of 5–32 characters `A-Z0-9`.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DocumentNumber};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::document_number().new_tree(&mut runner).unwrap().current();
///     assert_eq!(DocumentNumber::new(x.expose())?, x);
///     assert!((5..=32).contains(&x.expose().len()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn document_number() -> impl Strategy<Value = DocumentNumber> {
    "[A-Z0-9]{5,32}".prop_map(|s| DocumentNumber::new(&s).expect("generated valid"))
}

/// Identity documents, mostly resident ID cards.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::id_document().new_tree(&mut runner).unwrap().current();
///     // Displayed masked, whatever the kind.
///     assert!(x.to_string().starts_with(x.kind_str()));
///     assert!(x.to_string().contains('*'));
/// }
/// ```
pub fn id_document() -> impl Strategy<Value = IdDocument> {
    prop_oneof![
        3 => resident_id().prop_map(IdDocument::ResidentId),
        1 => (id_document_kind(), document_number())
            .prop_map(|(kind, number)| IdDocument::Other { kind, number }),
    ]
}

/// Mainland mobile numbers and international E.164 numbers.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, PhoneNumber};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::phone_number().new_tree(&mut runner).unwrap().current();
///     assert_eq!(PhoneNumber::new(x.expose())?, x);
///     assert!(x.to_string().contains('*')); // masked
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn phone_number() -> impl Strategy<Value = PhoneNumber> {
    prop_oneof![
        3 => "1[3-9][0-9]{9}".prop_map(|s| PhoneNumber::new(&s).expect("generated valid")),
        1 => "\\+[1-79][0-9]{7,14}".prop_map(|s| PhoneNumber::new(&s).expect("generated valid")),
    ]
}

/// Volunteer numbers that never look like ID numbers.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, VolunteerNo};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::volunteer_no().new_tree(&mut runner).unwrap().current();
///     assert_eq!(VolunteerNo::new(x.as_str())?, x); // never an ID number (VOL-06)
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn volunteer_no() -> impl Strategy<Value = VolunteerNo> {
    prop_oneof!["[A-Z]{2}-[0-9]{4}-[0-9]{6}", "[A-Z0-9][A-Z0-9-]{0,31}",]
        .prop_filter_map("looks like an id number", |s| VolunteerNo::new(&s).ok())
}

/// Names of 1–64 characters, Chinese and Latin.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, PersonName};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::person_name().new_tree(&mut runner).unwrap().current();
///     assert_eq!(PersonName::new(x.as_str())?, x);
///     assert!((1..=64).contains(&x.as_str().chars().count()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn person_name() -> impl Strategy<Value = PersonName> {
    prop_oneof![
        "[\u{4e00}-\u{9fa5}]{2,4}",
        "[A-Z][a-z]{1,20}( [A-Z][a-z]{1,20})?",
    ]
    .prop_map(|s| PersonName::new(&s).expect("generated valid"))
}
