//! Service-record certificates (志愿服务记录证明, CERT-01..09): computed from the hour ledger
//! for one organiser, numbered in a gap-free register, never edited (revoke and reissue), and
//! carrying a verification code that checks them against the ledger offline.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use sha2::{Digest, Sha256};

use crate::{
    AsOf, EntryHash, HourLedger, MaskLevel, Minutes, OrgId, RecordId, RecordStatus, Volunteer,
    VolunteerId,
};

/// The longest text field accepted, in characters.
pub const MAX_CERT_TEXT: usize = 200;
/// The default public notice after issue: 7 days (CERT-05).
pub const DEFAULT_NOTICE_DAYS: u32 = 7;

/// Returned when a certificate command or a verification fails. The register is unchanged.
///
/// # Example
/// ```
/// use volunteer_service::CertificateError;
/// let e = CertificateError::UnknownApplication { application: 3 };
/// assert_eq!(e.to_string(), "certificate application 3 is unknown");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// A text field is blank or too long.
    #[error("{what} is blank or longer than 200 characters")]
    Text {
        /// The field.
        what: &'static str,
    },
    /// A certificate-number prefix is not 1–16 capital letters, digits or hyphens.
    #[error("certificate number prefix {prefix:?} must be 1-16 capital letters, digits or hyphens")]
    Prefix {
        /// The prefix given.
        prefix: String,
    },
    /// A certificate number does not parse.
    #[error("certificate number {number:?} is not PREFIX-NNNNNN")]
    Number {
        /// The text given.
        number: String,
    },
    /// No application has this number.
    #[error("certificate application {application} is unknown")]
    UnknownApplication {
        /// The application.
        application: u64,
    },
    /// No certificate has this number in the register.
    #[error("certificate {number} is unknown")]
    UnknownCertificate {
        /// The number.
        number: CertificateNo,
    },
    /// The application or certificate is not in a state that allows the action (CERT-05).
    #[error("{what} is {state}: cannot {action}")]
    Transition {
        /// Application or certificate.
        what: &'static str,
        /// Its state.
        state: &'static str,
        /// The refused action.
        action: &'static str,
    },
    /// The ledger holds no net service of the volunteer organised by the issuer
    /// (CERT-01, CERT-03, CERT-09).
    #[error("organiser {issuer} recorded no service of volunteer {volunteer}: nothing to certify")]
    NothingToCertify {
        /// The issuer's organisation.
        issuer: OrgId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// A notice period of zero days.
    #[error("notice period must be at least one day")]
    NoticePeriod,
    /// The certificate's content does not match its verification code.
    #[error("certificate {number} was altered: its verification code does not match")]
    Altered {
        /// The number.
        number: CertificateNo,
    },
    /// The ledger's entries up to issue differ from those the certificate was computed from.
    #[error("certificate {number} does not match the ledger as of entry {seq}")]
    LedgerMismatch {
        /// The number.
        number: CertificateNo,
        /// The ledger sequence the certificate was computed at.
        seq: u64,
    },
    /// A certified record has since been reversed or corrected: revoke and reissue.
    #[error("certificate {number} covers record {record}, which is no longer credited")]
    Superseded {
        /// The number.
        number: CertificateNo,
        /// The record.
        record: RecordId,
    },
    /// An event has a format version this build cannot read.
    #[error(
        "certificate event version {version} is not supported: expected {CERTIFICATE_EVENT_VERSION}"
    )]
    UnsupportedEventVersion {
        /// The event's version.
        version: u16,
    },
    /// Replaying an event did not reproduce it: the events are not a history a register
    /// produced (the first must be `opened`, and only the first).
    #[error("certificate event {event} does not replay to itself")]
    ReplayMismatch {
        /// The position of the event in the replayed list.
        event: u64,
    },
}

/// The current certificate-register event format version.
pub const CERTIFICATE_EVENT_VERSION: u16 = 1;

/// One state change of a [`CertificateRegister`], with its format version.
///
/// Serialised flat with a snake-case `type` tag, like [`LedgerEvent`](crate::LedgerEvent):
/// `{"version": 1, "type": "accepted", "at": "<rfc3339>", "application": 0}`. Store the
/// events; rebuild the register with [`CertificateRegister::replay`].
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, CertificateEventKind, CertificateRegister, Issuer};
/// let issuer = Issuer::new(doc_fixtures::organiser(), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
/// let mut reg = CertificateRegister::new(issuer, "JN-LK")?;
/// reg.apply(&doc_fixtures::volunteer(), doc_fixtures::at("2021-08-02T09:00:00+08:00"));
/// assert!(matches!(reg.events()[1].kind, CertificateEventKind::Applied { .. }));
/// assert_eq!(CertificateRegister::replay(reg.events())?, reg);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CertificateEvent {
    /// The format version ([`CERTIFICATE_EVENT_VERSION`] for new events).
    pub version: u16,
    /// What happened.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: CertificateEventKind,
}

/// What happened to a certificate register, in the past tense. Serialised with `"type"`
/// set to the snake-case name.
///
/// An `issued` event carries the service block computed from the ledger at issue, so replay
/// needs no ledger; the certificate, its number and its verification code are recomputed.
///
/// # Example
/// ```
/// use volunteer_service::CertificateEventKind;
/// # let at = chrono::DateTime::parse_from_rfc3339("2021-08-02T09:00:00+08:00").unwrap();
/// let k = CertificateEventKind::Revoked { number: "JN-LK-000001".parse()?, at, reason: "wrong name".into() };
/// assert_eq!(k.name(), "revoked");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum CertificateEventKind {
    /// The register was opened for an issuer and a number prefix.
    Opened {
        /// The issuer.
        issuer: Issuer,
        /// The number prefix.
        prefix: String,
    },
    /// A volunteer applied (the application number is its position among applications).
    Applied {
        /// When.
        at: DateTime<FixedOffset>,
        /// The volunteer block.
        volunteer: CertifiedVolunteer,
    },
    /// An application to reissue a revoked certificate was opened.
    ReissueApplied {
        /// When.
        at: DateTime<FixedOffset>,
        /// The revoked certificate.
        replaces: CertificateNo,
    },
    /// The issuer accepted an application.
    Accepted {
        /// When.
        at: DateTime<FixedOffset>,
        /// The application.
        application: u64,
    },
    /// A certificate was issued under the next number.
    Issued {
        /// The application.
        application: u64,
        /// The issue date.
        issued_on: NaiveDate,
        /// The notes.
        notes: String,
        /// The service block computed from the ledger.
        service: CertifiedService,
    },
    /// A certificate was put on public notice.
    Publicised {
        /// The certificate.
        number: CertificateNo,
        /// Notice start.
        from: DateTime<FixedOffset>,
        /// Notice length in days.
        days: u32,
    },
    /// A certificate was revoked.
    Revoked {
        /// The certificate.
        number: CertificateNo,
        /// When.
        at: DateTime<FixedOffset>,
        /// Why.
        reason: String,
    },
}

