//! Typed identifiers (`FromStr`): a value that round-trips, or a `ParseIdError`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use volunteer_service::{
    ActivityId, AssignmentId, CorrectionId, DeploymentId, IdempotencyKey, NeedId, OrgId,
    PairingId, QualificationId, RecordId, ShiftId, StaffId, TeamId, TemplateId, TrainingId,
    VolunteerId,
};

macro_rules! check {
    ($s:expr; $($ty:ident),*) => {$(
        match $s.parse::<$ty>() {
            Ok(id) => assert_eq!(id.to_string().parse::<$ty>(), Ok(id)),
            Err(e) => {
                assert_eq!(e.kind(), stringify!($ty));
                assert!(e.to_string().len() < 600);
            }
        }
    )*};
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    check!(s; VolunteerId, OrgId, TeamId, ActivityId, ShiftId, NeedId, AssignmentId,
        QualificationId, TrainingId, PairingId, DeploymentId, TemplateId, StaffId, RecordId,
        CorrectionId, IdempotencyKey);
});
