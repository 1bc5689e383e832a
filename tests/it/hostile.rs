//! Hostile input: every decoder, given arbitrary bytes and strings, returns a value or a
//! typed error and never panics; what it accepts round-trips; its errors stay small and never
//! echo a whole ID or phone number; a 10 MB input fails fast with an error of bounded size.
//!
//! The `cargo fuzz` targets in `fuzz/` drive the same decoders for longer (nightly only).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use volunteer_service::*;

/// Errors carry bounded echoes of the input (at most 80 characters), so their messages and
/// `Debug` stay small whatever the input.
const MAX_MESSAGE: usize = 600;

/// Valid samples, mutated into near-misses by [`text`].
const SAMPLES: &[&str] = &[
    "360426199101010071",
    "11010519491231002X",
    "110105491231002",
    "91110000600037341L",
    "320115005001",
    "320115",
    "13912345678",
    "+8613912345678",
    "+4915123456789",
    "JS-2021-000001",
    "E12345678",
    "017ac65c-ac00-7000-8000-000000000001",
    "张三",
    "a@example.org",
    "JN-LK-000001",
    "0000000000000000000000000000000000000000000000000000000000000000",
];

/// Arbitrary strings: any Unicode, bytes read lossily, and valid samples with a character
/// replaced, inserted or removed, or cut short.
fn text() -> impl Strategy<Value = String> {
    let mutated = (
        prop::sample::select(SAMPLES),
        any::<prop::sample::Index>(),
        any::<char>(),
        0_u8..5,
    )
        .prop_map(|(s, at, c, how)| {
            let mut chars: Vec<char> = s.chars().collect();
            let i = at.index(chars.len() + 1);
            match how {
                0 if i < chars.len() => chars[i] = c,
                1 => chars.insert(i, c),
                2 if i < chars.len() => {
                    chars.remove(i);
                }
                3 => chars.truncate(i),
                _ => chars = chars.iter().map(char::to_ascii_lowercase).collect(),
            }
            chars.into_iter().collect()
        });
    prop_oneof![
        any::<String>(),
        "[0-9Xx+\\-]{0,40}",
        prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        mutated,
    ]
}

/// Checks an error's size, and that an all-digit input of a phone or ID number's length (11,
/// 13–15, 17 or 18 and more digits; 12 are a public division code) never appears whole in it.
fn check_error(
    input: &str,
    err: &impl std::fmt::Debug,
    message: &str,
) -> Result<(), TestCaseError> {
    let debug = format!("{err:?}");
    prop_assert!(message.len() <= MAX_MESSAGE, "{}", message.len());
    prop_assert!(debug.len() <= MAX_MESSAGE * 2, "{}", debug.len());
    let private = matches!(input.len(), 11 | 13..=15 | 17..);
    if private && input.bytes().all(|b| b.is_ascii_digit()) {
        prop_assert!(!message.contains(input), "{message}");
        prop_assert!(!debug.contains(input), "{debug}");
    }
    Ok(())
}

macro_rules! decodes {
    ($s:expr, $parse:expr, |$v:ident| $round_trip:expr) => {{
        let s: &str = $s;
        match $parse(s) {
            Ok($v) => prop_assert!($round_trip, "{s:?}"),
            Err(e) => check_error(s, &e, &e.to_string())?,
        }
    }};
}