impl CertificateEventKind {
    /// The snake-case name used as the `type` tag.
    ///
    /// # Example
    /// See [`CertificateEventKind`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::Opened { .. } => "opened",
            Self::Applied { .. } => "applied",
            Self::ReissueApplied { .. } => "reissue_applied",
            Self::Accepted { .. } => "accepted",
            Self::Issued { .. } => "issued",
            Self::Publicised { .. } => "publicised",
            Self::Revoked { .. } => "revoked",
        }
    }
}

fn text(s: &str, what: &'static str) -> Result<String, CertificateError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_CERT_TEXT {
        return Err(CertificateError::Text { what });
    }
    Ok(t.to_owned())
}

/// A certificate number (证书编号): the issuer's prefix and a gap-free sequence from 1,
/// shown as `PREFIX-000001`.
///
/// Serialised as that string; parsing validates.
///
/// # Example
/// ```
/// use volunteer_service::CertificateNo;
/// let n: CertificateNo = "JN-LK-000012".parse()?;
/// assert_eq!((n.prefix(), n.seq()), ("JN-LK", 12));
/// assert_eq!(n.to_string(), "JN-LK-000012");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct CertificateNo {
    prefix: String,
    seq: u32,
}

fn check_prefix(prefix: &str) -> Result<(), CertificateError> {
    let ok = (1..=16).contains(&prefix.len())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(CertificateError::Prefix {
            prefix: prefix.chars().take(20).collect(),
        })
    }
}

impl CertificateNo {
    /// The issuer's prefix.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CertificateNo;
    /// let n: CertificateNo = "JN-LK-000012".parse()?;
    /// assert_eq!(n.prefix(), "JN-LK");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
    /// The sequence within the issuer's register, from 1.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CertificateNo;
    /// let n: CertificateNo = "JN-LK-000012".parse()?;
    /// assert_eq!(n.seq(), 12);
    /// assert!("JN-LK-000000".parse::<CertificateNo>().is_err()); // numbering starts at 1
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for CertificateNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:06}", self.prefix, self.seq)
    }
}

impl core::str::FromStr for CertificateNo {
    type Err = CertificateError;
    fn from_str(s: &str) -> Result<Self, CertificateError> {
        let bad = || CertificateError::Number {
            number: crate::codes::echo_public(s, 40),
        };
        let (prefix, digits) = s.rsplit_once('-').ok_or_else(bad)?;
        if digits.len() < 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let seq: u32 = digits.parse().map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        check_prefix(prefix).map_err(|_| bad())?;
        Ok(Self {
            prefix: prefix.to_owned(),
            seq,
        })
    }
}

impl TryFrom<String> for CertificateNo {
    type Error = CertificateError;
    fn try_from(s: String) -> Result<Self, CertificateError> {
        s.parse()
    }
}

impl From<CertificateNo> for String {
    fn from(n: CertificateNo) -> Self {
        n.to_string()
    }
}

/// The issuer block (CERT-04 block 3): the organisation that organised and recorded the
/// service (CERT-02, CERT-03), its name, person in charge (负责人), handler (经办人) and
/// contact.
///
/// Serialised as `{"org", "name", "principal", "handler", "contact"}`; deserialisation
/// validates.
///
/// # Example
/// ```
/// use volunteer_service::{Issuer, OrgId};
/// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
/// assert_eq!(i.handler(), "李干事");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "IssuerWire", into = "IssuerWire")
)]
pub struct Issuer {
    org: OrgId,
    name: String,
    principal: String,
    handler: String,
    contact: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct IssuerWire {
    org: OrgId,
    name: String,
    principal: String,
    handler: String,
    contact: String,
}

#[cfg(feature = "serde")]
impl TryFrom<IssuerWire> for Issuer {
    type Error = CertificateError;
    fn try_from(w: IssuerWire) -> Result<Self, CertificateError> {
        Self::new(w.org, &w.name, &w.principal, &w.handler, &w.contact)
    }
}

#[cfg(feature = "serde")]
impl From<Issuer> for IssuerWire {
    fn from(i: Issuer) -> Self {
        Self {
            org: i.org,
            name: i.name,
            principal: i.principal,
            handler: i.handler,
            contact: i.contact,
        }
    }
}

impl Issuer {
    /// An issuer block.
    ///
    /// # Errors
    /// [`CertificateError::Text`] for a blank or overlong field.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.name(), "禄口街道新时代文明实践所");
    /// assert!(Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", " ", "李干事", "025-5210 0000").is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        org: OrgId,
        name: &str,
        principal: &str,
        handler: &str,
        contact: &str,
    ) -> Result<Self, CertificateError> {
        Ok(Self {
            org,
            name: text(name, "issuer name")?,
            principal: text(principal, "person in charge")?,
            handler: text(handler, "handler")?,
            contact: text(contact, "issuer contact")?,
        })
    }
    /// The issuing organisation.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.org(), OrgId::from_parts(1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn org(&self) -> OrgId {
        self.org
    }
    /// Its name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.name(), "禄口街道新时代文明实践所");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The person in charge (负责人).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.principal(), "王主任");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn principal(&self) -> &str {
        &self.principal
    }
    /// The handler (经办人).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.handler(), "李干事");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn handler(&self) -> &str {
        &self.handler
    }
    /// The contact.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Issuer, OrgId};
    /// let i = Issuer::new(OrgId::from_parts(1, 1), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
    /// assert_eq!(i.contact(), "025-5210 0000");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn contact(&self) -> &str {
        &self.contact
    }
}

/// The volunteer block (CERT-04 block 1): name, ID type and number masked at
/// [`MaskLevel::Admin`] (PRIV-03), volunteer number.
///
/// Serialised as `{"volunteer", "name", "id_type", "id_masked", "volunteer_no"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
/// let v = CertifiedVolunteer::of(&doc_fixtures::volunteer());
/// assert_eq!(v.id_masked(), "360426********0071");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CertifiedVolunteer {
    volunteer: VolunteerId,
    name: String,
    id_type: String,
    id_masked: String,
    volunteer_no: String,
}

impl CertifiedVolunteer {
    /// The block for `volunteer`; the ID number is masked, never stored in full.
    ///
    /// # Example
    /// See [`CertifiedVolunteer`].
    pub fn of(volunteer: &Volunteer) -> Self {
        Self {
            volunteer: volunteer.id(),
            name: volunteer.name().as_str().to_owned(),
            id_type: volunteer.document().kind_str().to_owned(),
            id_masked: volunteer.document().masked(MaskLevel::Admin),
            volunteer_no: volunteer.volunteer_no().as_str().to_owned(),
        }
    }
    /// The volunteer's id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
    /// let profile = doc_fixtures::volunteer();
    /// assert_eq!(CertifiedVolunteer::of(&profile).volunteer(), profile.id());
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
    /// let v = CertifiedVolunteer::of(&doc_fixtures::volunteer()); // 张三
    /// assert_eq!(v.name(), "张三");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The ID document type.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
    /// let v = CertifiedVolunteer::of(&doc_fixtures::volunteer()); // a resident ID card
    /// assert_eq!(v.id_type(), "resident_id");
    /// ```
    pub fn id_type(&self) -> &str {
        &self.id_type
    }
    /// The masked ID number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
    /// let v = CertifiedVolunteer::of(&doc_fixtures::volunteer()); // ID 360426199101010071
    /// assert_eq!(v.id_masked(), "360426********0071");
    /// ```
    pub fn id_masked(&self) -> &str {
        &self.id_masked
    }
    /// The volunteer number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertifiedVolunteer};
    /// let v = CertifiedVolunteer::of(&doc_fixtures::volunteer());
    /// assert_eq!(v.volunteer_no(), "JS-2021-000001");
    /// ```
    pub fn volunteer_no(&self) -> &str {
        &self.volunteer_no
    }
}

