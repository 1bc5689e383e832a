//! Strategies for emergency operations.

use proptest::prelude::*;

use super::{division_code, instant, org_id};
use crate::{EmergencyOperation, OrgKind, Organisation};

/// Emergency operations over any area, declared between 2020 and 2030, stood down within a
/// year or still in force.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::emergency_operation().new_tree(&mut runner).unwrap().current();
///     // In force from its declaration until it stands down.
///     assert!(x.in_force(x.declared()));
///     assert!(x.stood_down().is_none_or(|end| end > x.declared() && !x.in_force(end)));
/// }
/// ```
pub fn emergency_operation() -> impl Strategy<Value = EmergencyOperation> {
    (
        org_id(),
        "[\u{4e00}-\u{9fa5}a-z]{1,20}",
        division_code(),
        instant(),
        prop::option::of(1_i64..525_600),
    )
        .prop_map(|(id, name, area, declared, lasts)| {
            let hq = Organisation::builder(id, "指挥部", OrgKind::EmergencyCommand)
                .build()
                .expect("valid organisation");
            let mut op =
                EmergencyOperation::declare(&name, &hq, area, declared).expect("valid operation");
            if let Some(minutes) = lasts {
                op.stand_down(declared + chrono::TimeDelta::minutes(minutes))
                    .expect("after declaration");
            }
            op
        })
}
