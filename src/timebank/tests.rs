#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use chrono::TimeDelta;
use proptest::prelude::*;

use super::*;
use crate::doc_fixtures::{at, ledger, record_builder, recorder, volunteer_id as volunteer};
use crate::{Append, IdempotencyKey, Role, Team, TeamKind, TeamLevel, TimeSpan};

fn t() -> DateTime<FixedOffset> {
    at("2021-08-01T09:00:00+08:00")
}

/// `n` credits of the fixture volunteer, each `hours` long on consecutive days.
fn credited(n: u64, hours: i64) -> HourLedger {
    let mut l = ledger();
    for i in 1..=n {
        let start = at("2021-07-21T08:00:00+08:00") + TimeDelta::days(i64::try_from(i).unwrap());
        let rec = record_builder(i)
            .served(TimeSpan::new(start, start + TimeDelta::hours(hours)).unwrap())
            .duration(Minutes::new(u32::try_from(hours * 60).unwrap()))
            .build()
            .unwrap();
        let id = rec.id();
        l.submit(recorder(), rec, t()).unwrap();
        l.confirm(
            recorder(),
            id,
            Append::new(IdempotencyKey::from_parts(6, i)),
            t(),
        )
        .unwrap();
    }
    l
}

fn me() -> AccountOwner {
    AccountOwner::Individual(volunteer())
}

fn total(bank: &TimeBank) -> i64 {
    let mut accounts: BTreeSet<Account> = BTreeSet::new();
    for tx in bank.journal() {
        accounts.extend(tx.legs().iter().map(|(a, _)| *a));
    }
    accounts.into_iter().map(|a| bank.balance_of(a)).sum()
}

#[test]
fn deposits_reference_active_credits_once() {
    let mut l = credited(2, 4);
    let teams = TeamRegistry::new();
    let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    assert_eq!(
        bank.deposit(&l, &teams, 9, me(), t()),
        Err(TimeBankError::UnknownEntry { entry: 9 })
    );
    let other = AccountOwner::Individual(VolunteerId::from_parts(1, 1));
    assert!(matches!(
        bank.deposit(&l, &teams, 0, other, t()),
        Err(TimeBankError::NotTheOwner { entry: 0, .. })
    ));
    let seq = bank.deposit(&l, &teams, 0, me(), t()).unwrap();
    assert_eq!(bank.deposit_of(0), Some(seq));
    let before = bank.clone();
    assert_eq!(
        bank.deposit(&l, &teams, 0, me(), t()),
        Err(TimeBankError::AlreadyDeposited { entry: 0, txn: seq })
    );
    assert_eq!(bank, before);
    // A reversed credit and a reversal entry cannot be deposited.
    l.reverse(
        recorder(),
        1,
        "duplicate",
        Append::new(IdempotencyKey::from_parts(6, 99)),
        t(),
    )
    .unwrap();
    assert_eq!(
        bank.deposit(&l, &teams, 1, me(), t()),
        Err(TimeBankError::NotAnActiveCredit { entry: 1 })
    );
    assert_eq!(
        bank.deposit(&l, &teams, 2, me(), t()),
        Err(TimeBankError::NotAnActiveCredit { entry: 2 })
    );
    assert_eq!(bank, before);
    assert_eq!(bank.balance(me()), 240);
    assert_eq!(bank.balance_of(Account::Issued), -240);
    assert!(bank.unbacked(&l).is_empty());
    // Reversing a deposited credit leaves the deposit unbacked, reported, not edited.
    l.reverse(
        recorder(),
        0,
        "wrong volunteer",
        Append::new(IdempotencyKey::from_parts(6, 98)),
        t(),
    )
    .unwrap();
    assert_eq!(bank.unbacked(&l), [(0, seq)]);
    assert_eq!(bank.balance(me()), 240);
}

