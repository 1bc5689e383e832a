//! National codes: division codes, resident ID numbers, unified social credit codes and
//! volunteer numbers. Re-exported flat from the crate root.

mod division;

#[cfg(feature = "proptest")]
pub(crate) use division::PROVINCES;
mod id_document;
mod mask;
mod phone;
mod resident_id;
mod uscc;
mod volunteer_no;

pub use division::{
    Division, DivisionCode, DivisionCodeError, DivisionLevel, DivisionTable, DivisionTableError,
};
pub use id_document::{DocumentNumber, IdDocument, IdDocumentError, IdDocumentKey, IdDocumentKind};
pub use mask::MaskLevel;
pub(crate) use mask::echo_public;
pub use phone::{PhoneNumber, PhoneNumberError};
pub use resident_id::{ResidentId, ResidentIdError};
pub use uscc::{RegisteringDepartment, Uscc, UsccError};
pub use volunteer_no::{VolunteerNo, VolunteerNoError};
