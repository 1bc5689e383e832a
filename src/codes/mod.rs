//! National codes: division codes, resident ID numbers, unified social credit codes and
//! volunteer numbers. Re-exported flat from the crate root.

mod division;
mod uscc;

pub use division::{
    Division, DivisionCode, DivisionCodeError, DivisionLevel, DivisionTable, DivisionTableError,
};
pub use uscc::{RegisteringDepartment, Uscc, UsccError};
