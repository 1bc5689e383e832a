//! Golden matching instances (`tests/data/`): the solver's objective equals OR-Tools'.

use volunteer_service::matching::{
    SinkIndex, SourceIndex, TransportBuilder, TransportProblem, verify,
};

/// Parses a `MATCHBENCH 1` file (sparse or dense) into a problem.
fn load(name: &str) -> TransportProblem {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut words = text.split_whitespace();
    assert_eq!(words.next(), Some("MATCHBENCH"));
    assert_eq!(words.next(), Some("1"));
    let kind = words.next().unwrap().to_owned();
    let mut num = move || words.next().unwrap().parse::<i64>().unwrap();
    let (rows, cols, m, penalty) = (num(), num(), num(), num());
    let u = |x: i64| u32::try_from(x).unwrap();
    let mut b = TransportBuilder::new();
    if kind == "sparse" {
        for _ in 0..cols {
            b.add_sink(u(num()), penalty).unwrap();
        }
        for _ in 0..rows {
            b.add_source(u(num()));
        }
        for _ in 0..m {
            let (v, s, c) = (num(), num(), num());
            b.add_arc(SourceIndex::new(u(v)), SinkIndex::new(u(s)), c)
                .unwrap();
        }
    } else {
        for _ in 0..cols {
            b.add_sink(1, penalty).unwrap();
        }
        for _ in 0..rows {
            b.add_source(1);
        }
        for v in 0..rows {
            for s in 0..cols {
                b.add_arc(SourceIndex::new(u(v)), SinkIndex::new(u(s)), num())
                    .unwrap();
            }
        }
    }
    b.build().unwrap()
}

fn check(name: &str, objective: i64, assigned: u32, unfilled: u32) {
    let p = load(name);
    let sol = p.solve().unwrap();
    assert_eq!(verify(&p, &sol), Ok(()));
    assert_eq!(sol.objective(), objective, "{name}");
    assert_eq!(sol.filled().iter().sum::<u32>(), assigned, "{name}");
    assert_eq!(sol.unfilled().iter().sum::<u32>(), unfilled, "{name}");
}

#[test]
fn sparse_tight_matches_or_tools() {
    check("sparse-tight-300.txt", 20_117_086, 300, 20);
}

#[test]
fn sparse_with_capacities_matches_or_tools() {
    check("sparse-caps-200.txt", 39_180_460, 393, 39);
}

#[test]
fn dense_with_more_slots_than_volunteers_matches_or_tools() {
    check("dense-40x60.txt", 20_028_743, 40, 20);
}