macro_rules! typed_ids {
    ($s:expr; $($ty:ident),*) => {{
        let s: &str = $s;
        $(match s.parse::<$ty>() {
            Ok(id) => prop_assert_eq!(id.to_string().parse::<$ty>().unwrap(), id),
            Err(e) => {
                prop_assert_eq!(e.kind(), stringify!($ty));
                check_error(s, &e, &e.to_string())?;
            }
        })*
    }};
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn codes_decode_or_fail_typed(s in text()) {
        decodes!(&s, ResidentId::new, |v| v.expose().parse::<ResidentId>() == Ok(v)
            && v.expose().eq_ignore_ascii_case(&s));
        decodes!(&s, ResidentId::parse_any, |v| ResidentId::new(v.expose()) == Ok(v));
        decodes!(&s, ResidentId::from_legacy_15, |v| v.expose().len() == 18);
        decodes!(&s, str::parse::<Uscc>, |v| v.as_str().parse::<Uscc>() == Ok(v));
        decodes!(&s, Uscc::with_check, |v| v.as_str().parse::<Uscc>() == Ok(v));
        decodes!(&s, str::parse::<DivisionCode>, |v| v.to_string().parse::<DivisionCode>() == Ok(v));
        decodes!(&s, str::parse::<DivisionLevel>, |v| v.to_string().parse::<DivisionLevel>() == Ok(v));
        decodes!(&s, PhoneNumber::new, |v| PhoneNumber::new(v.expose()).as_ref() == Ok(&v));
        decodes!(&s, VolunteerNo::new, |v| VolunteerNo::new(v.as_str()).as_ref() == Ok(&v));
        decodes!(&s, DocumentNumber::new, |v| DocumentNumber::new(v.expose()).as_ref() == Ok(&v));
        decodes!(&s, PersonName::new, |v| PersonName::new(v.as_str()).as_ref() == Ok(&v));
        decodes!(&s, Email::new, |v| Email::new(v.as_str()).as_ref() == Ok(&v));
        decodes!(&s, Tag::new, |v| Tag::new(v.as_str()).as_ref() == Ok(&v));
        decodes!(&s, str::parse::<EntryHash>, |v| v.to_string().parse::<EntryHash>() == Ok(v));
        decodes!(&s, str::parse::<CertificateNo>, |v| v.to_string().parse::<CertificateNo>().as_ref() == Ok(&v));
    }

    #[test]
    fn id_documents_decode_or_fail_typed(s in text()) {
        let kinds = [
            None,
            Some(IdDocumentKind::Passport),
            Some(IdDocumentKind::HkMacaoTravelPermit),
            Some(IdDocumentKind::TaiwanTravelPermit),
            Some(IdDocumentKind::HkMacaoTaiwanResidencePermit),
            Some(IdDocumentKind::ForeignPermanentResidentId),
        ];
        for kind in kinds {
            match IdDocument::parse(kind, &s) {
                Ok(doc) => {
                    let full = match &doc {
                        IdDocument::ResidentId(id) => id.expose().to_owned(),
                        IdDocument::Other { number, .. } => number.expose().to_owned(),
                    };
                    prop_assert_eq!(IdDocument::parse(kind, &full).unwrap().key(), doc.key());
                    let shown = format!("{doc} {doc:?}");
                    prop_assert!(!shown.contains(&full), "{}", shown);
                }
                Err(e) => check_error(&s, &e, &e.to_string())?,
            }
        }
    }

    #[test]
    fn typed_ids_decode_or_fail_typed(s in text()) {
        typed_ids!(&s; VolunteerId, OrgId, TeamId, ActivityId, ShiftId, NeedId, AssignmentId,
            QualificationId, TrainingId, PairingId, DeploymentId, TemplateId, StaffId, RecordId,
            CorrectionId, IdempotencyKey);
    }
}

