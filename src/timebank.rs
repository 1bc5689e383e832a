//! The time bank (时间银行, TB-01..06): an optional, double-entry ledger of stored service
//! time on top of the hour ledger.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::{
    HourLedger, Minutes, RecordId, RecordKind, RecordStatus, TeamId, TeamRegistry, VolunteerId,
};

/// Returned when a time-bank operation is refused. The bank is unchanged.
///
/// # Example
/// ```
/// use volunteer_service::{TeamId, TimeBankError};
/// let e = TimeBankError::GroupDonatesOnly { team: TeamId::from_parts(0, 1), operation: "withdraw" };
/// assert_eq!(e.to_string(), "group account of team 00000000-0000-7000-8000-000000000001 can only donate: withdraw refused");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeBankError {
    /// No ledger entry has this sequence.
    #[error("ledger entry {entry} is unknown")]
    UnknownEntry {
        /// The sequence.
        entry: u64,
    },
    /// Only an active service credit can be deposited (TB-06: a deposit references a
    /// confirmed record).
    #[error("ledger entry {entry} is not an active service credit: cannot deposit it")]
    NotAnActiveCredit {
        /// The sequence.
        entry: u64,
    },
    /// The credit was already deposited.
    #[error("ledger entry {entry} was already deposited by transaction {txn}")]
    AlreadyDeposited {
        /// The credit.
        entry: u64,
        /// The deposit.
        txn: u64,
    },
    /// The credit belongs to another volunteer than the individual account's owner.
    #[error("ledger entry {entry} credits volunteer {credited}, not the account owner {owner}")]
    NotTheOwner {
        /// The credit.
        entry: u64,
        /// Whom it credits.
        credited: VolunteerId,
        /// The account owner.
        owner: VolunteerId,
    },
    /// The credited volunteer was not a member of the team on the day of service.
    #[error(
        "volunteer {volunteer} was not a member of team {team} when serving ledger entry {entry}"
    )]
    NotAMember {
        /// The credit.
        entry: u64,
        /// The volunteer.
        volunteer: VolunteerId,
        /// The team.
        team: TeamId,
    },
    /// Group accounts only donate (TB-02).
    #[error("group account of team {team} can only donate: {operation} refused")]
    GroupDonatesOnly {
        /// The team.
        team: TeamId,
        /// The refused operation.
        operation: &'static str,
    },
    /// The account holds less than the amount.
    #[error("account {owner} holds {balance} min: cannot take {amount} min")]
    Insufficient {
        /// The account.
        owner: AccountOwner,
        /// Its balance in minutes.
        balance: i64,
        /// The amount asked for, in minutes.
        amount: u32,
    },
    /// The receiving account would exceed the cap (transfers and grants never overflow).
    #[error(
        "account {owner} holds {balance} min: receiving {amount} min would exceed the cap of {cap} min"
    )]
    OverCap {
        /// The receiving account.
        owner: AccountOwner,
        /// Its balance in minutes.
        balance: i64,
        /// The amount in minutes.
        amount: u32,
        /// The cap in minutes.
        cap: u32,
    },
    /// The scheme does not allow transfers between these people (TB-03, TB-06).
    #[error("transfer from {from} to {to} is not permitted: no allowed relation declared")]
    NotPermitted {
        /// The giver.
        from: VolunteerId,
        /// The receiver.
        to: VolunteerId,
    },
    /// The donation pool holds less than a grant.
    #[error("donation pool holds {balance} min: cannot grant {amount} min")]
    PoolInsufficient {
        /// The pool's balance in minutes.
        balance: i64,
        /// The grant in minutes.
        amount: u32,
    },
    /// A zero amount.
    #[error("amount must be positive")]
    ZeroAmount,
    /// A description is blank or longer than 200 characters.
    #[error("{what} is blank or longer than 200 characters")]
    Text {
        /// What the text is for.
        what: &'static str,
    },
    /// An event has a format version this build cannot read.
    #[error(
        "time-bank event version {version} is not supported: expected {TIME_BANK_EVENT_VERSION}"
    )]
    UnsupportedEventVersion {
        /// The event's version.
        version: u16,
    },
    /// Replaying an event did not reproduce it: the events are not a history a bank
    /// produced (the first must be `opened`, and only the first).
    #[error("time-bank event {event} does not replay to itself")]
    ReplayMismatch {
        /// The position of the event in the replayed list.
        event: u64,
    },
}

/// The current time-bank event format version.
pub const TIME_BANK_EVENT_VERSION: u16 = 1;