#[test]
fn overflow_above_the_cap_becomes_a_donation() {
    let l = credited(3, 4);
    let teams = TeamRegistry::new();
    let mut bank = TimeBank::new(TimeBankPolicy::new(Some(Minutes::new(600)), []));
    for e in 0..3 {
        bank.deposit(&l, &teams, e, me(), t()).unwrap();
    }
    assert_eq!(bank.balance(me()), 600);
    assert_eq!(bank.balance_of(Account::DonationPool), 120);
    assert!(matches!(
        bank.journal()[2].kind(),
        TxnKind::Deposit { overflow, .. } if *overflow == Minutes::new(120)
    ));
    assert_eq!(total(&bank), 0);
}

#[test]
fn nanjing_caps_at_1500_hours() {
    assert_eq!(TimeBankPolicy::nanjing().cap(), Some(Minutes::new(90_000)));
    assert!(TimeBankPolicy::nanjing().allows(Relation::Spouse));
    assert!(!TimeBankPolicy::nanjing().allows(Relation::Friend));
    assert!(TimeBankPolicy::shanghai().allows(Relation::Friend));
}

#[test]
fn withdrawals_transfers_and_donations() {
    let l = credited(1, 4);
    let teams = TeamRegistry::new();
    let mut bank = TimeBank::new(TimeBankPolicy::new(
        Some(Minutes::new(300)),
        [Relation::Spouse],
    ));
    bank.deposit(&l, &teams, 0, me(), t()).unwrap();
    let before = bank.clone();
    assert_eq!(
        bank.withdraw(me(), Minutes::ZERO, "visit", t()),
        Err(TimeBankError::ZeroAmount)
    );
    assert_eq!(
        bank.withdraw(me(), Minutes::new(10), " ", t()),
        Err(TimeBankError::Text { what: "service" })
    );
    assert!(matches!(
        bank.withdraw(me(), Minutes::new(241), "visit", t()),
        Err(TimeBankError::Insufficient {
            balance: 240,
            amount: 241,
            ..
        })
    ));
    let spouse = VolunteerId::from_parts(1, 2);
    let friend = VolunteerId::from_parts(1, 3);
    assert_eq!(
        bank.transfer(volunteer(), spouse, Minutes::new(10), t()),
        Err(TimeBankError::NotPermitted {
            from: volunteer(),
            to: spouse
        })
    );
    assert_eq!(bank, before);
    bank.declare_kin(volunteer(), spouse, Relation::Spouse);
    bank.declare_kin(volunteer(), friend, Relation::Friend);
    assert!(matches!(
        bank.transfer(volunteer(), friend, Minutes::new(10), t()),
        Err(TimeBankError::NotPermitted { .. })
    ));
    bank.transfer(volunteer(), spouse, Minutes::new(100), t())
        .unwrap();
    bank.withdraw(me(), Minutes::new(40), "meal delivery", t())
        .unwrap();
    bank.donate(me(), Minutes::new(50), t()).unwrap();
    assert_eq!(bank.balance(me()), 50);
    assert_eq!(bank.balance(AccountOwner::Individual(spouse)), 100);
    assert_eq!(bank.balance_of(Account::Consumed), 40);
    assert_eq!(bank.balance_of(Account::DonationPool), 50);
    // Grants come from the pool and respect the receiver's cap.
    assert!(matches!(
        bank.grant(spouse, Minutes::new(60), t()),
        Err(TimeBankError::PoolInsufficient {
            balance: 50,
            amount: 60
        })
    ));
    bank.grant(spouse, Minutes::new(50), t()).unwrap();
    assert_eq!(bank.balance(AccountOwner::Individual(spouse)), 150);
    assert_eq!(total(&bank), 0);
}

#[test]
fn transfers_and_grants_never_exceed_the_cap() {
    let l = credited(2, 4);
    let teams = TeamRegistry::new();
    let mut bank = TimeBank::new(TimeBankPolicy::new(
        Some(Minutes::new(300)),
        [Relation::Child],
    ));
    bank.deposit(&l, &teams, 0, me(), t()).unwrap();
    let child = VolunteerId::from_parts(1, 4);
    bank.declare_kin(volunteer(), child, Relation::Child);
    bank.transfer(volunteer(), child, Minutes::new(200), t())
        .unwrap();
    bank.deposit(&l, &teams, 1, me(), t()).unwrap(); // 40 + 240 = 280 ≤ 300
    let before = bank.clone();
    assert!(matches!(
        bank.transfer(volunteer(), child, Minutes::new(150), t()),
        Err(TimeBankError::OverCap {
            balance: 200,
            amount: 150,
            cap: 300,
            ..
        })
    ));
    assert_eq!(bank, before);
}