/// A decoder's name and a call that returns its error message.
type Check = (&'static str, fn(&str) -> String);

/// Every decoder, given 10 MB, fails quickly with an error of bounded size: none keeps a
/// copy of its input (the errors echo at most 80 characters). The time limit is generous
/// (unoptimised builds on a shared machine); `fuzz/alloc_bound.rs` measures the bytes
/// allocated.
#[test]
fn ten_megabyte_inputs_fail_fast_with_small_errors() {
    let digits = "1".repeat(10 << 20);
    let mixed = "一".repeat((10 << 20) / 3);
    for input in [&digits, &mixed] {
        let checks: [Check; 13] = [
            ("DivisionLevel", |s| {
                s.parse::<DivisionLevel>().unwrap_err().to_string()
            }),
            ("ResidentId", |s| {
                ResidentId::parse_any(s).unwrap_err().to_string()
            }),
            ("Uscc", |s| s.parse::<Uscc>().unwrap_err().to_string()),
            ("DivisionCode", |s| {
                s.parse::<DivisionCode>().unwrap_err().to_string()
            }),
            ("PhoneNumber", |s| {
                PhoneNumber::new(s).unwrap_err().to_string()
            }),
            ("VolunteerNo", |s| {
                VolunteerNo::new(s).unwrap_err().to_string()
            }),
            ("IdDocument", |s| {
                IdDocument::parse(Some(IdDocumentKind::Passport), s)
                    .unwrap_err()
                    .to_string()
            }),
            ("PersonName", |s| {
                PersonName::new(s).unwrap_err().to_string()
            }),
            ("Email", |s| Email::new(s).unwrap_err().to_string()),
            ("Tag", |s| Tag::new(s).unwrap_err().to_string()),
            ("VolunteerId", |s| {
                s.parse::<VolunteerId>().unwrap_err().to_string()
            }),
            ("EntryHash", |s| {
                s.parse::<EntryHash>().unwrap_err().to_string()
            }),
            ("CertificateNo", |s| {
                s.parse::<CertificateNo>().unwrap_err().to_string()
            }),
        ];
        for (name, check) in checks {
            let start = Instant::now();
            let message = check(input);
            let took = start.elapsed();
            assert!(
                message.len() <= MAX_MESSAGE,
                "{name}: {} bytes",
                message.len()
            );
            assert!(took < Duration::from_secs(3), "{name} took {took:?}");
        }
    }
}

/// A 10 MB string in an event is refused with a small error (`serde_json` reads the string
/// before the event's shape is checked, so this allocates once the input's size).
#[cfg(feature = "serde")]
#[test]
fn a_ten_megabyte_event_fails_with_a_small_error() {
    let huge = format!("{{\"version\":1,\"type\":\"{}\"}}", "x".repeat(10 << 20));
    let start = Instant::now();
    let message = serde_json::from_str::<LedgerEvent>(&huge)
        .unwrap_err()
        .to_string();
    assert!(message.len() <= MAX_MESSAGE, "{message}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

/// Deeply nested JSON is refused by `serde_json`'s recursion limit, not by a stack overflow.
#[cfg(feature = "serde")]
#[test]
fn deeply_nested_json_is_an_error() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(serde_json::from_str::<LedgerEvent>(&deep).is_err());
    assert!(serde_json::from_str::<Vec<LedgerEvent>>(&deep).is_err());
    let deep_object = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    assert!(serde_json::from_str::<ServiceRecord>(&deep_object).is_err());
}

#[cfg(feature = "serde")]
mod json {
    use proptest::prelude::*;
    use serde_json::Value;
    use volunteer_service::*;

    /// The ledger fixture's events, as JSON values.
    fn events() -> Vec<Value> {
        let (ledger, _) = doc_fixtures::certified_ledger();
        ledger
            .events()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect()
    }

    /// Hostile JSON leaves.
    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            Just(Value::from(u64::MAX)),
            Just(Value::from(-1)),
            Just(Value::from(1e300)),
            super::text().prop_map(Value::String),
            Just(serde_json::json!({})),
            Just(serde_json::json!([])),
            Just(serde_json::json!([1, "a", null])),
        ]
    }

    /// Every path to a node of `v`.
    fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    at.push(Step::Key(k.clone()));
                    paths(child, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    at.push(Step::Index(i));
                    paths(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }

    #[derive(Clone, Debug)]
    enum Step {
        Key(String),
        Index(usize),
    }

    fn node<'v>(v: &'v mut Value, path: &[Step]) -> &'v mut Value {
        path.iter().fold(v, |v, step| match step {
            Step::Key(k) => &mut v[k.as_str()],
            Step::Index(i) => &mut v[*i],
        })
    }

    #[derive(Clone, Debug)]
    enum Mutation {
        Replace(Value),
        Remove,
        AddKey(String, Value),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            4 => leaf().prop_map(Mutation::Replace),
            1 => Just(Mutation::Remove),
            1 => ("[a-z_]{1,12}", leaf()).prop_map(|(k, v)| Mutation::AddKey(k, v)),
        ]
    }

    /// Applies mutations at chosen nodes.
    fn mutate(mut v: Value, edits: &[(prop::sample::Index, Mutation)]) -> Value {
        for (at, m) in edits {
            let mut all = Vec::new();
            paths(&v, &mut Vec::new(), &mut all);
            let path = &all[at.index(all.len())];
            match m {
                Mutation::Replace(new) => *node(&mut v, path) = new.clone(),
                Mutation::Remove => {
                    if let Some((last, parent)) = path.split_last() {
                        match (node(&mut v, parent), last) {
                            (Value::Object(m), Step::Key(k)) => {
                                m.remove(k);
                            }
                            (Value::Array(a), Step::Index(i)) => {
                                a.remove(*i);
                            }
                            _ => {}
                        }
                    }
                }
                Mutation::AddKey(k, new) => {
                    if let Value::Object(m) = node(&mut v, path) {
                        m.insert(k.clone(), new.clone());
                    }
                }
            }
        }
        v
    }

    fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, Mutation)>> {
        prop::collection::vec((any::<prop::sample::Index>(), mutation()), 1..4)
    }

    /// Decodes `bytes` as `T`; what decodes re-encodes and decodes to the same value.
    fn stable<T>(bytes: &[u8]) -> Result<Option<T>, TestCaseError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        match serde_json::from_slice::<T>(bytes) {
            Ok(v) => {
                let again: T = serde_json::from_slice(&serde_json::to_vec(&v).unwrap()).unwrap();
                prop_assert_eq!(&again, &v);
                Ok(Some(v))
            }
            Err(e) => {
                prop_assert!(e.to_string().len() < 2_000);
                Ok(None)
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_are_no_event(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            stable::<LedgerEvent>(&bytes)?;
            stable::<Vec<LedgerEvent>>(&bytes)?;
            stable::<ServiceRecord>(&bytes)?;
            stable::<Certificate>(&bytes)?;
            stable::<Volunteer>(&bytes)?;
        }

        #[test]
        fn mutated_events_decode_or_fail_and_replay_never_panics(
            which in any::<prop::sample::Index>(),
            edits in edits(),
            byte_flip in prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
        ) {
            let mut all = events();
            let i = which.index(all.len());
            all[i] = mutate(all[i].clone(), &edits);
            let mut bytes = serde_json::to_vec(&all).unwrap();
            if let Some((at, b)) = byte_flip {
                let j = at.index(bytes.len());
                bytes[j] = b;
            }
            if let Some(events) = stable::<Vec<LedgerEvent>>(&bytes)? {
                // Replay validates every event: a value or a typed error, never a panic.
                if let Ok(ledger) = HourLedger::replay(&events) {
                    prop_assert!(ledger.verify().is_ok());
                }
            }
        }

        #[test]
        fn mutated_records_and_certificates_decode_or_fail(
            edits in edits(),
            which in 0_u8..3,
        ) {
            let (ledger, profile) = doc_fixtures::certified_ledger();
            let value = match which {
                0 => serde_json::to_value(ledger.record(doc_fixtures::record_builder(1).build().unwrap().id()).unwrap().0).unwrap(),
                1 => serde_json::to_value(super::certificate()).unwrap(),
                _ => serde_json::to_value(&profile).unwrap(),
            };
            let bytes = serde_json::to_vec(&mutate(value, &edits)).unwrap();
            match which {
                0 => { stable::<ServiceRecord>(&bytes)?; }
                1 => {
                    if let Some(c) = stable::<Certificate>(&bytes)? {
                        let _ = c.verify(&ledger);
                    }
                }
                _ => { stable::<Volunteer>(&bytes)?; }
            }
        }
    }
}

