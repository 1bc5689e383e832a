//! Inputs shared by the benchmarks.

use chrono::NaiveDate;
use volunteer_service::{OrgId, OrgKind, Organisation};

/// Fan-out of the benchmark hierarchy: 100,000 nodes make six levels.
pub(crate) const FANOUT: u64 = 10;

/// A six-level tree of `nodes` organisations: node `i`'s parent is `(i - 1) / 10`, ids
/// `OrgId::from_parts(1, i)`.
pub(crate) fn six_level_tree(nodes: u64) -> Vec<(Organisation, Option<OrgId>, NaiveDate)> {
    let day = NaiveDate::from_ymd_opt(2021, 1, 1).expect("date");
    (0..nodes)
        .map(|i| {
            let org = Organisation::builder(
                OrgId::from_parts(1, i),
                format!("org {i}"),
                OrgKind::OtherOrganiser,
            )
            .build()
            .expect("valid");
            let parent = (i > 0).then(|| OrgId::from_parts(1, (i - 1) / FANOUT));
            (org, parent, day)
        })
        .collect()
}
