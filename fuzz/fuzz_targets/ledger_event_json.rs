//! `LedgerEvent` JSON from arbitrary bytes: what decodes re-encodes to the same value, and a
//! replay of decoded events returns a ledger that verifies or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use volunteer_service::{HourLedger, LedgerEvent};

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = serde_json::from_slice::<LedgerEvent>(data) {
        let again = serde_json::to_vec(&event).expect("serialises");
        assert_eq!(serde_json::from_slice::<LedgerEvent>(&again).expect("round trip"), event);
    }
    if let Ok(events) = serde_json::from_slice::<Vec<LedgerEvent>>(data) {
        if let Ok(ledger) = HourLedger::replay(&events) {
            assert!(ledger.verify().is_ok());
            assert_eq!(HourLedger::replay(ledger.events()).as_ref(), Ok(&ledger));
        }
    }
});
