//! The national codes and other string decoders: a value that round-trips, or a typed error
//! whose message is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use volunteer_service::{
    CertificateNo, DivisionCode, DivisionLevel, DocumentNumber, Email, EntryHash, PersonName,
    PhoneNumber, ResidentId, Tag, Uscc, VolunteerNo,
};

fn bounded(message: String) {
    assert!(message.len() < 600, "{} bytes", message.len());
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    match ResidentId::parse_any(s) {
        Ok(id) => assert_eq!(ResidentId::new(id.expose()), Ok(id)),
        Err(e) => bounded(e.to_string()),
    }
    match ResidentId::from_legacy_15(s) {
        Ok(id) => assert_eq!(id.expose().len(), 18),
        Err(e) => bounded(e.to_string()),
    }
    match s.parse::<Uscc>() {
        Ok(u) => assert_eq!(u.as_str().parse::<Uscc>(), Ok(u)),
        Err(e) => bounded(e.to_string()),
    }
    match Uscc::with_check(s) {
        Ok(u) => assert_eq!(u.as_str().parse::<Uscc>(), Ok(u)),
        Err(e) => bounded(e.to_string()),
    }
    match s.parse::<DivisionCode>() {
        Ok(c) => assert_eq!(c.to_string().parse::<DivisionCode>(), Ok(c)),
        Err(e) => bounded(e.to_string()),
    }
    if let Err(e) = s.parse::<DivisionLevel>() {
        bounded(e.to_string());
    }
    match PhoneNumber::new(s) {
        Ok(p) => assert_eq!(PhoneNumber::new(p.expose()).as_ref(), Ok(&p)),
        Err(e) => bounded(e.to_string()),
    }
    match VolunteerNo::new(s) {
        Ok(n) => assert_eq!(VolunteerNo::new(n.as_str()).as_ref(), Ok(&n)),
        Err(e) => bounded(e.to_string()),
    }
    match DocumentNumber::new(s) {
        Ok(n) => assert_eq!(DocumentNumber::new(n.expose()).as_ref(), Ok(&n)),
        Err(e) => bounded(e.to_string()),
    }
    match PersonName::new(s) {
        Ok(n) => assert_eq!(PersonName::new(n.as_str()).as_ref(), Ok(&n)),
        Err(e) => bounded(e.to_string()),
    }
    match Email::new(s) {
        Ok(m) => assert_eq!(Email::new(m.as_str()).as_ref(), Ok(&m)),
        Err(e) => bounded(e.to_string()),
    }
    match Tag::new(s) {
        Ok(t) => assert_eq!(Tag::new(t.as_str()).as_ref(), Ok(&t)),
        Err(e) => bounded(e.to_string()),
    }
    match s.parse::<EntryHash>() {
        Ok(h) => assert_eq!(h.to_string().parse::<EntryHash>(), Ok(h)),
        Err(e) => bounded(e.to_string()),
    }
    match s.parse::<CertificateNo>() {
        Ok(n) => assert_eq!(n.to_string().parse::<CertificateNo>().as_ref(), Ok(&n)),
        Err(e) => bounded(e.to_string()),
    }
});
