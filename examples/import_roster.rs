//! Reads a GBK-encoded volunteer roster as Excel saves it on Chinese Windows, keeps the good
//! rows and prints the report: `cargo run --example import_roster --features csv [FILE]`.

use std::process::ExitCode;

use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy, UnknownColumns};
use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};

fn main() -> ExitCode {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/roster-gbk.csv").into()
    });
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut graph = QualificationGraph::new();
    let first_aid = QualificationKind::new(QualificationId::from_parts(1, 1), "急救员", Some(36));
    if let Err(e) = first_aid.map(|k| graph.add_kind(k)) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let import = RosterImport::new(1_626_739_200_000)
        .options(
            ImportOptions::default()
                .rows(RowPolicy::KeepValid)
                .unknown_columns(UnknownColumns::Ignore),
        )
        .qualifications(&graph);
    match import.read(&bytes) {
        Ok(done) => {
            println!("{}", done.report());
            for (line, v) in done.lines().iter().zip(done.values()) {
                // `Display` of the document masks the ID number.
                println!(
                    "line {line}: {} {} {} born {}",
                    v.volunteer_no(),
                    v.name(),
                    v.document(),
                    v.birth_date()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