/// The service block (CERT-04 block 2), computed from the ledger (CERT-01): the net service
/// minutes the issuer credited the volunteer, the records behind them, the service period
/// (local dates of the first start and last end) and the content (distinct activity names),
/// as of a ledger sequence whose entry hash it keeps.
///
/// Serialised as `{"minutes", "first_day", "last_day", "content", "records", "ledger_seq",
/// "ledger_hash"}`.
///
/// # Example
/// See [`CertificateRegister`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CertifiedService {
    minutes: Minutes,
    first_day: NaiveDate,
    last_day: NaiveDate,
    content: Vec<String>,
    records: Vec<RecordId>,
    ledger_seq: u64,
    ledger_hash: EntryHash,
}

impl CertifiedService {
    /// Computes the block from `ledger` as of `seq` (entries below it) for the service of
    /// `volunteer` organised by `issuer` (CERT-09: only the issuer's own activities).
    ///
    /// # Errors
    /// [`CertificateError::NothingToCertify`] if the net is not positive.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn compute(
        ledger: &HourLedger,
        issuer: OrgId,
        volunteer: VolunteerId,
        seq: u64,
    ) -> Result<Self, CertificateError> {
        let nothing = CertificateError::NothingToCertify { issuer, volunteer };
        let mut per_record: BTreeMap<RecordId, i64> = BTreeMap::new();
        let mut spans: BTreeMap<RecordId, (NaiveDate, NaiveDate)> = BTreeMap::new();
        for e in ledger
            .totals()
            .known(AsOf::Sequence(seq))
            .entries()
            .filter(|e| e.organiser() == issuer && e.volunteer() == volunteer)
        {
            let slot = per_record.entry(e.record()).or_default();
            *slot = slot.saturating_add(e.amount().get());
            let s = e.served();
            // The last day is the local date of the last minute served.
            let last = (s.end() - TimeDelta::minutes(1)).date_naive();
            spans.insert(e.record(), (s.start().date_naive(), last));
        }
        let records: Vec<RecordId> = per_record
            .iter()
            .filter(|(_, m)| **m > 0)
            .map(|(r, _)| *r)
            .collect();
        let total = per_record
            .values()
            .filter(|m| **m > 0)
            .fold(0_i64, |a, m| a.saturating_add(*m));
        let minutes = u32::try_from(total).map_err(|_| nothing.clone())?;
        let first_day = records
            .iter()
            .filter_map(|r| spans.get(r))
            .map(|s| s.0)
            .min();
        let last_day = records
            .iter()
            .filter_map(|r| spans.get(r))
            .map(|s| s.1)
            .max();
        let (Some(first_day), Some(last_day), true) = (first_day, last_day, minutes > 0) else {
            return Err(nothing);
        };
        let content: BTreeSet<String> = records
            .iter()
            .filter_map(|r| ledger.record(*r))
            .map(|(rec, _)| rec.activity_name().to_owned())
            .collect();
        let ledger_hash = seq
            .checked_sub(1)
            .and_then(|s| ledger.entry(s))
            .map_or(EntryHash::GENESIS, crate::LedgerEntry::hash);
        Ok(Self {
            minutes: Minutes::new(minutes),
            first_day,
            last_day,
            content: content.into_iter().collect(),
            records,
            ledger_seq: seq,
            ledger_hash,
        })
    }

    /// Net certified minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes};
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// assert_eq!(service.minutes(), Minutes::new(480));
    /// # let _ = ledger;
    /// ```
    pub const fn minutes(&self) -> Minutes {
        self.minutes
    }
    /// Local date of the first service.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// assert_eq!(service.first_day().to_string(), "2021-07-21");
    /// # let _ = ledger;
    /// ```
    pub const fn first_day(&self) -> NaiveDate {
        self.first_day
    }
    /// Local date of the last service.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// assert_eq!(service.last_day().to_string(), "2021-07-22");
    /// # let _ = ledger;
    /// ```
    pub const fn last_day(&self) -> NaiveDate {
        self.last_day
    }
    /// Distinct activity names.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// assert_eq!(service.content(), ["核酸检测点登记 testing-site registration"]); // distinct names
    /// # let _ = ledger;
    /// ```
    pub fn content(&self) -> &[String] {
        &self.content
    }
    /// The certified records.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// let both = [doc_fixtures::record_builder(1).build()?.id(), doc_fixtures::record_builder(2).build()?.id()];
    /// assert_eq!(service.records(), both);
    /// # let _ = ledger;
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn records(&self) -> &[RecordId] {
        &self.records
    }
    /// The ledger sequence it was computed at.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let service = reg.certificate(&no).expect("issued").service();
    /// assert_eq!(service.ledger_seq(), ledger.next_seq()); // computed from every entry at issue
    /// ```
    pub const fn ledger_seq(&self) -> u64 {
        self.ledger_seq
    }
}

/// Where a certificate stands (CERT-05, CERT-06): issued, publicised for a notice period, or
/// revoked (possibly replaced by a reissue).
///
/// Serialised as `"issued"`, `{"publicised": {"from", "until"}}` or `{"revoked": {"at",
/// "reason", "replaced_by"}}`.
///
/// # Example
/// ```
/// use volunteer_service::CertificateStatus;
/// assert_eq!(CertificateStatus::Issued.name(), "issued");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum CertificateStatus {
    /// Issued, not yet on notice.
    Issued,
    /// On public notice inside the unit (公示).
    Publicised {
        /// Notice start.
        from: DateTime<FixedOffset>,
        /// Notice end.
        until: DateTime<FixedOffset>,
    },
    /// Revoked; never edited (CERT-06).
    Revoked {
        /// When.
        at: DateTime<FixedOffset>,
        /// Why.
        reason: String,
        /// The reissued certificate, once there is one.
        replaced_by: Option<CertificateNo>,
    },
}

impl CertificateStatus {
    /// The status's name.
    ///
    /// # Example
    /// See [`CertificateStatus`].
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Publicised { .. } => "publicised",
            Self::Revoked { .. } => "revoked",
        }
    }
}