/// One state change of a [`TimeBank`], with its format version.
///
/// Serialised flat with a snake-case `type` tag, like [`LedgerEvent`](crate::LedgerEvent):
/// `{"version": 1, "type": "withdrawn", "at": "<rfc3339>", "owner": …, "amount": 60,
/// "service": "…"}`. Store the events; rebuild the bank with [`TimeBank::replay`].
///
/// # Example
/// ```
/// use volunteer_service::{TimeBank, TimeBankEventKind, TimeBankPolicy};
/// let bank = TimeBank::new(TimeBankPolicy::nanjing());
/// assert!(matches!(bank.events()[0].kind, TimeBankEventKind::Opened { .. }));
/// assert_eq!(TimeBank::replay(bank.events())?, bank);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeBankEvent {
    /// The format version ([`TIME_BANK_EVENT_VERSION`] for new events).
    pub version: u16,
    /// What happened.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: TimeBankEventKind,
}

/// What happened to a time bank, in the past tense. Serialised with `"type"` set to the
/// snake-case name; every kind but `opened` and `kin_declared` has its instant `at`.
///
/// A `deposited` event carries the ledger facts the deposit was checked against (entry,
/// record, volunteer, minutes), so replay needs no ledger; the split above the cap is
/// recomputed.
///
/// # Example
/// ```
/// use volunteer_service::{TimeBankEventKind, TimeBankPolicy};
/// let k = TimeBankEventKind::Opened { policy: TimeBankPolicy::nanjing() };
/// assert_eq!(k.name(), "opened");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum TimeBankEventKind {
    /// The bank was opened under a scheme.
    Opened {
        /// The scheme.
        policy: TimeBankPolicy,
    },
    /// A relation was declared for transfers.
    KinDeclared {
        /// The giver.
        from: VolunteerId,
        /// The receiver.
        to: VolunteerId,
        /// `to` is `from`'s relation.
        relation: Relation,
    },
    /// A ledger credit was deposited.
    Deposited {
        /// When.
        at: DateTime<FixedOffset>,
        /// The ledger credit.
        entry: u64,
        /// Its record.
        record: RecordId,
        /// The credited volunteer.
        volunteer: VolunteerId,
        /// The receiving account.
        to: AccountOwner,
        /// The credit's minutes.
        amount: Minutes,
    },
    /// Time was exchanged for a service.
    Withdrawn {
        /// When.
        at: DateTime<FixedOffset>,
        /// The account.
        owner: AccountOwner,
        /// The minutes.
        amount: Minutes,
        /// The service received.
        service: String,
    },
    /// Time was transferred to a declared relative or friend.
    Transferred {
        /// When.
        at: DateTime<FixedOffset>,
        /// The giver.
        from: VolunteerId,
        /// The receiver.
        to: VolunteerId,
        /// The minutes.
        amount: Minutes,
    },
    /// Time was donated to the pool.
    Donated {
        /// When.
        at: DateTime<FixedOffset>,
        /// The account.
        owner: AccountOwner,
        /// The minutes.
        amount: Minutes,
    },
    /// Time was granted from the pool.
    Granted {
        /// When.
        at: DateTime<FixedOffset>,
        /// The receiver.
        to: VolunteerId,
        /// The minutes.
        amount: Minutes,
    },
}

impl TimeBankEventKind {
    /// The snake-case name used as the `type` tag.
    ///
    /// # Example
    /// See [`TimeBankEventKind`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "opened",
            Self::KinDeclared { .. } => "kin_declared",
            Self::Deposited { .. } => "deposited",
            Self::Withdrawn { .. } => "withdrawn",
            Self::Transferred { .. } => "transferred",
            Self::Donated { .. } => "donated",
            Self::Granted { .. } => "granted",
        }
    }
}

/// Who owns a time account: a volunteer or a team (TB-02).
///
/// Serialised as `{"individual": "<uuid>"}` or `{"group": "<uuid>"}`.
///
/// # Example
/// ```
/// use volunteer_service::{AccountOwner, VolunteerId};
/// let a = AccountOwner::Individual(VolunteerId::from_parts(0, 1));
/// assert!(a.to_string().starts_with("individual "));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AccountOwner {
    /// A volunteer's own account (on Nanjing's citizen card).
    Individual(VolunteerId),
    /// A team's account: it can only donate.
    Group(TeamId),
}

impl fmt::Display for AccountOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Individual(v) => write!(f, "individual {v}"),
            Self::Group(t) => write!(f, "group {t}"),
        }
    }
}

