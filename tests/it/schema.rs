//! The JSON Schemas of the wire formats: frozen by snapshots, and checked against real
//! serialised values (the wire snapshots, fixtures and generated values) with the
//! `jsonschema` validator; each string pattern is compared with the decoder it describes.

use insta::assert_json_snapshot;
use jsonschema::Validator;
use serde_json::{Value, json};
use volunteer_service::*;

fn validator(schema: &schemars::Schema) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema.as_value())
        .expect("the schema compiles")
}

/// A validator for one definition of `schema`.
fn def_validator(schema: &schemars::Schema, name: &str) -> Validator {
    let value = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": schema.get("$defs").cloned().unwrap_or_default(),
        "$ref": format!("#/$defs/{name}"),
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&value)
        .expect("the definition compiles")
}

fn assert_valid(v: &Validator, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{instance:#}");
}

/// The JSON of a wire snapshot written by `tests/it/*.rs`.
fn snapshot(name: &str) -> Value {
    let path = format!(
        "{}/tests/it/snapshots/{name}.snap",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("snapshot file");
    let body = text.splitn(3, "---\n").nth(2).expect("snapshot body");
    serde_json::from_str(body).expect("snapshot is JSON")
}

#[test]
fn schemas_are_frozen() {
    assert_json_snapshot!("schema_ledger_event", schema::ledger_event());
    assert_json_snapshot!("schema_service_record", schema::service_record());
    assert_json_snapshot!("schema_certificate", schema::certificate());
}

#[test]
fn the_wire_snapshots_validate() {
    let events = validator(&schema::ledger_event());
    let records = validator(&schema::service_record());
    let Value::Array(all) = snapshot("it__ledger__wire__ledger_events") else {
        panic!("an array of events")
    };
    let mut kinds = std::collections::BTreeSet::new();
    for e in &all {
        assert_valid(&events, e);
        kinds.insert(e["type"].as_str().unwrap().to_owned());
        if let Some(r) = e.get("record").filter(|r| r.is_object()) {
            assert_valid(&records, r);
        }
    }
    assert!(kinds.len() >= 5, "{kinds:?}");
    let certificates = validator(&schema::certificate());
    assert_valid(&certificates, &snapshot("it__awards__certificate_revoked"));
}

#[test]
fn fixture_events_records_and_certificates_validate() {
    let (ledger, profile) = doc_fixtures::certified_ledger();
    let events = validator(&schema::ledger_event());
    for e in ledger.events() {
        assert_valid(&events, &serde_json::to_value(e).unwrap());
    }
    let records = validator(&schema::service_record());
    let rec = doc_fixtures::record_builder(9).build().unwrap();
    assert_valid(&records, &serde_json::to_value(&rec).unwrap());

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
    let no = reg.issue(app, &ledger, t.date_naive(), "first").unwrap();
    let certificates = validator(&schema::certificate());
    assert_valid(
        &certificates,
        &serde_json::to_value(reg.certificate(&no).unwrap()).unwrap(),
    );
    reg.publicise(&no, t, DEFAULT_NOTICE_DAYS).unwrap();
    assert_valid(
        &certificates,
        &serde_json::to_value(reg.certificate(&no).unwrap()).unwrap(),
    );
}

#[test]
fn invalid_values_are_refused_by_schema_and_decoder_alike() {
    let records = validator(&schema::service_record());
    let good = serde_json::to_value(doc_fixtures::record_builder(1).build().unwrap()).unwrap();
    let cases: [(&str, Value); 8] = [
        ("place", json!("   ")),
        ("place", json!("x".repeat(501))),
        ("id", json!("not-a-uuid")),
        ("kind", json!("party")),
        ("duration", json!(0)),
        ("duration", json!(-5)),
        (
            "recorder",
            json!({"staff": "017ac65c-ac00-7000-8000-000000000001", "volunteer": "017ac65c-ac00-7000-8000-000000000001"}),
        ),
        ("provenance", json!("correction")),
    ];
    for (field, bad) in cases {
        let mut v = good.clone();
        v[field] = bad.clone();
        assert!(!records.is_valid(&v), "schema accepted {field} = {bad}");
        assert!(
            serde_json::from_value::<ServiceRecord>(v).is_err(),
            "decoder accepted {field} = {bad}"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("content");
    assert!(!records.is_valid(&missing));
    assert!(serde_json::from_value::<ServiceRecord>(missing).is_err());
    // Optional fields may be absent, as the decoder reads them as null.
    let mut absent = good.clone();
    absent.as_object_mut().unwrap().remove("evaluation");
    assert_valid(&records, &absent);
    assert!(serde_json::from_value::<ServiceRecord>(absent).is_ok());
    // Stricter than the decoder: an unknown property is refused.
    let mut extra = good;
    extra["evalution"] = json!("typo");
    assert!(!records.is_valid(&extra));
    assert!(serde_json::from_value::<ServiceRecord>(extra).is_ok());
}

#[cfg(feature = "proptest")]
mod generated {
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use volunteer_service::strategies as s;
    use volunteer_service::*;

    use super::{assert_valid, def_validator, validator};

    /// Strings near the patterns' edges.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ \t\u{3000}a-z]{0,4}",
            "[0-9a-fA-F{}-]{30,40}",
            "(urn:uuid:|\\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}?",
            "[A-Z0-9-]{0,18}-[0-9]{4,9}",
            "[0-9a-fA-G]{63,65}",
            "[A-Z2-9-]{14,20}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn generated_ledgers_and_records_validate(ledger in s::hour_ledger(6), rec in s::service_record()) {
            let events = validator(&schema::ledger_event());
            for e in ledger.events() {
                assert_valid(&events, &serde_json::to_value(e).unwrap());
            }
            assert_valid(&validator(&schema::service_record()), &serde_json::to_value(&rec).unwrap());
        }

        #[test]
        fn string_patterns_match_the_decoders(s in text()) {
            let record = schema::service_record();
            let certificate = schema::certificate();
            let ledger = schema::ledger_event();
            let as_json = Value::String(s.clone());
            // Typed identifiers.
            prop_assert_eq!(def_validator(&record, "uuid").is_valid(&as_json), s.parse::<VolunteerId>().is_ok(), "{:?}", s);
            // Record text, through the record decoder.
            let mut r = serde_json::to_value(doc_fixtures::record_builder(1).build().unwrap()).unwrap();
            r["place"] = as_json.clone();
            prop_assert_eq!(validator(&record).is_valid(&r), serde_json::from_value::<ServiceRecord>(r).is_ok(), "{:?}", s);
            // Reasons, through the correction request decoder.
            let req = json!({"id": "017ac65c-ac00-7000-8000-000000000001", "volunteer": "017ac65c-ac00-7000-8000-000000000002", "claim": {"omission": {"organiser": "017ac65c-ac00-7000-8000-000000000003"}}, "description": s});
            prop_assert_eq!(def_validator(&ledger, "correction_request").is_valid(&req), serde_json::from_value::<CorrectionRequest>(req).is_ok(), "{:?}", s);
            // Certificate numbers (sequences that overflow u32 aside).
            let digits = s.rsplit_once('-').map_or(0, |(_, d)| d.trim_start_matches('0').len());
            if digits <= 9 {
                prop_assert_eq!(def_validator(&certificate, "certificate_no").is_valid(&as_json), s.parse::<CertificateNo>().is_ok(), "{:?}", s);
            }
            // Entry hashes and verification codes, through their decoders.
            let hash = &certificate.get("properties").unwrap()["service"]["properties"]["ledger_hash"];
            let hash = jsonschema::validator_for(hash).unwrap();
            prop_assert_eq!(hash.is_valid(&as_json), s.parse::<EntryHash>().is_ok(), "{:?}", s);
            let code = jsonschema::validator_for(&certificate.get("properties").unwrap()["code"]).unwrap();
            prop_assert_eq!(code.is_valid(&as_json), serde_json::from_value::<VerificationCode>(as_json.clone()).is_ok(), "{:?}", s);
        }
    }
}