/// The certificate fixture: issued from the certified ledger.
#[cfg(feature = "serde")]
fn certificate() -> Certificate {
    let (ledger, profile) = doc_fixtures::certified_ledger();
    let issuer = Issuer::new(
        doc_fixtures::organiser(),
        "禄口街道新时代文明实践所",
        "王主任",
        "李干事",
        "025-5210 0000",
    )
    .unwrap();
    let mut reg = CertificateRegister::new(issuer, "JN-LK").unwrap();
    let t = doc_fixtures::at("2021-08-02T09:00:00+08:00");
    let app = reg.apply(&profile, t);
    reg.accept(app, t).unwrap();
    let no = reg.issue(app, &ledger, t.date_naive(), "").unwrap();
    reg.certificate(&no).unwrap().clone()
}

#[cfg(feature = "csv")]
mod csv_rows {
    use proptest::prelude::*;
    use volunteer_service::import::{ImportError, ImportOptions, RosterImport, RowPolicy};

    proptest! {
        #[test]
        fn arbitrary_csv_gives_a_report_or_a_typed_error(
            cells in prop::collection::vec(super::text(), 0..24),
            width in 1_usize..6,
        ) {
            let mut csv = String::from("name,document_number,volunteer_no,phone,birth_date,sex\n");
            for row in cells.chunks(width) {
                csv.push_str(&row.join(","));
                csv.push('\n');
            }
            let import = RosterImport::new(1).options(ImportOptions::default().rows(RowPolicy::KeepValid));
            match import.read(csv.as_bytes()) {
                Ok(done) => {
                    prop_assert_eq!(done.values().len(), done.report().accepted());
                    for e in done.report().rejected() {
                        super::check_error("", e, &e.to_string())?;
                    }
                }
                Err(e) => prop_assert!(matches!(e, ImportError::Csv { .. } | ImportError::Implausible { .. }), "{e}"),
            }
        }
    }
}