/// An account of the double-entry journal: owners' accounts and the bank's own.
///
/// `Issued` mirrors every deposit (it goes negative as service time is stored), `Consumed`
/// receives time spent on services, `DonationPool` receives donations and overflow and
/// pays grants. Every transaction's legs sum to zero, so the sum of all balances is zero.
///
/// Serialised as `{"owner": AccountOwner}`, `"issued"`, `"consumed"` or `"donation_pool"`.
///
/// # Example
/// ```
/// use volunteer_service::Account;
/// assert_ne!(Account::Issued, Account::DonationPool);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Account {
    /// An owner's account.
    Owner(AccountOwner),
    /// The counter-account of deposits: minus all time stored from service.
    Issued,
    /// Time exchanged for services received.
    Consumed,
    /// Donated and overflowed time, from which grants are paid.
    DonationPool,
}

/// Family and social relations a scheme may allow transfers along (TB-03, TB-04).
///
/// # Example
/// ```
/// use volunteer_service::Relation;
/// assert_ne!(Relation::Spouse, Relation::Friend);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Relation {
    /// 配偶.
    Spouse,
    /// A parent of the giver.
    Parent,
    /// A grandparent of the giver.
    Grandparent,
    /// A child of the giver.
    Child,
    /// A sibling.
    Sibling,
    /// A friend (Shanghai allows friends).
    Friend,
}

/// A time-bank scheme: the storage cap of individual accounts and the relations transfers may
/// follow.
///
/// Serialised as `{"cap": minutes | null, "transfers": [Relation…]}`.
///
/// # Example
/// ```
/// use volunteer_service::{Minutes, TimeBankPolicy};
/// assert_eq!(TimeBankPolicy::nanjing().cap(), Some(Minutes::from_hm(1500, 0)?));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeBankPolicy {
    cap: Option<Minutes>,
    transfers: BTreeSet<Relation>,
}

impl TimeBankPolicy {
    /// A scheme with `cap` on individual accounts and transfers along `transfers`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Relation, TimeBankPolicy};
    /// let p = TimeBankPolicy::new(None, [Relation::Friend]);
    /// assert!(p.allows(Relation::Friend) && !p.allows(Relation::Spouse));
    /// ```
    pub fn new(cap: Option<Minutes>, transfers: impl IntoIterator<Item = Relation>) -> Self {
        Self {
            cap,
            transfers: transfers.into_iter().collect(),
        }
    }

    /// Nanjing (TB-02, TB-03 Gulou): 1,500 h cap, surplus to donation; transfers to the
    /// spouse and direct relatives (parents, grandparents, children). The Gulou age condition
    /// (relatives aged 60+) is the caller's to check when declaring kin.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, Relation, TimeBankPolicy};
    /// let p = TimeBankPolicy::nanjing();
    /// assert_eq!(p.cap(), Some(Minutes::new(1500 * 60)));
    /// assert!(p.allows(Relation::Grandparent) && !p.allows(Relation::Friend));
    /// ```
    pub fn nanjing() -> Self {
        Self::new(
            Some(Minutes::new(1500 * 60)),
            [
                Relation::Spouse,
                Relation::Parent,
                Relation::Grandparent,
                Relation::Child,
            ],
        )
    }

    /// Shanghai 沪助养老时光汇 (TB-04): no cap found; transfers to relatives or friends.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Relation, TimeBankPolicy};
    /// let p = TimeBankPolicy::shanghai();
    /// assert_eq!(p.cap(), None);
    /// assert!(p.allows(Relation::Friend) && p.allows(Relation::Sibling));
    /// ```
    pub fn shanghai() -> Self {
        Self::new(
            None,
            [
                Relation::Spouse,
                Relation::Parent,
                Relation::Grandparent,
                Relation::Child,
                Relation::Sibling,
                Relation::Friend,
            ],
        )
    }

    /// The cap on individual accounts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, Relation, TimeBankPolicy};
    /// assert_eq!(TimeBankPolicy::new(Some(Minutes::new(600)), [Relation::Spouse]).cap(), Some(Minutes::new(600)));
    /// assert_eq!(TimeBankPolicy::default().cap(), None);
    /// ```
    pub fn cap(&self) -> Option<Minutes> {
        self.cap
    }