/// A verification code (CERT-08): the first 80 bits of SHA-256 over the certificate's
/// canonical content, as 16 base32 characters (RFC 4648 alphabet), shown in groups of four.
///
/// Serialised as the 16 characters.
///
/// # Example
/// See [`Certificate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct VerificationCode([u8; 16]);

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl VerificationCode {
    fn from_digest(d: &[u8]) -> Self {
        let mut out = [b'A'; 16];
        let mut bits: u32 = 0;
        let mut nbits = 0;
        let mut i = 0;
        for &b in d.iter().take(10) {
            bits = (bits << 8) | u32::from(b);
            nbits += 8;
            while nbits >= 5 {
                nbits -= 5;
                let idx = ((bits >> nbits) & 31) as usize;
                if let (Some(o), Some(c)) = (out.get_mut(i), BASE32.get(idx)) {
                    *o = *c;
                }
                i += 1;
            }
        }
        Self(out)
    }

    /// The 16 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let code = reg.certificate(&no).expect("issued").code();
    /// assert_eq!(code.as_str().len(), 16);
    /// assert_eq!(code.to_string().replace('-', ""), code.as_str()); // Display groups by four
    /// # let _ = ledger;
    /// ```
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for VerificationCode {
    /// `ABCD-EFGH-IJKL-MNOP`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(core::str::from_utf8(chunk).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl TryFrom<String> for VerificationCode {
    type Error = CertificateError;
    fn try_from(s: String) -> Result<Self, CertificateError> {
        let compact: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
        let arr: [u8; 16] = compact
            .clone()
            .try_into()
            .map_err(|_| CertificateError::Text {
                what: "verification code",
            })?;
        if !arr.iter().all(|b| BASE32.contains(b)) {
            return Err(CertificateError::Text {
                what: "verification code",
            });
        }
        Ok(Self(arr))
    }
}

impl From<VerificationCode> for String {
    fn from(c: VerificationCode) -> Self {
        c.as_str().to_owned()
    }
}

/// Length-prefixed canonical encoding for the verification code.
struct Canon(Vec<u8>);

impl Canon {
    fn str(&mut self, s: &str) {
        self.0
            .extend_from_slice(&u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
}

/// A certificate (志愿服务记录证明) with the four blocks of CERT-04: volunteer, service,
/// issuer, and number, issue date and notes; plus the certificate it replaces (CERT-06) and
/// its verification code (CERT-08). Its content never changes; only its status does, in the
/// [`CertificateRegister`].
///
/// Rendered as Markdown ([`render_markdown`](Self::render_markdown)) and plain text
/// (`Display`); serialised as `{"number", "issued_on", "volunteer", "service", "issuer",
/// "notes", "replaces", "status", "code"}`. Deserialisation recomputes the code and refuses a
/// certificate whose content does not match it.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, CertificateRegister, Issuer};
/// let (ledger, profile) = doc_fixtures::certified_ledger();
/// let issuer = Issuer::new(doc_fixtures::organiser(), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
/// let mut reg = CertificateRegister::new(issuer, "JN-LK")?;
/// let at = doc_fixtures::at("2021-08-02T09:00:00+08:00");
/// let app = reg.apply(&profile, at);
/// reg.accept(app, at)?;
/// let no = reg.issue(app, &ledger, at.date_naive(), "")?;
/// let cert = reg.certificate(&no).expect("issued");
/// assert_eq!(cert.service().minutes().to_string(), "8:00");
/// cert.verify(&ledger)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CertificateWire", into = "CertificateWire")
)]
pub struct Certificate {
    number: CertificateNo,
    issued_on: NaiveDate,
    volunteer: CertifiedVolunteer,
    service: CertifiedService,
    issuer: Issuer,
    notes: String,
    replaces: Option<CertificateNo>,
    status: CertificateStatus,
    code: VerificationCode,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct CertificateWire {
    number: CertificateNo,
    issued_on: NaiveDate,
    volunteer: CertifiedVolunteer,
    service: CertifiedService,
    issuer: Issuer,
    notes: String,
    replaces: Option<CertificateNo>,
    status: CertificateStatus,
    code: VerificationCode,
}

#[cfg(feature = "serde")]
impl TryFrom<CertificateWire> for Certificate {
    type Error = CertificateError;
    fn try_from(w: CertificateWire) -> Result<Self, CertificateError> {
        let c = Self {
            number: w.number,
            issued_on: w.issued_on,
            volunteer: w.volunteer,
            service: w.service,
            issuer: w.issuer,
            notes: w.notes,
            replaces: w.replaces,
            status: w.status,
            code: w.code,
        };
        c.check_code()?;
        Ok(c)
    }
}

#[cfg(feature = "serde")]
impl From<Certificate> for CertificateWire {
    fn from(c: Certificate) -> Self {
        Self {
            number: c.number,
            issued_on: c.issued_on,
            volunteer: c.volunteer,
            service: c.service,
            issuer: c.issuer,
            notes: c.notes,
            replaces: c.replaces,
            status: c.status,
            code: c.code,
        }
    }
}

impl Certificate {
    /// The code of the content: SHA-256 over `b"VSC1"` and every content field in block
    /// order (strings as a u32 length and UTF-8 bytes, integers big-endian, ids as 16 bytes,
    /// lists with a u64 count, `replaces` as u8 0 or u8 1 and the number); the status is not
    /// content.
    fn compute_code(&self) -> VerificationCode {
        let mut enc = Canon(Vec::with_capacity(512));
        enc.bytes(b"VSC1");
        enc.str(&self.number.to_string());
        enc.str(&self.issued_on.to_string());
        let vol = &self.volunteer;
        enc.bytes(vol.volunteer.as_uuid().as_bytes());
        enc.str(&vol.name);
        enc.str(&vol.id_type);
        enc.str(&vol.id_masked);
        enc.str(&vol.volunteer_no);
        let svc = &self.service;
        enc.bytes(&svc.minutes.get().to_be_bytes());
        enc.str(&svc.first_day.to_string());
        enc.str(&svc.last_day.to_string());
        enc.bytes(&(svc.content.len() as u64).to_be_bytes());
        for x in &svc.content {
            enc.str(x);
        }
        enc.bytes(&(svc.records.len() as u64).to_be_bytes());
        for r in &svc.records {
            enc.bytes(r.as_uuid().as_bytes());
        }
        enc.bytes(&svc.ledger_seq.to_be_bytes());
        enc.bytes(svc.ledger_hash.as_bytes());
        let iss = &self.issuer;
        enc.bytes(iss.org.as_uuid().as_bytes());
        enc.str(&iss.name);
        enc.str(&iss.principal);
        enc.str(&iss.handler);
        enc.str(&iss.contact);
        enc.str(&self.notes);
        match &self.replaces {
            Some(n) => {
                enc.bytes(&[1]);
                enc.str(&n.to_string());
            }
            None => enc.bytes(&[0]),
        }
        VerificationCode::from_digest(&Sha256::digest(&enc.0))
    }

    fn check_code(&self) -> Result<(), CertificateError> {
        if self.compute_code() == self.code {
            Ok(())
        } else {
            Err(CertificateError::Altered {
                number: self.number.clone(),
            })
        }
    }

    /// Checks the certificate offline against `ledger`: its content matches its code; the
    /// ledger entry it was computed at has the hash it recorded; recomputing the service
    /// block from the ledger as of that entry gives the same block; every certified record
    /// is still credited. (Run [`HourLedger::verify`] for the hash chain itself.)
    ///
    /// # Errors
    /// [`CertificateError::Altered`], [`CertificateError::LedgerMismatch`],
    /// [`CertificateError::Superseded`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, CertificateError, IdempotencyKey};
    /// # let (mut ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let cert = reg.certificate(&no).expect("issued");
    /// cert.verify(&ledger)?;
    /// // Reversing a certified record supersedes the certificate: revoke and reissue.
    /// ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import",
    ///     Append::new(IdempotencyKey::from_parts(0, 1)), doc_fixtures::at("2021-08-03T09:00:00+08:00"))?;
    /// assert!(matches!(cert.verify(&ledger), Err(CertificateError::Superseded { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn verify(&self, ledger: &HourLedger) -> Result<(), CertificateError> {
        self.check_code()?;
        let mismatch = || CertificateError::LedgerMismatch {
            number: self.number.clone(),
            seq: self.service.ledger_seq,
        };
        let again = CertifiedService::compute(
            ledger,
            self.issuer.org,
            self.volunteer.volunteer,
            self.service.ledger_seq,
        )
        .map_err(|_| mismatch())?;
        if again != self.service {
            return Err(mismatch());
        }
        for r in &self.service.records {
            if !matches!(ledger.record(*r), Some((_, RecordStatus::Credited { .. }))) {
                return Err(CertificateError::Superseded {
                    number: self.number.clone(),
                    record: *r,
                });
            }
        }
        Ok(())
    }

    /// The certificate number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let cert = reg.certificate(&no).expect("issued");
    /// assert_eq!(cert.number().to_string(), "JN-LK-000001");
    /// # let _ = ledger;
    /// ```
    pub const fn number(&self) -> &CertificateNo {
        &self.number
    }
    /// The issue date.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let cert = reg.certificate(&no).expect("issued");
    /// assert_eq!(cert.issued_on().to_string(), "2021-08-02");
    /// # let _ = ledger;
    /// ```
    pub const fn issued_on(&self) -> NaiveDate {
        self.issued_on
    }
    /// The volunteer block.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate(); // for 李四
    /// let cert = reg.certificate(&no).expect("issued");
    /// assert_eq!(cert.volunteer().name(), "李四");
    /// assert_eq!(cert.volunteer().volunteer(), doc_fixtures::volunteer_id());
    /// # let _ = ledger;
    /// ```
    pub const fn volunteer(&self) -> &CertifiedVolunteer {
        &self.volunteer
    }
    /// The service block.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes};
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let cert = reg.certificate(&no).expect("issued");
    /// assert_eq!(cert.service().minutes(), Minutes::new(480));
    /// # let _ = ledger;
    /// ```
    pub const fn service(&self) -> &CertifiedService {
        &self.service
    }
    /// The issuer block.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// let cert = reg.certificate(&no).expect("issued");
    /// assert_eq!(cert.issuer(), reg.issuer());
    /// assert_eq!(cert.issuer().org(), doc_fixtures::organiser());
    /// # let _ = ledger;
    /// ```
    pub const fn issuer(&self) -> &Issuer {
        &self.issuer
    }
    /// Notes (may be empty).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertificateRegister};
    /// # let (ledger, profile) = doc_fixtures::certified_ledger();
    /// # let at = doc_fixtures::at("2021-08-02T09:00:00+08:00");
    /// let mut reg = CertificateRegister::new(doc_fixtures::issuer(), "JN-LK")?;
    /// let app = reg.apply(&profile, at);
    /// reg.accept(app, at)?;
    /// let no = reg.issue(app, &ledger, at.date_naive(), "Lukou testing sites, July 2021")?;
    /// assert_eq!(reg.certificate(&no).map(|c| c.notes()), Some("Lukou testing sites, July 2021"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn notes(&self) -> &str {
        &self.notes
    }
    /// The revoked certificate this one replaces.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, mut reg, no) = doc_fixtures::issued_certificate();
    /// # let at = doc_fixtures::at("2021-08-03T09:00:00+08:00");
    /// assert_eq!(reg.certificate(&no).and_then(|c| c.replaces()), None);
    /// reg.revoke(&no, at, "wrong activity name")?;
    /// let app = reg.apply_reissue(&no, at)?;
    /// reg.accept(app, at)?;
    /// let new_no = reg.issue(app, &ledger, at.date_naive(), "reissued")?;
    /// assert_eq!(reg.certificate(&new_no).and_then(|c| c.replaces()), Some(&no));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn replaces(&self) -> Option<&CertificateNo> {
        self.replaces.as_ref()
    }
    /// The current status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertificateStatus};
    /// # let (_, mut reg, no) = doc_fixtures::issued_certificate();
    /// assert_eq!(reg.certificate(&no).map(|c| c.status()), Some(&CertificateStatus::Issued));
    /// let from = doc_fixtures::at("2021-08-03T09:00:00+08:00");
    /// reg.publicise(&no, from, 7)?;
    /// assert_eq!(reg.certificate(&no).map(|c| c.status().name()), Some("publicised"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn status(&self) -> &CertificateStatus {
        &self.status
    }
    /// The verification code.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// let cert = reg.certificate(&no).expect("issued");
    /// // The plain-text rendering ends with the code, in groups of four.
    /// assert!(cert.to_string().ends_with(&cert.code().to_string()));
    /// # let _ = ledger;
    /// ```
    pub const fn code(&self) -> VerificationCode {
        self.code
    }

    /// The public verification view (PRIV-04): number, status, hours and period only.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn public_view(&self) -> PublicCertificate {
        PublicCertificate {
            number: self.number.clone(),
            status: self.status.name(),
            minutes: self.service.minutes,
            first_day: self.service.first_day,
            last_day: self.service.last_day,
        }
    }

    /// The certificate as Markdown, block by block.
    ///
    /// # Example
    /// See [`Certificate`].
    pub fn render_markdown(&self) -> String {
        let mut s = String::new();
        let v = &self.volunteer;
        let sv = &self.service;
        let i = &self.issuer;
        let _ = writeln!(
            s,
            "# 志愿服务记录证明 Volunteer Service Record Certificate\n"
        );
        let _ = writeln!(s, "## 一、志愿者 Volunteer\n");
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| 姓名 Name | {} |", v.name);
        let _ = writeln!(s, "| 证件 ID ({}) | {} |", v.id_type, v.id_masked);
        let _ = writeln!(s, "| 志愿者编号 Volunteer No. | {} |\n", v.volunteer_no);
        let _ = writeln!(s, "## 二、服务 Service\n");
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(
            s,
            "| 服务时长 Hours | {} ({} min) |",
            sv.minutes,
            sv.minutes.get()
        );
        let _ = writeln!(
            s,
            "| 服务期间 Period | {} – {} |",
            sv.first_day, sv.last_day
        );
        let _ = writeln!(s, "| 服务内容 Content | {} |", sv.content.join("; "));
        let _ = writeln!(s, "| 记录数 Records | {} |\n", sv.records.len());
        let _ = writeln!(s, "## 三、出具单位 Issuer\n");
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| 单位 Name | {} |", i.name);
        let _ = writeln!(s, "| 负责人 Person in charge | {} |", i.principal);
        let _ = writeln!(s, "| 经办人 Handler | {} |", i.handler);
        let _ = writeln!(s, "| 联系方式 Contact | {} |\n", i.contact);
        let _ = writeln!(s, "## 四、证书 Certificate\n");
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| 证书编号 No. | {} |", self.number);
        let _ = writeln!(s, "| 出具日期 Issued on | {} |", self.issued_on);
        if let Some(r) = &self.replaces {
            let _ = writeln!(s, "| 替代 Replaces | {r} |");
        }
        let notes = if self.notes.is_empty() {
            "—"
        } else {
            &self.notes
        };
        let _ = writeln!(s, "| 备注 Notes | {notes} |");
        let _ = writeln!(s, "| 状态 Status | {} |", self.status.name());
        let _ = writeln!(
            s,
            "| 验证码 Verification code | {} (ledger entry {}) |",
            self.code, sv.ledger_seq
        );
        s
    }
}

