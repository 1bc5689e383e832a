//! The other wire formats with validated deserialisation: service records, certificates and
//! volunteer profiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use volunteer_service::{Certificate, ServiceRecord, Volunteer};

fn stable<T: Serialize + DeserializeOwned + PartialEq + core::fmt::Debug>(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<T>(data) {
        let again = serde_json::to_vec(&v).expect("serialises");
        assert_eq!(serde_json::from_slice::<T>(&again).expect("round trip"), v);
    }
}

fuzz_target!(|data: &[u8]| {
    stable::<ServiceRecord>(data);
    stable::<Certificate>(data);
    stable::<Volunteer>(data);
});