    /// Whether transfers along `relation` are allowed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Relation, TimeBankPolicy};
    /// let p = TimeBankPolicy::new(None, [Relation::Spouse]);
    /// assert!(p.allows(Relation::Spouse));
    /// assert!(!p.allows(Relation::Friend));
    /// assert!(!TimeBankPolicy::default().allows(Relation::Spouse)); // no transfers by default
    /// ```
    pub fn allows(&self, relation: Relation) -> bool {
        self.transfers.contains(&relation)
    }
}

/// What a transaction did.
///
/// Serialised as `{"deposit": {"entry", "record", "overflow"}}`, `{"withdrawal": {"service"}}`,
/// `{"transfer": {"relation"}}`, `"donation"` or `"grant"`.
///
/// # Example
/// ```
/// use volunteer_service::TxnKind;
/// assert_ne!(TxnKind::Donation, TxnKind::Grant);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum TxnKind {
    /// Service time stored from a ledger credit; `overflow` minutes above the cap went to
    /// the donation pool.
    Deposit {
        /// The ledger credit.
        entry: u64,
        /// Its record.
        record: RecordId,
        /// Minutes over the cap, donated.
        overflow: Minutes,
    },
    /// Time exchanged for a service (never for money: there is no cash operation).
    Withdrawal {
        /// The service received.
        service: String,
    },
    /// Time transferred to a permitted relative or friend.
    Transfer {
        /// The declared relation.
        relation: Relation,
    },
    /// Time donated to the pool.
    Donation,
    /// Time granted from the pool to someone in need.
    Grant,
}

/// One transaction: balanced legs (their amounts sum to zero).
///
/// Serialised (only: a transaction exists only inside its bank, which checks its legs) as
/// `{"seq", "at", "kind", "legs": [[Account, minutes]…]}`.
///
/// # Example
/// See [`TimeBank`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TimeTxn {
    seq: u64,
    at: DateTime<FixedOffset>,
    kind: TxnKind,
    legs: Vec<(Account, i64)>,
}

impl TimeTxn {
    /// The gap-free sequence, from 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// let t = bank.withdraw(me, Minutes::new(60), "home visit", at)?;
    /// assert_eq!(t, 1);
    /// assert_eq!(bank.journal().iter().map(|t| t.seq()).collect::<Vec<_>>(), [0, 1]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn seq(&self) -> u64 {
        self.seq
    }
    /// When.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// assert_eq!(bank.journal()[0].at(), at);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }
    /// What it did.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, TxnKind};
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// assert!(matches!(bank.journal()[0].kind(), TxnKind::Deposit { entry: 0, .. }));
    /// bank.withdraw(me, Minutes::new(60), "home visit", at)?;
    /// assert_eq!(bank.journal()[1].kind(), &TxnKind::Withdrawal { service: "home visit".into() });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn kind(&self) -> &TxnKind {
        &self.kind
    }
    /// The legs, summing to zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Account;
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// assert_eq!(bank.journal()[0].legs(), [(Account::Issued, -240), (Account::Owner(me), 240)]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn legs(&self) -> &[(Account, i64)] {
        &self.legs
    }
}

/// A time bank (TB-01..06): individual and group accounts in a zero-sum double-entry
/// journal; balances are folds of the journal.
///
/// - Deposits come only from active service credits of the hour ledger, each credit once;
///   an individual account takes its owner's credits, a group account its members' credits
///   (membership on the day of service).
/// - Above the cap, a deposit's surplus becomes a donation leg, never dropped (TB-02).
/// - Individual accounts withdraw for services, transfer to permitted kin and donate; group
///   accounts only donate. There is no cash operation (TB-03).
/// - A refused operation returns a [`TimeBankError`] and changes nothing.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AccountOwner, Append, IdempotencyKey, Minutes,
///     TeamRegistry, TimeBank, TimeBankPolicy};
/// let mut ledger = doc_fixtures::ledger();
/// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
/// let rec = doc_fixtures::record_builder(1).build()?;
/// let id = rec.id();
/// ledger.submit(doc_fixtures::recorder(), rec, at)?;
/// let r = ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
/// let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
/// let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
/// bank.deposit(&ledger, &TeamRegistry::new(), r.first(), me, at)?;
/// assert!(bank.deposit(&ledger, &TeamRegistry::new(), r.first(), me, at).is_err()); // once only
/// bank.withdraw(me, Minutes::new(60), "home visit", at)?;
/// assert_eq!(bank.balance(me), 180);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
///
/// Every state change appends a [`TimeBankEvent`]; persist [`events`](Self::events) and
/// rebuild with [`replay`](Self::replay). Serialised as that list of events; deserialising
/// replays it (so it is checked).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "Vec<TimeBankEvent>", try_from = "Vec<TimeBankEvent>")
)]
pub struct TimeBank {
    policy: TimeBankPolicy,
    kin: BTreeMap<(VolunteerId, VolunteerId), Relation>,
    journal: Vec<TimeTxn>,
    deposited: BTreeMap<u64, u64>,
    events: Vec<TimeBankEvent>,
}