impl fmt::Display for Certificate {
    /// Plain text, one field per line, the ID masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.volunteer;
        let sv = &self.service;
        let i = &self.issuer;
        writeln!(f, "志愿服务记录证明 {}", self.number)?;
        writeln!(
            f,
            "volunteer: {} ({} {}), no. {}",
            v.name, v.id_type, v.id_masked, v.volunteer_no
        )?;
        writeln!(
            f,
            "service: {} from {} to {}, {} records",
            sv.minutes,
            sv.first_day,
            sv.last_day,
            sv.records.len()
        )?;
        writeln!(f, "content: {}", sv.content.join("; "))?;
        writeln!(
            f,
            "issuer: {} (in charge {}, handler {}, contact {})",
            i.name, i.principal, i.handler, i.contact
        )?;
        writeln!(f, "issued on: {}", self.issued_on)?;
        if let Some(r) = &self.replaces {
            writeln!(f, "replaces: {r}")?;
        }
        if !self.notes.is_empty() {
            writeln!(f, "notes: {}", self.notes)?;
        }
        writeln!(f, "status: {}", self.status.name())?;
        write!(f, "verification code: {}", self.code)
    }
}

/// The public verification view (PRIV-04): number, status, hours and period — never the ID
/// number or a phone.
///
/// Serialised as `{"number", "status", "minutes", "first_day", "last_day"}`.
///
/// # Example
/// See [`CertificateRegister::public_view`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PublicCertificate {
    number: CertificateNo,
    status: &'static str,
    minutes: Minutes,
    first_day: NaiveDate,
    last_day: NaiveDate,
}