#[test]
fn group_accounts_take_members_credits_and_only_donate() {
    let l = credited(1, 4);
    let team = TeamId::from_parts(2, 1);
    let mut teams = TeamRegistry::new();
    teams
        .add_team(
            Team::builder(
                team,
                "小队",
                TeamKind::Level(TeamLevel::Squad),
                crate::doc_fixtures::organiser(),
            )
            .build()
            .unwrap(),
        )
        .unwrap();
    let group = AccountOwner::Group(team);
    let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    assert!(matches!(
        bank.deposit(&l, &teams, 0, group, t()),
        Err(TimeBankError::NotAMember { entry: 0, team: tm, .. }) if tm == team
    ));
    teams
        .join(
            team,
            volunteer(),
            Role::Member,
            "2021-07-01".parse::<chrono::NaiveDate>().unwrap().into(),
        )
        .unwrap();
    bank.deposit(&l, &teams, 0, group, t()).unwrap();
    assert_eq!(
        bank.withdraw(group, Minutes::new(10), "visit", t()),
        Err(TimeBankError::GroupDonatesOnly {
            team,
            operation: "withdraw"
        })
    );
    bank.donate(group, Minutes::new(240), t()).unwrap();
    assert_eq!(bank.balance(group), 0);
    assert_eq!(bank.balance_of(Account::DonationPool), 240);
}

#[derive(Debug, Clone)]
enum Op {
    Deposit(u64, bool),
    Withdraw(u8, u32),
    Transfer(u8, u8, u32),
    Donate(u8, u32),
    Grant(u8, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0_u64..12, any::<bool>()).prop_map(|(e, g)| Op::Deposit(e, g)),
        (0_u8..3, 0_u32..400).prop_map(|(o, m)| Op::Withdraw(o, m)),
        (0_u8..3, 0_u8..3, 0_u32..400).prop_map(|(a, b, m)| Op::Transfer(a, b, m)),
        (0_u8..3, 0_u32..400).prop_map(|(o, m)| Op::Donate(o, m)),
        (0_u8..3, 0_u32..400).prop_map(|(o, m)| Op::Grant(o, m)),
    ]
}

proptest! {
    /// TB-06: every transaction balances, owner balances never go negative nor above the cap,
    /// and owners plus the pool hold exactly what was deposited minus what was withdrawn. A
    /// refused operation changes nothing.
    #[test]
    fn balances_are_conserved(ops in prop::collection::vec(op(), 0..40), cap in 100_u32..1000) {
        let l = credited(10, 4);
        let team = TeamId::from_parts(2, 1);
        let mut teams = TeamRegistry::new();
        teams.add_team(Team::builder(team, "队", TeamKind::Level(TeamLevel::Squad), crate::doc_fixtures::organiser()).build().unwrap()).unwrap();
        teams.join(team, volunteer(), Role::Member, "2021-07-01".parse::<chrono::NaiveDate>().unwrap().into()).unwrap();
        let people = [volunteer(), VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2)];
        let mut bank = TimeBank::new(TimeBankPolicy::new(Some(Minutes::new(cap)), [Relation::Spouse]));
        for a in people { for b in people { bank.declare_kin(a, b, Relation::Spouse); } }
        let owner = |i: u8| AccountOwner::Individual(people[usize::from(i) % 3]);
        for o in ops {
            let before = bank.clone();
            let r = match o {
                Op::Deposit(e, g) => bank.deposit(&l, &teams, e, if g { AccountOwner::Group(team) } else { me() }, t()),
                Op::Withdraw(i, m) => bank.withdraw(owner(i), Minutes::new(m), "service", t()),
                Op::Transfer(a, b, m) => bank.transfer(people[usize::from(a)], people[usize::from(b)], Minutes::new(m), t()),
                Op::Donate(i, m) => bank.donate(owner(i), Minutes::new(m), t()),
                Op::Grant(i, m) => bank.grant(people[usize::from(i)], Minutes::new(m), t()),
            };
            if r.is_err() {
                prop_assert_eq!(&bank, &before);
            }
            for tx in bank.journal() {
                prop_assert_eq!(tx.legs().iter().map(|(_, m)| m).sum::<i64>(), 0);
            }
            for p in people {
                let b = bank.balance(AccountOwner::Individual(p));
                prop_assert!(b >= 0 && b <= i64::from(cap));
            }
            prop_assert!(bank.balance(AccountOwner::Group(team)) >= 0);
            prop_assert!(bank.balance_of(Account::DonationPool) >= 0);
            let held: i64 = people.iter().map(|p| bank.balance(AccountOwner::Individual(*p))).sum::<i64>()
                + bank.balance(AccountOwner::Group(team))
                + bank.balance_of(Account::DonationPool);
            let deposited = -bank.balance_of(Account::Issued);
            let withdrawn = bank.balance_of(Account::Consumed);
            prop_assert_eq!(held, deposited - withdrawn);
            prop_assert_eq!(total(&bank), 0);
        }
        // Every state change is an event: replay (and the JSON of the events) rebuilds an
        // identical bank without the ledger.
        prop_assert_eq!(&TimeBank::replay(bank.events()).unwrap(), &bank);
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&bank).unwrap();
            prop_assert_eq!(&serde_json::from_str::<TimeBank>(&json).unwrap(), &bank);
        }
    }
}