impl Default for TimeBank {
    /// An empty bank under the default scheme (no cap, no transfers).
    fn default() -> Self {
        Self::new(TimeBankPolicy::default())
    }
}

impl From<TimeBank> for Vec<TimeBankEvent> {
    fn from(bank: TimeBank) -> Self {
        bank.events
    }
}

impl TryFrom<Vec<TimeBankEvent>> for TimeBank {
    type Error = TimeBankError;
    fn try_from(events: Vec<TimeBankEvent>) -> Result<Self, TimeBankError> {
        Self::replay(&events)
    }
}

fn text(s: &str, what: &'static str) -> Result<String, TimeBankError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 200 {
        return Err(TimeBankError::Text { what });
    }
    Ok(t.to_owned())
}

fn nonzero(amount: Minutes) -> Result<u32, TimeBankError> {
    match amount.get() {
        0 => Err(TimeBankError::ZeroAmount),
        m => Ok(m),
    }
}

impl crate::replay::Replay for TimeBank {
    type Event = TimeBankEvent;
    type Error = TimeBankError;
    const VERSION: u16 = TIME_BANK_EVENT_VERSION;

    fn version(event: &TimeBankEvent) -> u16 {
        event.version
    }
    fn unsupported_version(version: u16) -> TimeBankError {
        TimeBankError::UnsupportedEventVersion { version }
    }
    fn mismatch(event: u64) -> TimeBankError {
        TimeBankError::ReplayMismatch { event }
    }
    fn open(event: &TimeBankEvent) -> Option<Result<Self, TimeBankError>> {
        match &event.kind {
            TimeBankEventKind::Opened { policy } => Some(Ok(Self::new(policy.clone()))),
            _ => None,
        }
    }
    fn rerun(&mut self, event: &TimeBankEvent) -> Result<(), Option<TimeBankError>> {
        self.apply(&event.kind)
    }
    fn recorded(&self) -> &[TimeBankEvent] {
        &self.events
    }
}

impl TimeBank {
    /// An empty bank under `policy`.
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn new(policy: TimeBankPolicy) -> Self {
        Self {
            events: vec![TimeBankEvent {
                version: TIME_BANK_EVENT_VERSION,
                kind: TimeBankEventKind::Opened {
                    policy: policy.clone(),
                },
            }],
            policy,
            kin: BTreeMap::new(),
            journal: Vec::new(),
            deposited: BTreeMap::new(),
        }
    }

    /// Every state change so far, from `opened`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Relation, TimeBank, TimeBankEventKind, TimeBankPolicy, VolunteerId};
    /// let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// assert!(matches!(bank.events()[0].kind, TimeBankEventKind::Opened { .. }));
    /// bank.declare_kin(VolunteerId::from_parts(0, 1), VolunteerId::from_parts(0, 2), Relation::Child);
    /// assert!(matches!(bank.events()[1].kind, TimeBankEventKind::KinDeclared { relation: Relation::Child, .. }));
    /// ```
    pub fn events(&self) -> &[TimeBankEvent] {
        &self.events
    }

    fn event(&mut self, kind: TimeBankEventKind) {
        self.events.push(TimeBankEvent {
            version: TIME_BANK_EVENT_VERSION,
            kind,
        });
    }

    /// Rebuilds a bank from its events, re-running every operation and check that needs
    /// no ledger (a deposit's ledger facts are taken from its event). The result equals
    /// the original.
    ///
    /// # Errors
    /// [`TimeBankError::UnsupportedEventVersion`]; [`TimeBankError::ReplayMismatch`] unless
    /// the first event, and only the first, is `opened`, or if an event does not reproduce
    /// itself; any operation error if the events are not a history a bank could produce.
    ///
    /// # Example
    /// See [`TimeBankEvent`].
    pub fn replay(events: &[TimeBankEvent]) -> Result<Self, TimeBankError> {
        crate::replay::replay(events)
    }

    /// The scheme.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{TimeBank, TimeBankPolicy};
    /// let bank = TimeBank::new(TimeBankPolicy::shanghai());
    /// assert_eq!(bank.policy(), &TimeBankPolicy::shanghai());
    /// ```
    pub fn policy(&self) -> &TimeBankPolicy {
        &self.policy
    }