impl PublicCertificate {
    /// The number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// let public = reg.public_view(&no).expect("issued");
    /// assert_eq!(public.number(), &no);
    /// # let _ = ledger;
    /// ```
    pub const fn number(&self) -> &CertificateNo {
        &self.number
    }
    /// The status's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let public = reg.public_view(&no).expect("issued");
    /// assert_eq!(public.status(), "issued");
    /// # let _ = ledger;
    /// ```
    pub const fn status(&self) -> &'static str {
        self.status
    }
    /// Certified minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes};
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let public = reg.public_view(&no).expect("issued");
    /// assert_eq!(public.minutes(), Minutes::new(480));
    /// # let _ = ledger;
    /// ```
    pub const fn minutes(&self) -> Minutes {
        self.minutes
    }
    /// The service period.
    ///
    /// # Example
    /// See [`CertificateRegister::public_view`].
    pub const fn period(&self) -> (NaiveDate, NaiveDate) {
        (self.first_day, self.last_day)
    }
}

/// The state of a certificate application (CERT-05: application → acceptance → issue).
///
/// Serialised as `{"applied": {"at"}}`, `{"accepted": {"at"}}` or `{"issued": {"number"}}`.
///
/// # Example
/// ```
/// use volunteer_service::ApplicationState;
/// # let at = chrono::DateTime::parse_from_rfc3339("2021-08-02T09:00:00+08:00").unwrap();
/// assert_eq!(ApplicationState::Applied { at }.name(), "applied");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum ApplicationState {
    /// Applied for by the volunteer (free of charge, CERT-01).
    Applied {
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// Accepted by the issuer.
    Accepted {
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// Issued as this certificate.
    Issued {
        /// The certificate.
        number: CertificateNo,
    },
}

impl ApplicationState {
    /// The state's name.
    ///
    /// # Example
    /// See [`ApplicationState`].
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Applied { .. } => "applied",
            Self::Accepted { .. } => "accepted",
            Self::Issued { .. } => "issued",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Application {
    volunteer: CertifiedVolunteer,
    state: ApplicationState,
    replaces: Option<CertificateNo>,
}

/// One issuer's certificate register (CERT-05): applications, and certificates numbered
/// `PREFIX-000001`, `PREFIX-000002`, … without gaps (a number is taken only by a successful
/// issue). Certificates are never edited: a wrong one is revoked and a new one issued that
/// references it (CERT-06). A refused command returns an error and changes nothing.
///
/// Every state change appends a [`CertificateEvent`]; persist [`events`](Self::events) and
/// rebuild with [`replay`](Self::replay). Serialised as that list of events; deserialising
/// replays it (so it is checked).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, CertificateRegister, Issuer};
/// let (ledger, profile) = doc_fixtures::certified_ledger();
/// let issuer = Issuer::new(doc_fixtures::organiser(), "禄口街道新时代文明实践所", "王主任", "李干事", "025-5210 0000")?;
/// let mut reg = CertificateRegister::new(issuer, "JN-LK")?;
/// let at = doc_fixtures::at("2021-08-02T09:00:00+08:00");
/// let app = reg.apply(&profile, at);
/// reg.accept(app, at)?;
/// let no = reg.issue(app, &ledger, at.date_naive(), "")?;
/// reg.publicise(&no, at, 7)?;
/// let public = reg.public_view(&no).expect("issued");
/// assert_eq!((public.status(), public.minutes().get()), ("publicised", 480));
/// reg.revoke(&no, at, "wrong activity name")?;
/// let again = reg.apply_reissue(&no, at)?;
/// reg.accept(again, at)?;
/// let new_no = reg.issue(again, &ledger, at.date_naive(), "reissued")?;
/// assert_eq!(new_no.seq(), 2);
/// assert_eq!(reg.certificate(&new_no).and_then(|c| c.replaces()), Some(&no));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "Vec<CertificateEvent>", try_from = "Vec<CertificateEvent>")
)]
pub struct CertificateRegister {
    issuer: Issuer,
    prefix: String,
    applications: Vec<Application>,
    certificates: Vec<Certificate>,
    events: Vec<CertificateEvent>,
}

impl From<CertificateRegister> for Vec<CertificateEvent> {
    fn from(reg: CertificateRegister) -> Self {
        reg.events
    }
}

impl TryFrom<Vec<CertificateEvent>> for CertificateRegister {
    type Error = CertificateError;
    fn try_from(events: Vec<CertificateEvent>) -> Result<Self, CertificateError> {
        Self::replay(&events)
    }
}

impl crate::replay::Replay for CertificateRegister {
    type Event = CertificateEvent;
    type Error = CertificateError;
    const VERSION: u16 = CERTIFICATE_EVENT_VERSION;

    fn version(event: &CertificateEvent) -> u16 {
        event.version
    }
    fn unsupported_version(version: u16) -> CertificateError {
        CertificateError::UnsupportedEventVersion { version }
    }
    fn mismatch(event: u64) -> CertificateError {
        CertificateError::ReplayMismatch { event }
    }
    fn open(event: &CertificateEvent) -> Option<Result<Self, CertificateError>> {
        match &event.kind {
            CertificateEventKind::Opened { issuer, prefix } => {
                Some(Self::new(issuer.clone(), prefix))
            }
            _ => None,
        }
    }
    fn rerun(&mut self, event: &CertificateEvent) -> Result<(), Option<CertificateError>> {
        self.apply_event(&event.kind)
    }
    fn recorded(&self) -> &[CertificateEvent] {
        &self.events
    }
}