#[test]
fn every_change_is_an_event_and_replay_checks_the_history() {
    let l = credited(2, 4);
    let teams = TeamRegistry::new();
    let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    let spouse = VolunteerId::from_parts(1, 1);
    bank.declare_kin(volunteer(), spouse, Relation::Spouse);
    bank.declare_kin(volunteer(), spouse, Relation::Spouse); // no change, no event
    bank.deposit(&l, &teams, 0, me(), t()).unwrap();
    bank.withdraw(me(), Minutes::new(30), "home visit", t())
        .unwrap();
    bank.transfer(volunteer(), spouse, Minutes::new(30), t())
        .unwrap();
    bank.donate(me(), Minutes::new(60), t()).unwrap();
    bank.grant(spouse, Minutes::new(10), t()).unwrap();
    let names: Vec<&str> = bank.events().iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names,
        [
            "opened",
            "kin_declared",
            "deposited",
            "withdrawn",
            "transferred",
            "donated",
            "granted"
        ]
    );
    assert_eq!(TimeBank::replay(bank.events()).unwrap(), bank);
    // A refused operation adds no event.
    let before = bank.clone();
    assert!(bank.withdraw(me(), Minutes::new(9_999), "x", t()).is_err());
    assert_eq!(bank, before);
    // Histories a bank cannot have produced are refused.
    let events = bank.events().to_vec();
    assert_eq!(
        TimeBank::replay(&events[1..]),
        Err(TimeBankError::ReplayMismatch { event: 0 })
    );
    assert_eq!(
        TimeBank::replay(&[]),
        Err(TimeBankError::ReplayMismatch { event: 0 })
    );
    let mut twice = events.clone();
    twice.insert(1, events[0].clone());
    assert_eq!(
        TimeBank::replay(&twice),
        Err(TimeBankError::ReplayMismatch { event: 1 })
    );
    let mut doubled = events.clone();
    doubled.push(events[2].clone()); // the same deposit again
    assert_eq!(
        TimeBank::replay(&doubled),
        Err(TimeBankError::AlreadyDeposited { entry: 0, txn: 0 })
    );
    let mut future = events;
    future[3].version = 2;
    assert_eq!(
        TimeBank::replay(&future),
        Err(TimeBankError::UnsupportedEventVersion { version: 2 })
    );
    insta::assert_snapshot!(TimeBankError::UnsupportedEventVersion { version: 2 }, @"time-bank event version 2 is not supported: expected 1");
    insta::assert_snapshot!(TimeBankError::ReplayMismatch { event: 1 }, @"time-bank event 1 does not replay to itself");
}
