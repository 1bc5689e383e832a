//! Identity documents of every kind: the first byte picks the kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use volunteer_service::{IdDocument, IdDocumentKind};

const KINDS: [Option<IdDocumentKind>; 6] = [
    None,
    Some(IdDocumentKind::Passport),
    Some(IdDocumentKind::HkMacaoTravelPermit),
    Some(IdDocumentKind::TaiwanTravelPermit),
    Some(IdDocumentKind::HkMacaoTaiwanResidencePermit),
    Some(IdDocumentKind::ForeignPermanentResidentId),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(s) = core::str::from_utf8(rest) else {
        return;
    };
    let kind = KINDS[usize::from(pick) % KINDS.len()];
    match IdDocument::parse(kind, s) {
        Ok(doc) => {
            let full = match &doc {
                IdDocument::ResidentId(id) => id.expose().to_owned(),
                IdDocument::Other { number, .. } => number.expose().to_owned(),
            };
            assert_eq!(IdDocument::parse(kind, &full).map(|d| d.key()), Ok(doc.key()));
            assert!(!format!("{doc} {doc:?}").contains(&full), "unmasked");
            let json = serde_json::to_string(&doc).expect("serialises");
            assert_eq!(serde_json::from_str::<IdDocument>(&json).expect("round trip"), doc);
        }
        Err(e) => assert!(e.to_string().len() < 600),
    }
});