impl CertificateRegister {
    /// An empty register for `issuer` numbering with `prefix`.
    ///
    /// # Errors
    /// [`CertificateError::Prefix`] unless the prefix is 1–16 capital letters, digits or
    /// hyphens.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn new(issuer: Issuer, prefix: &str) -> Result<Self, CertificateError> {
        check_prefix(prefix)?;
        Ok(Self {
            events: vec![CertificateEvent {
                version: CERTIFICATE_EVENT_VERSION,
                kind: CertificateEventKind::Opened {
                    issuer: issuer.clone(),
                    prefix: prefix.to_owned(),
                },
            }],
            issuer,
            prefix: prefix.to_owned(),
            applications: Vec::new(),
            certificates: Vec::new(),
        })
    }

    /// Every state change so far, from `opened`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// let names: Vec<&str> = reg.events().iter().map(|e| e.kind.name()).collect();
    /// assert_eq!(names, ["opened", "applied", "accepted", "issued"]);
    /// # let _ = (ledger, no);
    /// ```
    pub fn events(&self) -> &[CertificateEvent] {
        &self.events
    }

    fn event(&mut self, kind: CertificateEventKind) {
        self.events.push(CertificateEvent {
            version: CERTIFICATE_EVENT_VERSION,
            kind,
        });
    }

    /// Rebuilds a register from its events, re-running every command and check that needs
    /// no ledger (an issue's service block is taken from its event). The result equals the
    /// original, certificates and verification codes included.
    ///
    /// # Errors
    /// [`CertificateError::UnsupportedEventVersion`]; [`CertificateError::ReplayMismatch`]
    /// unless the first event, and only the first, is `opened`, or if an event does not
    /// reproduce itself; any command error if the events are not a history a register
    /// could produce.
    ///
    /// # Example
    /// See [`CertificateEvent`].
    pub fn replay(events: &[CertificateEvent]) -> Result<Self, CertificateError> {
        crate::replay::replay(events)
    }

    /// Re-runs the command of an event (`Err(None)` for a second `opened`).
    fn apply_event(&mut self, kind: &CertificateEventKind) -> Result<(), Option<CertificateError>> {
        match kind {
            CertificateEventKind::Opened { .. } => return Err(None),
            CertificateEventKind::Applied { at, volunteer } => {
                self.apply_block(volunteer.clone(), *at);
            }
            CertificateEventKind::ReissueApplied { at, replaces } => {
                self.apply_reissue(replaces, *at)?;
            }
            CertificateEventKind::Accepted { at, application } => {
                self.accept(*application, *at)?;
            }
            CertificateEventKind::Issued {
                application,
                issued_on,
                notes,
                service,
            } => {
                self.issue_service(*application, service.clone(), *issued_on, notes)?;
            }
            CertificateEventKind::Publicised { number, from, days } => {
                self.publicise(number, *from, *days)?;
            }
            CertificateEventKind::Revoked { number, at, reason } => {
                self.revoke(number, *at, reason)?;
            }
        }
        Ok(())
    }

    /// The issuer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertificateRegister};
    /// let reg = CertificateRegister::new(doc_fixtures::issuer(), "JN-LK")?;
    /// assert_eq!(reg.issuer(), &doc_fixtures::issuer());
    /// assert_eq!(reg.issuer().name(), "禄口街道新时代文明实践所");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// Every certificate, in number order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// assert_eq!(reg.certificates().len(), 1);
    /// assert_eq!(reg.certificates()[0].number(), &no);
    /// # let _ = ledger;
    /// ```
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The certificate with this number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CertificateNo};
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// assert!(reg.certificate(&no).is_some());
    /// assert!(reg.certificate(&"JN-LK-000002".parse::<CertificateNo>()?).is_none());
    /// assert!(reg.certificate(&"SZ-000001".parse::<CertificateNo>()?).is_none()); // another prefix
    /// # let _ = ledger;
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn certificate(&self, number: &CertificateNo) -> Option<&Certificate> {
        self.index_of(number).and_then(|i| self.certificates.get(i))
    }

    /// The state of an application.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn application_state(&self, application: u64) -> Option<&ApplicationState> {
        usize::try_from(application)
            .ok()
            .and_then(|i| self.applications.get(i))
            .map(|a| &a.state)
    }

    /// The public verification view of a certificate (PRIV-04).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// # let (ledger, reg, no) = doc_fixtures::issued_certificate();
    /// // Certificate JN-LK-000001, issued on 2021-08-02 for 8 hours served on 2021-07-21 and 22.
    /// let public = reg.public_view(&no).expect("issued");
    /// assert_eq!((public.status(), public.minutes().get()), ("issued", 480));
    /// assert_eq!(public.period().0.to_string(), "2021-07-21");
    /// # let _ = ledger;
    /// ```
    pub fn public_view(&self, number: &CertificateNo) -> Option<PublicCertificate> {
        self.certificate(number).map(Certificate::public_view)
    }

    fn index_of(&self, number: &CertificateNo) -> Option<usize> {
        if number.prefix != self.prefix {
            return None;
        }
        usize::try_from(number.seq).ok()?.checked_sub(1)
    }

    /// A volunteer applies for a certificate; returns the application number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ApplicationState, CertificateRegister};
    /// let mut reg = CertificateRegister::new(doc_fixtures::issuer(), "JN-LK")?;
    /// let at = doc_fixtures::at("2021-08-02T09:00:00+08:00");
    /// let app = reg.apply(&doc_fixtures::volunteer(), at);
    /// assert_eq!(app, 0);
    /// assert_eq!(reg.application_state(app), Some(&ApplicationState::Applied { at }));
    /// assert_eq!(reg.apply(&doc_fixtures::volunteer(), at), 1); // each application is new
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn apply(&mut self, volunteer: &Volunteer, at: DateTime<FixedOffset>) -> u64 {
        self.apply_block(CertifiedVolunteer::of(volunteer), at)
    }

    fn apply_block(&mut self, volunteer: CertifiedVolunteer, at: DateTime<FixedOffset>) -> u64 {
        self.applications.push(Application {
            volunteer: volunteer.clone(),
            state: ApplicationState::Applied { at },
            replaces: None,
        });
        self.event(CertificateEventKind::Applied { at, volunteer });
        self.applications.len() as u64 - 1
    }

    /// Opens an application to reissue a revoked certificate for the same volunteer.
    ///
    /// # Errors
    /// [`CertificateError::UnknownCertificate`]; [`CertificateError::Transition`] unless
    /// it is revoked and not yet replaced.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn apply_reissue(
        &mut self,
        number: &CertificateNo,
        at: DateTime<FixedOffset>,
    ) -> Result<u64, CertificateError> {
        let old = self
            .certificate(number)
            .ok_or_else(|| CertificateError::UnknownCertificate {
                number: number.clone(),
            })?;
        let open = self.applications.iter().any(|a| {
            a.replaces.as_ref() == Some(number)
                && !matches!(a.state, ApplicationState::Issued { .. })
        });
        if !matches!(
            old.status,
            CertificateStatus::Revoked {
                replaced_by: None,
                ..
            }
        ) || open
        {
            return Err(CertificateError::Transition {
                what: "certificate",
                state: old.status.name(),
                action: "reissue",
            });
        }
        self.applications.push(Application {
            volunteer: old.volunteer.clone(),
            state: ApplicationState::Applied { at },
            replaces: Some(number.clone()),
        });
        self.event(CertificateEventKind::ReissueApplied {
            at,
            replaces: number.clone(),
        });
        Ok(self.applications.len() as u64 - 1)
    }

    fn application(&self, id: u64) -> Result<(usize, &Application), CertificateError> {
        let i = usize::try_from(id)
            .map_err(|_| CertificateError::UnknownApplication { application: id })?;
        self.applications
            .get(i)
            .map(|a| (i, a))
            .ok_or(CertificateError::UnknownApplication { application: id })
    }

    /// The issuer accepts an application.
    ///
    /// # Errors
    /// [`CertificateError::UnknownApplication`]; [`CertificateError::Transition`] unless
    /// applied.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn accept(
        &mut self,
        application: u64,
        at: DateTime<FixedOffset>,
    ) -> Result<(), CertificateError> {
        let (i, a) = self.application(application)?;
        if !matches!(a.state, ApplicationState::Applied { .. }) {
            return Err(CertificateError::Transition {
                what: "application",
                state: a.state.name(),
                action: "accept",
            });
        }
        if let Some(a) = self.applications.get_mut(i) {
            a.state = ApplicationState::Accepted { at };
        }
        self.event(CertificateEventKind::Accepted { at, application });
        Ok(())
    }

    /// Issues the certificate of an accepted application, computed from `ledger` as it
    /// stands (only this issuer's records, CERT-09), under the next number.
    ///
    /// # Errors
    /// [`CertificateError::UnknownApplication`]; [`CertificateError::Transition`] unless
    /// accepted; [`CertificateError::NothingToCertify`]; [`CertificateError::Text`] for
    /// notes over 200 characters.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn issue(
        &mut self,
        application: u64,
        ledger: &HourLedger,
        issued_on: NaiveDate,
        notes: &str,
    ) -> Result<CertificateNo, CertificateError> {
        let (_, a) = self.issuable(application, notes)?;
        let service = CertifiedService::compute(
            ledger,
            self.issuer.org,
            a.volunteer.volunteer,
            ledger.next_seq(),
        )?;
        self.issue_service(application, service, issued_on, notes)
    }

    /// The application if it is accepted and the notes fit.
    fn issuable(
        &self,
        application: u64,
        notes: &str,
    ) -> Result<(usize, &Application), CertificateError> {
        let (i, a) = self.application(application)?;
        if !matches!(a.state, ApplicationState::Accepted { .. }) {
            return Err(CertificateError::Transition {
                what: "application",
                state: a.state.name(),
                action: "issue",
            });
        }
        if notes.trim().chars().count() > MAX_CERT_TEXT {
            return Err(CertificateError::Text { what: "notes" });
        }
        Ok((i, a))
    }

    /// Issues the certificate with a computed service block: the part of an issue that
    /// needs no ledger.
    fn issue_service(
        &mut self,
        application: u64,
        service: CertifiedService,
        issued_on: NaiveDate,
        notes: &str,
    ) -> Result<CertificateNo, CertificateError> {
        let (i, a) = self.issuable(application, notes)?;
        let notes = notes.trim();
        let seq = u32::try_from(self.certificates.len() + 1)
            .map_err(|_| CertificateError::Text { what: "register" })?;
        let number = CertificateNo {
            prefix: self.prefix.clone(),
            seq,
        };
        let mut cert = Certificate {
            number: number.clone(),
            issued_on,
            volunteer: a.volunteer.clone(),
            service: service.clone(),
            issuer: self.issuer.clone(),
            notes: notes.to_owned(),
            replaces: a.replaces.clone(),
            status: CertificateStatus::Issued,
            code: VerificationCode([b'A'; 16]),
        };
        cert.code = cert.compute_code();
        let replaces = a.replaces.clone();
        self.certificates.push(cert);
        if let Some(a) = self.applications.get_mut(i) {
            a.state = ApplicationState::Issued {
                number: number.clone(),
            };
        }
        if let Some(old) = replaces
            .and_then(|r| self.index_of(&r))
            .and_then(|j| self.certificates.get_mut(j))
            && let CertificateStatus::Revoked { replaced_by, .. } = &mut old.status
        {
            *replaced_by = Some(number.clone());
        }
        self.event(CertificateEventKind::Issued {
            application,
            issued_on,
            notes: notes.to_owned(),
            service,
        });
        Ok(number)
    }

    fn cert_mut(&mut self, number: &CertificateNo) -> Result<&mut Certificate, CertificateError> {
        let unknown = CertificateError::UnknownCertificate {
            number: number.clone(),
        };
        match self.index_of(number) {
            Some(i) => self.certificates.get_mut(i).ok_or(unknown),
            None => Err(unknown),
        }
    }

    /// Puts an issued certificate on public notice for `days` days (CERT-05: normally at
    /// least [`DEFAULT_NOTICE_DAYS`]).
    ///
    /// # Errors
    /// [`CertificateError::UnknownCertificate`]; [`CertificateError::Transition`] unless
    /// issued; [`CertificateError::NoticePeriod`] for 0 days.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn publicise(
        &mut self,
        number: &CertificateNo,
        from: DateTime<FixedOffset>,
        days: u32,
    ) -> Result<(), CertificateError> {
        if days == 0 {
            return Err(CertificateError::NoticePeriod);
        }
        let c = self.cert_mut(number)?;
        if c.status != CertificateStatus::Issued {
            return Err(CertificateError::Transition {
                what: "certificate",
                state: c.status.name(),
                action: "publicise",
            });
        }
        c.status = CertificateStatus::Publicised {
            from,
            until: from + TimeDelta::days(i64::from(days)),
        };
        self.event(CertificateEventKind::Publicised {
            number: number.clone(),
            from,
            days,
        });
        Ok(())
    }

    /// Revokes a certificate (its content stays as it was; CERT-06).
    ///
    /// # Errors
    /// [`CertificateError::UnknownCertificate`]; [`CertificateError::Transition`] if it is
    /// already revoked; [`CertificateError::Text`] for a blank reason.
    ///
    /// # Example
    /// See [`CertificateRegister`].
    pub fn revoke(
        &mut self,
        number: &CertificateNo,
        at: DateTime<FixedOffset>,
        reason: &str,
    ) -> Result<(), CertificateError> {
        let reason = text(reason, "revocation reason")?;
        let c = self.cert_mut(number)?;
        if matches!(c.status, CertificateStatus::Revoked { .. }) {
            return Err(CertificateError::Transition {
                what: "certificate",
                state: "revoked",
                action: "revoke",
            });
        }
        c.status = CertificateStatus::Revoked {
            at,
            reason: reason.clone(),
            replaced_by: None,
        };
        self.event(CertificateEventKind::Revoked {
            number: number.clone(),
            at,
            reason,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
