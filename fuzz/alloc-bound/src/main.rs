//! Prints, for each decoder given a 10 MB input, the peak heap bytes live during the call
//! (above what was live before) and the total allocated; exits non-zero if a string decoder
//! allocates more than 1 KiB for a rejected input.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only updates counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        TOTAL.fetch_add(layout.size(), Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f`, returning (peak bytes above the starting level, total bytes allocated).
fn measure(f: impl FnOnce()) -> (usize, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let total = TOTAL.load(Relaxed);
    f();
    (PEAK.load(Relaxed) - base, TOTAL.load(Relaxed) - total)
}

fn main() {
    use volunteer_service::*;
    let inputs = [
        ("10 MB of digits", "1".repeat(10 << 20)),
        ("10 MB of 一", "一".repeat((10 << 20) / 3)),
    ];
    let mut failed = false;
    for (what, s) in &inputs {
        println!("{what}:");
        let decoders: [(&str, fn(&str) -> bool); 15] = [
            ("ResidentId::parse_any", |s| ResidentId::parse_any(s).is_err()),
            ("Uscc::from_str", |s| s.parse::<Uscc>().is_err()),
            ("DivisionCode::from_str", |s| s.parse::<DivisionCode>().is_err()),
            ("DivisionLevel::from_str", |s| s.parse::<DivisionLevel>().is_err()),
            ("PhoneNumber::new", |s| PhoneNumber::new(s).is_err()),
            ("VolunteerNo::new", |s| VolunteerNo::new(s).is_err()),
            ("IdDocument::parse(passport)", |s| {
                IdDocument::parse(Some(IdDocumentKind::Passport), s).is_err()
            }),
            ("PersonName::new", |s| PersonName::new(s).is_err()),
            ("Email::new", |s| Email::new(s).is_err()),
            ("Tag::new", |s| Tag::new(s).is_err()),
            ("VolunteerId::from_str", |s| s.parse::<VolunteerId>().is_err()),
            ("EntryHash::from_str", |s| s.parse::<EntryHash>().is_err()),
            ("CertificateNo::from_str", |s| s.parse::<CertificateNo>().is_err()),
            ("import::decode", |s| import::decode(s.as_bytes(), import::Decode::Detect).is_ok()),
            ("RosterImport (header only)", |s| {
                import::RosterImport::new(1).read(s.as_bytes()).is_err()
            }),
        ];
        for (name, decode) in decoders {
            let mut rejected = false;
            let (peak, total) = measure(|| rejected = decode(s));
            let string_decoder = !name.starts_with("import") && !name.starts_with("Roster");
            let over = string_decoder && peak > 1024;
            failed |= over || !rejected;
            println!(
                "  {name:<30} peak {peak:>10} B  total {total:>10} B{}",
                if over { "  OVER 1 KiB" } else { "" }
            );
        }
        let (peak, total) = measure(|| {
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(s.as_bytes());
            for rec in r.records() { let _ = rec; }
        });
        println!("  {:<30} peak {peak:>10} B  total {total:>10} B", "csv crate alone, for scale");
        let json = format!("{{\"version\":1,\"at\":\"{s}\"}}");
        let (peak, total) =
            measure(|| assert!(serde_json::from_str::<LedgerEvent>(&json).is_err()));
        println!("  {:<30} peak {peak:>10} B  total {total:>10} B", "LedgerEvent (serde_json)");
    }
    if failed {
        std::process::exit(1);
    }
}