    /// Every transaction, in order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// bank.withdraw(me, Minutes::new(60), "home visit", at)?;
    /// assert_eq!(bank.journal().len(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn journal(&self) -> &[TimeTxn] {
        &self.journal
    }

    /// The balance of an account, in minutes: the fold of its legs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Account;
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// assert_eq!(bank.balance_of(Account::Owner(me)), 240);
    /// assert_eq!(bank.balance_of(Account::Issued), -240); // the journal is zero-sum
    /// assert_eq!(bank.balance_of(Account::DonationPool), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn balance_of(&self, account: Account) -> i64 {
        self.journal
            .iter()
            .flat_map(|t| &t.legs)
            .filter(|(a, _)| *a == account)
            .fold(0_i64, |acc, (_, m)| acc.saturating_add(*m))
    }

    /// The balance of an owner's account, in minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// bank.withdraw(me, Minutes::new(60), "home visit", at)?;
    /// assert_eq!(bank.balance(me), 180);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn balance(&self, owner: AccountOwner) -> i64 {
        self.balance_of(Account::Owner(owner))
    }

    /// The transaction that deposited ledger credit `entry`, if any.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// assert_eq!(bank.deposit_of(0), Some(0));
    /// assert_eq!(bank.deposit_of(1), None); // entry 1 was not deposited
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deposit_of(&self, entry: u64) -> Option<u64> {
        self.deposited.get(&entry).copied()
    }

    /// Deposits whose ledger credit is no longer active (reversed or corrected since): the
    /// `(entry, transaction)` pairs an operator must settle. The bank never edits a deposit;
    /// settling is a new transaction (for example a donation or withdrawal of the amount).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, TimeBank, TimeBankPolicy};
    /// assert!(TimeBank::new(TimeBankPolicy::nanjing()).unbacked(&HourLedger::new()).is_empty());
    /// ```
    pub fn unbacked(&self, ledger: &HourLedger) -> Vec<(u64, u64)> {
        self.deposited
            .iter()
            .filter(|(entry, _)| {
                let active = ledger.entry(**entry).is_some_and(|e| {
                    matches!(
                        ledger.record(e.record()),
                        Some((_, RecordStatus::Credited { entry: c })) if c == **entry
                    )
                });
                !active
            })
            .map(|(e, t)| (*e, *t))
            .collect()
    }

    /// Re-runs the operation of an event (`Err(None)` for a second `opened`).
    fn apply(&mut self, kind: &TimeBankEventKind) -> Result<(), Option<TimeBankError>> {
        match kind {
            TimeBankEventKind::Opened { .. } => return Err(None),
            TimeBankEventKind::KinDeclared { from, to, relation } => {
                self.declare_kin(*from, *to, *relation);
            }
            TimeBankEventKind::Deposited {
                at,
                entry,
                record,
                volunteer,
                to,
                amount,
            } => {
                self.deposit_checked(*entry, *record, *volunteer, *to, *amount, *at)?;
            }
            TimeBankEventKind::Withdrawn {
                at,
                owner,
                amount,
                service,
            } => {
                self.withdraw(*owner, *amount, service, *at)?;
            }
            TimeBankEventKind::Transferred {
                at,
                from,
                to,
                amount,
            } => {
                self.transfer(*from, *to, *amount, *at)?;
            }
            TimeBankEventKind::Donated { at, owner, amount } => {
                self.donate(*owner, *amount, *at)?;
            }
            TimeBankEventKind::Granted { at, to, amount } => {
                self.grant(*to, *amount, *at)?;
            }
        }
        Ok(())
    }

    /// Declares that `to` is `from`'s `relation` (for transfers). The caller vouches for the
    /// relation and any age condition of the scheme. Declaring the same again is a no-op.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, Relation, VolunteerId};
    /// # use volunteer_service::{doc_fixtures, AccountOwner, TeamRegistry, TimeBank, TimeBankPolicy};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1: 240 minutes each
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// # let me = AccountOwner::Individual(doc_fixtures::volunteer_id());
    /// # let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    /// # bank.deposit(&ledger, &TeamRegistry::new(), 0, me, at)?;
    /// // `bank` holds one deposit (transaction 0) of ledger entry 0, 240 minutes, into `me`.
    /// let (mother, daughter) = (doc_fixtures::volunteer_id(), VolunteerId::from_parts(0, 9));
    /// assert!(bank.transfer(mother, daughter, Minutes::new(60), at).is_err()); // not declared
    /// bank.declare_kin(mother, daughter, Relation::Child);
    /// bank.transfer(mother, daughter, Minutes::new(60), at)?;
    /// assert_eq!(bank.balance(AccountOwner::Individual(daughter)), 60);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn declare_kin(&mut self, from: VolunteerId, to: VolunteerId, relation: Relation) {
        if self.kin.insert((from, to), relation) != Some(relation) {
            self.event(TimeBankEventKind::KinDeclared { from, to, relation });
        }
    }

    fn push(&mut self, at: DateTime<FixedOffset>, kind: TxnKind, legs: Vec<(Account, i64)>) -> u64 {
        let seq = self.journal.len() as u64;
        self.journal.push(TimeTxn {
            seq,
            at,
            kind,
            legs,
        });
        seq
    }

    fn cap_room(&self, owner: AccountOwner) -> Option<i64> {
        match owner {
            AccountOwner::Individual(_) => self
                .policy
                .cap
                .map(|c| (i64::from(c.get()) - self.balance(owner)).max(0)),
            AccountOwner::Group(_) => None,
        }
    }

    /// Deposits ledger credit `entry` into `to`'s account; the part above the cap goes to
    /// the donation pool in the same transaction. Returns the transaction's sequence.
    ///
    /// # Errors
    /// [`TimeBankError::UnknownEntry`]; [`TimeBankError::NotAnActiveCredit`] unless the
    /// entry is a service credit whose record is still credited by it;
    /// [`TimeBankError::AlreadyDeposited`]; [`TimeBankError::NotTheOwner`] or
    /// [`TimeBankError::NotAMember`] if the credit is not the account owner's.
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn deposit(
        &mut self,
        ledger: &HourLedger,
        teams: &TeamRegistry,
        entry: u64,
        to: AccountOwner,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        let e = ledger
            .entry(entry)
            .ok_or(TimeBankError::UnknownEntry { entry })?;
        let active = e.kind().is_credit()
            && e.record_kind() == RecordKind::Service
            && matches!(
                ledger.record(e.record()),
                Some((_, RecordStatus::Credited { entry: credit })) if credit == entry
            );
        if !active {
            return Err(TimeBankError::NotAnActiveCredit { entry });
        }
        if let Some(&txn) = self.deposited.get(&entry) {
            return Err(TimeBankError::AlreadyDeposited { entry, txn });
        }
        if let AccountOwner::Group(team) = to
            && !teams
                .teams_of_on(e.volunteer(), e.served().start().date_naive())
                .contains(&team)
        {
            return Err(TimeBankError::NotAMember {
                entry,
                volunteer: e.volunteer(),
                team,
            });
        }
        let amount = Minutes::new(u32::try_from(e.amount().get().max(0)).unwrap_or(u32::MAX));
        self.deposit_checked(entry, e.record(), e.volunteer(), to, amount, at)
    }

    /// The part of a deposit that needs no ledger: once per entry, an individual account
    /// takes its owner's credits only, the cap split.
    fn deposit_checked(
        &mut self,
        entry: u64,
        record: RecordId,
        volunteer: VolunteerId,
        to: AccountOwner,
        minutes: Minutes,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        if let Some(&txn) = self.deposited.get(&entry) {
            return Err(TimeBankError::AlreadyDeposited { entry, txn });
        }
        if let AccountOwner::Individual(owner) = to
            && owner != volunteer
        {
            return Err(TimeBankError::NotTheOwner {
                entry,
                credited: volunteer,
                owner,
            });
        }
        let amount = i64::from(nonzero(minutes)?);
        let kept = self.cap_room(to).map_or(amount, |room| amount.min(room));
        let overflow = amount - kept;
        let mut legs = vec![(Account::Issued, -amount)];
        if kept > 0 {
            legs.push((Account::Owner(to), kept));
        }
        if overflow > 0 {
            legs.push((Account::DonationPool, overflow));
        }
        let seq = self.push(
            at,
            TxnKind::Deposit {
                entry,
                record,
                overflow: Minutes::new(u32::try_from(overflow).unwrap_or(u32::MAX)),
            },
            legs,
        );
        self.deposited.insert(entry, seq);
        self.event(TimeBankEventKind::Deposited {
            at,
            entry,
            record,
            volunteer,
            to,
            amount: minutes,
        });
        Ok(seq)
    }

    fn take(&self, owner: AccountOwner, amount: Minutes) -> Result<i64, TimeBankError> {
        let m = nonzero(amount)?;
        let balance = self.balance(owner);
        if balance < i64::from(m) {
            return Err(TimeBankError::Insufficient {
                owner,
                balance,
                amount: m,
            });
        }
        Ok(i64::from(m))
    }

    fn individual(owner: AccountOwner, operation: &'static str) -> Result<(), TimeBankError> {
        match owner {
            AccountOwner::Group(team) => Err(TimeBankError::GroupDonatesOnly { team, operation }),
            AccountOwner::Individual(_) => Ok(()),
        }
    }

    /// Exchanges stored time for a service (never for money).
    ///
    /// # Errors
    /// [`TimeBankError::GroupDonatesOnly`], [`TimeBankError::ZeroAmount`],
    /// [`TimeBankError::Text`], [`TimeBankError::Insufficient`].
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn withdraw(
        &mut self,
        owner: AccountOwner,
        amount: Minutes,
        service: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        Self::individual(owner, "withdraw")?;
        let service = text(service, "service")?;
        let m = self.take(owner, amount)?;
        self.event(TimeBankEventKind::Withdrawn {
            at,
            owner,
            amount,
            service: service.clone(),
        });
        Ok(self.push(
            at,
            TxnKind::Withdrawal { service },
            vec![(Account::Owner(owner), -m), (Account::Consumed, m)],
        ))
    }

    /// Transfers time to a declared relative or friend whose relation the scheme allows.
    ///
    /// # Errors
    /// [`TimeBankError::ZeroAmount`], [`TimeBankError::NotPermitted`],
    /// [`TimeBankError::Insufficient`], [`TimeBankError::OverCap`].
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn transfer(
        &mut self,
        from: VolunteerId,
        to: VolunteerId,
        amount: Minutes,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        let relation = self
            .kin
            .get(&(from, to))
            .copied()
            .filter(|r| self.policy.allows(*r) && from != to)
            .ok_or(TimeBankError::NotPermitted { from, to })?;
        let (a, b) = (AccountOwner::Individual(from), AccountOwner::Individual(to));
        let m = self.take(a, amount)?;
        self.check_room(b, m)?;
        self.event(TimeBankEventKind::Transferred {
            at,
            from,
            to,
            amount,
        });
        Ok(self.push(
            at,
            TxnKind::Transfer { relation },
            vec![(Account::Owner(a), -m), (Account::Owner(b), m)],
        ))
    }

    fn check_room(&self, owner: AccountOwner, m: i64) -> Result<(), TimeBankError> {
        match (self.cap_room(owner), self.policy.cap) {
            (Some(room), Some(cap)) if room < m => Err(TimeBankError::OverCap {
                owner,
                balance: self.balance(owner),
                amount: u32::try_from(m).unwrap_or(u32::MAX),
                cap: cap.get(),
            }),
            _ => Ok(()),
        }
    }

    /// Donates time to the pool (the only operation of group accounts).
    ///
    /// # Errors
    /// [`TimeBankError::ZeroAmount`], [`TimeBankError::Insufficient`].
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn donate(
        &mut self,
        owner: AccountOwner,
        amount: Minutes,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        let m = self.take(owner, amount)?;
        self.event(TimeBankEventKind::Donated { at, owner, amount });
        Ok(self.push(
            at,
            TxnKind::Donation,
            vec![(Account::Owner(owner), -m), (Account::DonationPool, m)],
        ))
    }

    /// Grants time from the donation pool to a volunteer in need (for example a solitary
    /// elder, TB-02).
    ///
    /// # Errors
    /// [`TimeBankError::ZeroAmount`], [`TimeBankError::PoolInsufficient`], [`TimeBankError::OverCap`].
    ///
    /// # Example
    /// See [`TimeBank`].
    pub fn grant(
        &mut self,
        to: VolunteerId,
        amount: Minutes,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, TimeBankError> {
        let m = i64::from(nonzero(amount)?);
        let pool = self.balance_of(Account::DonationPool);
        if pool < m {
            return Err(TimeBankError::PoolInsufficient {
                balance: pool,
                amount: amount.get(),
            });
        }
        let b = AccountOwner::Individual(to);
        self.check_room(b, m)?;
        self.event(TimeBankEventKind::Granted { at, to, amount });
        Ok(self.push(
            at,
            TxnKind::Grant,
            vec![(Account::DonationPool, -m), (Account::Owner(b), m)],
        ))
    }
}

#[cfg(test)]
mod tests;
