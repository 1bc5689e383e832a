//! Service needs (服务需求) and the 「四单」 lifecycle: 群众点单 → 中心派单 → 志愿者(队伍)接单 →
//! 群众评单 (MATCH-01, MATCH-02).
//!
//! A need is a record of facts (who asks, for what, where, with which risks) plus an
//! append-only history of transitions; the current state is the result of the history. A need
//! carries no price: recipients never pay (DEF-07).
//!
//! ```text
//! Submitted ─review→ UnderReview ─reject→ Rejected
//!                        │ ▲
//!               dispatch │ │ cancel (back to the pending pool)
//!                        ▼ │
//!                     Dispatched ─redispatch→ Dispatched
//!                        │ accept (the assigned team, or any team when open: 抢单)
//!                        ▼
//!                     InService ─complete→ Completed ─report→ Reported ─evaluate→ Evaluated
//! ```

use core::fmt;

use chrono::{DateTime, FixedOffset};

use crate::{CategoryKey, Location, NeedId, TeamId};

/// Returned when a need is invalid or a transition is refused.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, NeedError};
/// let mut need = doc_fixtures::need();
/// let err = need.complete(doc_fixtures::at("2021-07-22T10:00:00+08:00")).unwrap_err();
/// assert!(matches!(err, NeedError::IllegalTransition { .. }));
/// assert!(err.to_string().ends_with("is submitted: cannot complete"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NeedError {
    /// The action is not allowed in the need's current state (MATCH-02).
    #[error("need {need} is {from}: cannot {action}")]
    IllegalTransition {
        /// The need.
        need: NeedId,
        /// The current state.
        from: NeedStatus,
        /// The refused action.
        action: NeedAction,
    },
    /// A team other than the one the need was assigned to tried to accept it.
    #[error("need {need} is assigned to team {assigned}: team {team} cannot accept it")]
    WrongTeam {
        /// The need.
        need: NeedId,
        /// The team it was dispatched to.
        assigned: TeamId,
        /// The team that tried to accept.
        team: TeamId,
    },
    /// A transition is dated before the previous one.
    #[error("need {need} transition at {at} is before the previous one at {last}")]
    OutOfOrder {
        /// The need.
        need: NeedId,
        /// The previous transition's instant.
        last: DateTime<FixedOffset>,
        /// The rejected instant.
        at: DateTime<FixedOffset>,
    },
    /// A text field is blank or over-long.
    #[error("need field {field} is blank or longer than {max} characters")]
    Text {
        /// The field.
        field: &'static str,
        /// Its maximum length.
        max: usize,
    },
    /// A phone number is malformed (shown masked).
    #[error("requester phone {masked} is malformed: expected 7..=20 digits, '-' or a leading '+'")]
    Phone {
        /// The masked number.
        masked: String,
    },
    /// A rating outside 1..=5.
    #[error("rating {value} is out of range: expected 1..=5")]
    Rating {
        /// The rejected rating.
        value: u8,
    },
    /// A stored history does not start with a submission.
    #[error("need {need} history does not start with a submission")]
    NoSubmission {
        /// The need.
        need: NeedId,
    },
}

fn text(value: &str, field: &'static str, max: usize) -> Result<String, NeedError> {
    let t = value.trim();
    let len = t.chars().count();
    if len == 0 || len > max {
        return Err(NeedError::Text { field, max });
    }
    Ok(t.to_owned())
}

fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [only] => only.to_string(),
        [first, middle @ .., last] => {
            format!("{first}{}{last}", "*".repeat(middle.len()))
        }
    }
}

/// Who asks for the service (需求方): a name and an optional phone number, which is masked
/// (first and last character kept) in `Debug`, `Display` and errors.
///
/// Serialised as `{"name": "…", "phone": null | "…"}` (the wire form carries the full number).
///
/// # Example
/// ```
/// use volunteer_service::Requester;
/// let r = Requester::new("王阿姨", Some("13800138000"))?;
/// assert_eq!(r.to_string(), "王阿姨 (1*********0)");
/// assert!(!format!("{r:?}").contains("13800138000"));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RequesterWire")
)]
pub struct Requester {
    name: String,
    phone: Option<String>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RequesterWire {
    name: String,
    phone: Option<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<RequesterWire> for Requester {
    type Error = NeedError;
    fn try_from(w: RequesterWire) -> Result<Self, NeedError> {
        Requester::new(&w.name, w.phone.as_deref())
    }
}

impl Requester {
    /// A requester.
    ///
    /// # Errors
    /// [`NeedError::Text`] for a blank name; [`NeedError::Phone`] for a malformed number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{NeedError, Requester};
    /// let r = Requester::new(" 禄口街道某社区居委会 ", Some("025-52100000"))?;
    /// assert_eq!(r.name(), "禄口街道某社区居委会"); // trimmed
    /// assert!(Requester::new("张大爷", None)?.phone().is_none());
    /// assert!(matches!(Requester::new("张大爷", Some("12ab")), Err(NeedError::Phone { .. })));
    /// assert!(matches!(Requester::new(" ", None), Err(NeedError::Text { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(name: &str, phone: Option<&str>) -> Result<Self, NeedError> {
        let name = text(name, "requester_name", 100)?;
        let phone = match phone {
            None => None,
            Some(p) => {
                let p = p.trim();
                let body = p.strip_prefix('+').unwrap_or(p);
                let digits = body.chars().filter(char::is_ascii_digit).count();
                if !(7..=20).contains(&digits)
                    || !body.chars().all(|c| c.is_ascii_digit() || c == '-')
                {
                    return Err(NeedError::Phone { masked: mask(p) });
                }
                Some(p.to_owned())
            }
        };
        Ok(Self { name, phone })
    }

    /// The requester's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::need().requester().name(), "禄口街道某社区居委会");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The phone number in full, for contacting the requester.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Requester;
    /// // The one accessor that gives the number in full, for contacting the requester.
    /// let number = "025-52100000";
    /// let r = Requester::new("禄口街道某社区居委会", Some(number))?;
    /// assert_eq!(r.phone(), Some(number));
    /// assert_eq!(Requester::new("张大爷", None)?.phone(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// The phone number masked for display.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Requester;
    /// let r = Requester::new("王阿姨", Some("13800138000"))?;
    /// assert_eq!(r.phone_masked().as_deref(), Some("1*********0"));
    /// assert_eq!(Requester::new("王阿姨", None)?.phone_masked(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn phone_masked(&self) -> Option<String> {
        self.phone.as_deref().map(mask)
    }
}

impl fmt::Debug for Requester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Requester")
            .field("name", &self.name)
            .field("phone", &self.phone_masked())
            .finish()
    }
}

impl fmt::Display for Requester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.phone_masked() {
            Some(p) => write!(f, "{} ({p})", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// How a need is dispatched (MATCH-03): down the hierarchy to one team, or open for any team
/// to take (抢单, "like ride-hailing").
///
/// Serialised as `{"assign": "<team id>"}` or `"open"`.
///
/// # Example
/// ```
/// use volunteer_service::{DispatchMode, TeamId};
/// let t = TeamId::from_parts(1, 1);
/// assert_eq!(DispatchMode::Assign(t).team(), Some(t));
/// assert_eq!(DispatchMode::Open.team(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum DispatchMode {
    /// Directive dispatch to one team (派单).
    Assign(TeamId),
    /// Open to any team (抢单).
    Open,
}

impl DispatchMode {
    /// The assigned team, if directive.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DispatchMode, TeamId};
    /// let team = TeamId::from_parts(1, 7);
    /// assert_eq!(DispatchMode::Assign(team).team(), Some(team));
    /// assert_eq!(DispatchMode::Open.team(), None); // any team may take it (抢单)
    /// ```
    pub fn team(self) -> Option<TeamId> {
        match self {
            Self::Assign(t) => Some(t),
            Self::Open => None,
        }
    }
}

/// A requester's rating of the service (评单), 1 to 5.
///
/// Serialised as the plain number.
///
/// # Example
/// ```
/// use volunteer_service::Rating;
/// assert_eq!(Rating::new(5)?.get(), 5);
/// assert!(Rating::new(0).is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "u8", into = "u8")
)]
pub struct Rating(u8);

impl Rating {
    /// A rating.
    ///
    /// # Errors
    /// [`NeedError::Rating`] outside 1..=5.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{NeedError, Rating};
    /// assert_eq!(Rating::new(4)?.get(), 4);
    /// assert_eq!(Rating::new(6), Err(NeedError::Rating { value: 6 }));
    /// assert!(Rating::new(0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: u8) -> Result<Self, NeedError> {
        if (1..=5).contains(&value) {
            Ok(Self(value))
        } else {
            Err(NeedError::Rating { value })
        }
    }
    /// The value, 1..=5.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Rating;
    /// assert_eq!(Rating::new(1)?.get(), 1);
    /// assert_eq!(u8::from(Rating::new(5)?), 5);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Rating {
    type Error = NeedError;
    fn try_from(v: u8) -> Result<Self, NeedError> {
        Self::new(v)
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> Self {
        r.0
    }
}

/// The state of a need (MATCH-02), with the data each state carries.
///
/// Serialised as `"submitted"`, `{"rejected": {"reason": "…"}}`, `{"dispatched": {"mode": …}}`
/// and so on.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, NeedState, NeedStatus};
/// let need = doc_fixtures::need();
/// assert_eq!(need.state(), &NeedState::Submitted);
/// assert_eq!(need.state().status(), NeedStatus::Submitted);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum NeedState {
    /// Ordered by the public (点单), awaiting review.
    Submitted,
    /// Being verified (FIT-05), or back in the pending pool after a cancelled dispatch.
    UnderReview,
    /// Refused; the reason is shown only to the requester.
    Rejected {
        /// Why.
        reason: String,
    },
    /// Dispatched (派单), awaiting a team's acceptance.
    Dispatched {
        /// How.
        mode: DispatchMode,
    },
    /// Accepted by a team (接单) and being served.
    InService {
        /// The serving team.
        team: TeamId,
    },
    /// The team confirmed completion.
    Completed {
        /// The serving team.
        team: TeamId,
    },
    /// Closed out with a report.
    Reported {
        /// The serving team.
        team: TeamId,
        /// The close-out report.
        report: String,
    },
    /// Rated by the requester (评单).
    Evaluated {
        /// The serving team.
        team: TeamId,
        /// The rating.
        rating: Rating,
        /// The requester's comment, possibly empty.
        comment: String,
    },
}

impl NeedState {
    /// The state without its data.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{NeedState, NeedStatus, TeamId};
    /// assert_eq!(NeedState::UnderReview.status(), NeedStatus::UnderReview);
    /// assert_eq!(NeedState::InService { team: TeamId::from_parts(1, 1) }.status(), NeedStatus::InService);
    /// ```
    pub fn status(&self) -> NeedStatus {
        match self {
            Self::Submitted => NeedStatus::Submitted,
            Self::UnderReview => NeedStatus::UnderReview,
            Self::Rejected { .. } => NeedStatus::Rejected,
            Self::Dispatched { .. } => NeedStatus::Dispatched,
            Self::InService { .. } => NeedStatus::InService,
            Self::Completed { .. } => NeedStatus::Completed,
            Self::Reported { .. } => NeedStatus::Reported,
            Self::Evaluated { .. } => NeedStatus::Evaluated,
        }
    }
}

/// The kind of a [`NeedState`], for errors and filters.
///
/// # Example
/// ```
/// use volunteer_service::NeedStatus;
/// assert_eq!(NeedStatus::UnderReview.to_string(), "under review");
/// assert_eq!(NeedStatus::ALL.len(), 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum NeedStatus {
    /// See [`NeedState::Submitted`].
    Submitted,
    /// See [`NeedState::UnderReview`].
    UnderReview,
    /// See [`NeedState::Rejected`].
    Rejected,
    /// See [`NeedState::Dispatched`].
    Dispatched,
    /// See [`NeedState::InService`].
    InService,
    /// See [`NeedState::Completed`].
    Completed,
    /// See [`NeedState::Reported`].
    Reported,
    /// See [`NeedState::Evaluated`].
    Evaluated,
}

impl NeedStatus {
    /// Every status, in lifecycle order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::NeedStatus;
    /// assert_eq!(NeedStatus::ALL.first(), Some(&NeedStatus::Submitted));
    /// assert_eq!(NeedStatus::ALL.last(), Some(&NeedStatus::Evaluated));
    /// ```
    pub const ALL: [Self; 8] = [
        Self::Submitted,
        Self::UnderReview,
        Self::Rejected,
        Self::Dispatched,
        Self::InService,
        Self::Completed,
        Self::Reported,
        Self::Evaluated,
    ];
}

impl fmt::Display for NeedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Submitted => "submitted",
            Self::UnderReview => "under review",
            Self::Rejected => "rejected",
            Self::Dispatched => "dispatched",
            Self::InService => "in service",
            Self::Completed => "completed",
            Self::Reported => "reported",
            Self::Evaluated => "evaluated",
        })
    }
}

/// An action on a need, named in errors.
///
/// # Example
/// ```
/// use volunteer_service::NeedAction;
/// assert_eq!(NeedAction::Redispatch.to_string(), "redispatch");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum NeedAction {
    /// [`Need::start_review`].
    Review,
    /// [`Need::reject`].
    Reject,
    /// [`Need::dispatch`].
    Dispatch,
    /// [`Need::redispatch`].
    Redispatch,
    /// [`Need::cancel`].
    Cancel,
    /// [`Need::accept`].
    Accept,
    /// [`Need::complete`].
    Complete,
    /// [`Need::report`].
    Report,
    /// [`Need::evaluate`].
    Evaluate,
}

impl NeedAction {
    /// Every action.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::NeedAction;
    /// assert_eq!(NeedAction::ALL.len(), 9);
    /// assert_eq!(NeedAction::ALL[0].to_string(), "review");
    /// ```
    pub const ALL: [Self; 9] = [
        Self::Review,
        Self::Reject,
        Self::Dispatch,
        Self::Redispatch,
        Self::Cancel,
        Self::Accept,
        Self::Complete,
        Self::Report,
        Self::Evaluate,
    ];
}

impl fmt::Display for NeedAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Review => "review",
            Self::Reject => "reject",
            Self::Dispatch => "dispatch",
            Self::Redispatch => "redispatch",
            Self::Cancel => "cancel",
            Self::Accept => "accept",
            Self::Complete => "complete",
            Self::Report => "report",
            Self::Evaluate => "evaluate",
        })
    }
}

/// What happened to a need, in the past tense; the history is a list of these.
///
/// Serialised as `"submitted"`, `{"rejected": {"reason": "…"}}` and so on.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, NeedEvent};
/// let mut need = doc_fixtures::need();
/// need.start_review(doc_fixtures::at("2021-07-21T09:00:00+08:00"))?;
/// need.reject("duplicate", doc_fixtures::at("2021-07-21T09:05:00+08:00"))?;
/// let events: Vec<&NeedEvent> = need.history().iter().map(|t| &t.event).collect();
/// assert_eq!(events, [&NeedEvent::Submitted, &NeedEvent::ReviewStarted, &NeedEvent::Rejected { reason: "duplicate".to_owned() }]);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum NeedEvent {
    /// The public ordered the service (点单).
    Submitted,
    /// Review started.
    ReviewStarted,
    /// The request was refused.
    Rejected {
        /// Why.
        reason: String,
    },
    /// Dispatched (派单).
    Dispatched {
        /// How.
        mode: DispatchMode,
    },
    /// Dispatched again, to another team or mode.
    Redispatched {
        /// The new mode.
        mode: DispatchMode,
    },
    /// The dispatch was cancelled; the need went back to the pending pool.
    DispatchCancelled {
        /// Why.
        reason: String,
    },
    /// A team accepted (接单).
    Accepted {
        /// The team.
        team: TeamId,
    },
    /// The team confirmed completion.
    Completed,
    /// The close-out report was filed.
    Reported {
        /// The report.
        report: String,
    },
    /// The requester rated the service (评单).
    Evaluated {
        /// The rating.
        rating: Rating,
        /// The comment.
        comment: String,
    },
}

/// One entry of a need's history: an event and its instant.
///
/// Serialised as `{"at": "<rfc3339>", "event": …}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, NeedEvent, NeedTransition};
/// let need = doc_fixtures::need();
/// assert_eq!(
///     need.history(),
///     [NeedTransition { at: doc_fixtures::at("2021-07-21T08:00:00+08:00"), event: NeedEvent::Submitted }]
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NeedTransition {
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    pub event: NeedEvent,
}

/// A service need (服务需求) ordered by the public: requester, category, location, description
/// and the risks the requester states (FIT-05), with its lifecycle (MATCH-02).
///
/// There is no price field: recipients never pay (DEF-07). Serialised as
/// `{"id", "requester", "category", "location", "description", "risks", "history"}`; the
/// state is not stored but replayed from `history` on deserialisation, so an illegal history
/// is rejected.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, DispatchMode, NeedStatus, Rating, TeamId};
/// let t = |s| doc_fixtures::at(s);
/// let team = TeamId::from_parts(1, 1);
/// let mut need = doc_fixtures::need();
/// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
/// need.dispatch(DispatchMode::Open, t("2021-07-21T09:10:00+08:00"))?;
/// need.accept(team, t("2021-07-21T09:12:00+08:00"))?;
/// need.complete(t("2021-07-21T12:00:00+08:00"))?;
/// need.report("escorted 12 households", t("2021-07-21T12:30:00+08:00"))?;
/// need.evaluate(Rating::new(5)?, "谢谢", t("2021-07-21T18:00:00+08:00"))?;
/// assert_eq!(need.state().status(), NeedStatus::Evaluated);
/// assert_eq!(need.history().len(), 7);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "NeedWire")
)]
pub struct Need {
    id: NeedId,
    requester: Requester,
    category: CategoryKey,
    location: Location,
    description: String,
    risks: Vec<String>,
    history: Vec<NeedTransition>,
    #[cfg_attr(feature = "serde", serde(skip))]
    state: NeedState,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct NeedWire {
    id: NeedId,
    requester: Requester,
    category: CategoryKey,
    location: Location,
    description: String,
    risks: Vec<String>,
    history: Vec<NeedTransition>,
}

#[cfg(feature = "serde")]
impl TryFrom<NeedWire> for Need {
    type Error = NeedError;
    fn try_from(w: NeedWire) -> Result<Self, NeedError> {
        let mut history = w.history.into_iter();
        let Some(NeedTransition {
            at: first,
            event: NeedEvent::Submitted,
        }) = history.next()
        else {
            return Err(NeedError::NoSubmission { need: w.id });
        };
        let mut need = Need::submit(
            w.id,
            w.requester,
            w.category,
            w.location,
            &w.description,
            w.risks,
            first,
        )?;
        for tr in history {
            need.apply(tr.event, tr.at)?;
        }
        Ok(need)
    }
}

impl Need {
    /// Records a need as submitted (点单) at `at`.
    ///
    /// Risks are trimmed and deduplicated; an empty list means the requester stated none.
    ///
    /// # Errors
    /// [`NeedError::Text`] for a blank or over-long description (max 2000) or risk (max 500).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Need, NeedId, NeedState, Requester};
    /// let need = Need::submit(
    ///     NeedId::from_parts(1, 1),
    ///     Requester::new("张大爷", None)?,
    ///     "epidemic.service.grocery_medicine".parse()?,
    ///     doc_fixtures::location(),
    ///     "medicine delivery for a resident in home isolation",
    ///     vec!["resident under isolation".to_owned()],
    ///     doc_fixtures::at("2021-07-22T08:00:00+08:00"),
    /// )?;
    /// assert_eq!(need.state(), &NeedState::Submitted);
    /// assert_eq!(need.risks(), ["resident under isolation"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn submit(
        id: NeedId,
        requester: Requester,
        category: CategoryKey,
        location: Location,
        description: &str,
        risks: Vec<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<Self, NeedError> {
        let description = text(description, "description", 2000)?;
        let mut clean = Vec::new();
        for r in risks {
            let r = text(&r, "risks", 500)?;
            if !clean.contains(&r) {
                clean.push(r);
            }
        }
        Ok(Self {
            id,
            requester,
            category,
            location,
            description,
            risks: clean,
            history: vec![NeedTransition {
                at,
                event: NeedEvent::Submitted,
            }],
            state: NeedState::Submitted,
        })
    }

    /// The identifier.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, NeedId};
    /// assert_eq!(doc_fixtures::need().id(), NeedId::from_parts(1_626_825_600_000, 4));
    /// ```
    pub fn id(&self) -> NeedId {
        self.id
    }
    /// Who asks.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let need = doc_fixtures::need();
    /// assert_eq!(need.requester().name(), "禄口街道某社区居委会");
    /// assert!(need.requester().phone_masked().is_some());
    /// ```
    pub fn requester(&self) -> &Requester {
        &self.requester
    }
    /// The service category asked for.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, JiangningRole};
    /// let need = doc_fixtures::need();
    /// assert_eq!(need.category().as_str(), "epidemic.screening.home_sampling_escort");
    /// assert_eq!(JiangningRole::for_category(need.category()), Some(JiangningRole::Screening));
    /// ```
    pub fn category(&self) -> &CategoryKey {
        &self.category
    }
    /// Where.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::need().location().division().to_string(), "320115005");
    /// ```
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// What is asked for.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert!(doc_fixtures::need().description().starts_with("escort medical staff"));
    /// ```
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The risks the requester stated (FIT-05); they must reach the recruitment notice
    /// (MATCH-07, see [`ActivityBuilder::for_need`](crate::ActivityBuilder::for_need)).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(
    ///     doc_fixtures::need().risks(),
    ///     ["contact with possibly infected residents", "stairs in old buildings"]
    /// );
    /// ```
    pub fn risks(&self) -> &[String] {
        &self.risks
    }
    /// The current state.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, NeedState};
    /// let mut need = doc_fixtures::need();
    /// assert_eq!(need.state(), &NeedState::Submitted);
    /// need.start_review(doc_fixtures::at("2021-07-21T09:00:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::UnderReview);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn state(&self) -> &NeedState {
        &self.state
    }
    /// Every transition so far, oldest first; never rewritten.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, NeedEvent};
    /// let mut need = doc_fixtures::need();
    /// let at = doc_fixtures::at("2021-07-21T09:00:00+08:00");
    /// need.start_review(at)?;
    /// assert_eq!(need.history().len(), 2);
    /// assert_eq!(need.history()[0].event, NeedEvent::Submitted);
    /// assert_eq!((need.history()[1].at, &need.history()[1].event), (at, &NeedEvent::ReviewStarted));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn history(&self) -> &[NeedTransition] {
        &self.history
    }
    /// When the need was submitted.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::need().submitted_at(), Some(doc_fixtures::at("2021-07-21T08:00:00+08:00")));
    /// ```
    pub fn submitted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.history.first().map(|t| t.at)
    }

    /// Starts verifying the request (FIT-05): `Submitted` → `UnderReview`.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`] from any other state; [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, NeedError, NeedStatus};
    /// let mut need = doc_fixtures::need(); // submitted at 08:00
    /// // Not before the submission; nothing changes.
    /// let err = need.start_review(doc_fixtures::at("2021-07-21T07:00:00+08:00")).unwrap_err();
    /// assert!(matches!(err, NeedError::OutOfOrder { .. }));
    /// need.start_review(doc_fixtures::at("2021-07-21T09:00:00+08:00"))?;
    /// assert_eq!(need.state().status(), NeedStatus::UnderReview);
    /// assert!(need.start_review(doc_fixtures::at("2021-07-21T09:05:00+08:00")).is_err()); // only once
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn start_review(&mut self, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.apply(NeedEvent::ReviewStarted, at)
    }

    /// Refuses the request: `UnderReview` → `Rejected` (terminal).
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::Text`] for a blank reason,
    /// [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, NeedError, NeedState};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// // Only a need under review can be rejected.
    /// assert!(matches!(need.reject("duplicate", t("2021-07-21T09:00:00+08:00")), Err(NeedError::IllegalTransition { .. })));
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.reject("duplicate of an earlier request", t("2021-07-21T09:10:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Rejected { reason: "duplicate of an earlier request".to_owned() });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reject(&mut self, reason: &str, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.guard(NeedAction::Reject, at)?;
        let reason = text(reason, "reason", 500)?;
        self.apply(NeedEvent::Rejected { reason }, at)
    }

    /// Dispatches the verified request (派单): `UnderReview` → `Dispatched`.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedError, NeedState, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// let team = TeamId::from_parts(1, 7);
    /// // It must be reviewed first (FIT-05).
    /// assert!(matches!(need.dispatch(DispatchMode::Assign(team), t("2021-07-21T09:00:00+08:00")), Err(NeedError::IllegalTransition { .. })));
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Assign(team), t("2021-07-21T09:10:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Dispatched { mode: DispatchMode::Assign(team) });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn dispatch(
        &mut self,
        mode: DispatchMode,
        at: DateTime<FixedOffset>,
    ) -> Result<(), NeedError> {
        self.apply(NeedEvent::Dispatched { mode }, at)
    }

    /// Dispatches again before any team accepted: `Dispatched` → `Dispatched`.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedState, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Assign(TeamId::from_parts(1, 7)), t("2021-07-21T09:10:00+08:00"))?;
    /// need.redispatch(DispatchMode::Open, t("2021-07-21T09:40:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Dispatched { mode: DispatchMode::Open });
    /// // Once a team has accepted, it can no longer be re-dispatched.
    /// need.accept(TeamId::from_parts(1, 8), t("2021-07-21T09:45:00+08:00"))?;
    /// assert!(need.redispatch(DispatchMode::Open, t("2021-07-21T09:50:00+08:00")).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn redispatch(
        &mut self,
        mode: DispatchMode,
        at: DateTime<FixedOffset>,
    ) -> Result<(), NeedError> {
        self.apply(NeedEvent::Redispatched { mode }, at)
    }

    /// Cancels the dispatch: `Dispatched` → `UnderReview`, i.e. back to the pending pool, from
    /// which the centre may dispatch again or reject (MATCH-02). Once a team has accepted,
    /// the need can no longer be cancelled.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::Text`] for a blank reason,
    /// [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedState, TeamId};
    /// let t = doc_fixtures::at("2021-07-21T09:00:00+08:00");
    /// let mut need = doc_fixtures::need();
    /// need.start_review(t)?;
    /// need.dispatch(DispatchMode::Assign(TeamId::from_parts(1, 1)), t)?;
    /// need.cancel("team redeployed to a checkpoint", t)?;
    /// assert_eq!(need.state(), &NeedState::UnderReview); // back in the pending pool
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn cancel(&mut self, reason: &str, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.guard(NeedAction::Cancel, at)?;
        let reason = text(reason, "reason", 500)?;
        self.apply(NeedEvent::DispatchCancelled { reason }, at)
    }

    /// A team accepts (接单): `Dispatched` → `InService`. A directive dispatch may only be
    /// accepted by its team; an open one by any team (抢单).
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::WrongTeam`], [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedError, NeedState, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// let (assigned, other) = (TeamId::from_parts(1, 7), TeamId::from_parts(1, 8));
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Assign(assigned), t("2021-07-21T09:10:00+08:00"))?;
    /// // A directive dispatch can only be accepted by its team.
    /// let err = need.accept(other, t("2021-07-21T09:12:00+08:00")).unwrap_err();
    /// assert!(matches!(err, NeedError::WrongTeam { .. }));
    /// need.accept(assigned, t("2021-07-21T09:12:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::InService { team: assigned });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn accept(&mut self, team: TeamId, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.apply(NeedEvent::Accepted { team }, at)
    }

    /// The team confirms completion: `InService` → `Completed`.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedState, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// let team = TeamId::from_parts(1, 7);
    /// assert!(need.complete(t("2021-07-21T09:00:00+08:00")).is_err()); // not in service
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Open, t("2021-07-21T09:10:00+08:00"))?;
    /// need.accept(team, t("2021-07-21T09:12:00+08:00"))?;
    /// need.complete(t("2021-07-21T12:00:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Completed { team });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn complete(&mut self, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.apply(NeedEvent::Completed, at)
    }

    /// Files the close-out report: `Completed` → `Reported`.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::Text`], [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedError, NeedStatus, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Open, t("2021-07-21T09:10:00+08:00"))?;
    /// need.accept(TeamId::from_parts(1, 7), t("2021-07-21T09:12:00+08:00"))?;
    /// need.complete(t("2021-07-21T12:00:00+08:00"))?;
    /// assert!(matches!(need.report(" ", t("2021-07-21T12:30:00+08:00")), Err(NeedError::Text { .. })));
    /// need.report("escorted staff to 12 homes; 12 samples taken", t("2021-07-21T12:30:00+08:00"))?;
    /// assert_eq!(need.state().status(), NeedStatus::Reported);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn report(&mut self, report: &str, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        self.guard(NeedAction::Report, at)?;
        let report = text(report, "report", 5000)?;
        self.apply(NeedEvent::Reported { report }, at)
    }

    /// The requester rates the service (评单): `Reported` → `Evaluated` (terminal). The comment
    /// may be empty.
    ///
    /// # Errors
    /// [`NeedError::IllegalTransition`], [`NeedError::Text`] for a comment over 2000
    /// characters, [`NeedError::OutOfOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DispatchMode, NeedState, Rating, TeamId};
    /// let mut need = doc_fixtures::need();
    /// let t = |s| doc_fixtures::at(s);
    /// let team = TeamId::from_parts(1, 7);
    /// need.start_review(t("2021-07-21T09:00:00+08:00"))?;
    /// need.dispatch(DispatchMode::Open, t("2021-07-21T09:10:00+08:00"))?;
    /// need.accept(team, t("2021-07-21T09:12:00+08:00"))?;
    /// need.complete(t("2021-07-21T12:00:00+08:00"))?;
    /// // Not before the report is filed.
    /// assert!(need.evaluate(Rating::new(5)?, "", t("2021-07-21T12:10:00+08:00")).is_err());
    /// need.report("12 homes visited", t("2021-07-21T12:30:00+08:00"))?;
    /// need.evaluate(Rating::new(5)?, " 谢谢 ", t("2021-07-21T18:00:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Evaluated { team, rating: Rating::new(5)?, comment: "谢谢".to_owned() });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn evaluate(
        &mut self,
        rating: Rating,
        comment: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(), NeedError> {
        self.guard(NeedAction::Evaluate, at)?;
        let comment = comment.trim();
        if comment.chars().count() > 2000 {
            return Err(NeedError::Text {
                field: "comment",
                max: 2000,
            });
        }
        self.apply(
            NeedEvent::Evaluated {
                rating,
                comment: comment.to_owned(),
            },
            at,
        )
    }

    fn guard(&self, action: NeedAction, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        if let Some(last) = self.history.last()
            && at < last.at
        {
            return Err(NeedError::OutOfOrder {
                need: self.id,
                last: last.at,
                at,
            });
        }
        let from = self.state.status();
        let allowed = matches!(
            (from, action),
            (NeedStatus::Submitted, NeedAction::Review)
                | (
                    NeedStatus::UnderReview,
                    NeedAction::Reject | NeedAction::Dispatch
                )
                | (
                    NeedStatus::Dispatched,
                    NeedAction::Redispatch | NeedAction::Cancel | NeedAction::Accept
                )
                | (NeedStatus::InService, NeedAction::Complete)
                | (NeedStatus::Completed, NeedAction::Report)
                | (NeedStatus::Reported, NeedAction::Evaluate)
        );
        if allowed {
            Ok(())
        } else {
            Err(NeedError::IllegalTransition {
                need: self.id,
                from,
                action,
            })
        }
    }

    /// Validates and applies one event; the single place where the state changes.
    fn apply(&mut self, event: NeedEvent, at: DateTime<FixedOffset>) -> Result<(), NeedError> {
        let action = match &event {
            NeedEvent::Submitted => {
                return Err(NeedError::IllegalTransition {
                    need: self.id,
                    from: self.state.status(),
                    action: NeedAction::Review,
                });
            }
            NeedEvent::ReviewStarted => NeedAction::Review,
            NeedEvent::Rejected { .. } => NeedAction::Reject,
            NeedEvent::Dispatched { .. } => NeedAction::Dispatch,
            NeedEvent::Redispatched { .. } => NeedAction::Redispatch,
            NeedEvent::DispatchCancelled { .. } => NeedAction::Cancel,
            NeedEvent::Accepted { .. } => NeedAction::Accept,
            NeedEvent::Completed => NeedAction::Complete,
            NeedEvent::Reported { .. } => NeedAction::Report,
            NeedEvent::Evaluated { .. } => NeedAction::Evaluate,
        };
        self.guard(action, at)?;
        let team = match &self.state {
            NeedState::InService { team }
            | NeedState::Completed { team }
            | NeedState::Reported { team, .. } => Some(*team),
            _ => None,
        };
        let next = match (&event, team) {
            (NeedEvent::ReviewStarted | NeedEvent::DispatchCancelled { .. }, _) => {
                NeedState::UnderReview
            }
            (NeedEvent::Rejected { reason }, _) => NeedState::Rejected {
                reason: text(reason, "reason", 500)?,
            },
            (NeedEvent::Dispatched { mode } | NeedEvent::Redispatched { mode }, _) => {
                NeedState::Dispatched { mode: *mode }
            }
            (NeedEvent::Accepted { team }, _) => {
                if let NeedState::Dispatched {
                    mode: DispatchMode::Assign(assigned),
                } = self.state
                    && assigned != *team
                {
                    return Err(NeedError::WrongTeam {
                        need: self.id,
                        assigned,
                        team: *team,
                    });
                }
                NeedState::InService { team: *team }
            }
            (NeedEvent::Completed, Some(team)) => NeedState::Completed { team },
            (NeedEvent::Reported { report }, Some(team)) => NeedState::Reported {
                team,
                report: text(report, "report", 5000)?,
            },
            (NeedEvent::Evaluated { rating, comment }, Some(team)) => NeedState::Evaluated {
                team,
                rating: *rating,
                comment: comment.clone(),
            },
            _ => {
                return Err(NeedError::IllegalTransition {
                    need: self.id,
                    from: self.state.status(),
                    action,
                });
            }
        };
        self.state = next;
        self.history.push(NeedTransition { at, event });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures::{at, need};

    const T: &str = "2021-07-21T10:00:00+08:00";

    fn team(n: u64) -> TeamId {
        TeamId::from_parts(1, n)
    }

    /// A need driven into `status` by the shortest legal path.
    fn in_state(status: NeedStatus) -> Need {
        let mut n = need();
        let steps: &[NeedAction] = match status {
            NeedStatus::Submitted => &[],
            NeedStatus::UnderReview => &[NeedAction::Review],
            NeedStatus::Rejected => &[NeedAction::Review, NeedAction::Reject],
            NeedStatus::Dispatched => &[NeedAction::Review, NeedAction::Dispatch],
            NeedStatus::InService => {
                &[NeedAction::Review, NeedAction::Dispatch, NeedAction::Accept]
            }
            NeedStatus::Completed => &[
                NeedAction::Review,
                NeedAction::Dispatch,
                NeedAction::Accept,
                NeedAction::Complete,
            ],
            NeedStatus::Reported => &[
                NeedAction::Review,
                NeedAction::Dispatch,
                NeedAction::Accept,
                NeedAction::Complete,
                NeedAction::Report,
            ],
            NeedStatus::Evaluated => &[
                NeedAction::Review,
                NeedAction::Dispatch,
                NeedAction::Accept,
                NeedAction::Complete,
                NeedAction::Report,
                NeedAction::Evaluate,
            ],
        };
        for a in steps {
            act(&mut n, *a).unwrap();
        }
        assert_eq!(n.state().status(), status);
        n
    }

    fn act(n: &mut Need, a: NeedAction) -> Result<(), NeedError> {
        let t = at(T);
        match a {
            NeedAction::Review => n.start_review(t),
            NeedAction::Reject => n.reject("not a volunteer task", t),
            NeedAction::Dispatch => n.dispatch(DispatchMode::Assign(team(1)), t),
            NeedAction::Redispatch => n.redispatch(DispatchMode::Open, t),
            NeedAction::Cancel => n.cancel("team unavailable", t),
            NeedAction::Accept => n.accept(team(1), t),
            NeedAction::Complete => n.complete(t),
            NeedAction::Report => n.report("done", t),
            NeedAction::Evaluate => n.evaluate(Rating::new(4).unwrap(), "", t),
        }
    }

    #[test]
    fn every_state_and_action_follows_the_table() {
        let legal = |s: NeedStatus, a: NeedAction| -> Option<NeedStatus> {
            use NeedAction as A;
            use NeedStatus as S;
            match (s, a) {
                (S::Submitted, A::Review) | (S::Dispatched, A::Cancel) => Some(S::UnderReview),
                (S::UnderReview, A::Reject) => Some(S::Rejected),
                (S::UnderReview, A::Dispatch) | (S::Dispatched, A::Redispatch) => {
                    Some(S::Dispatched)
                }
                (S::Dispatched, A::Accept) => Some(S::InService),
                (S::InService, A::Complete) => Some(S::Completed),
                (S::Completed, A::Report) => Some(S::Reported),
                (S::Reported, A::Evaluate) => Some(S::Evaluated),
                _ => None,
            }
        };
        for s in NeedStatus::ALL {
            for a in NeedAction::ALL {
                let mut n = in_state(s);
                let before = n.clone();
                let r = act(&mut n, a);
                if let Some(to) = legal(s, a) {
                    assert_eq!(r, Ok(()), "{s} × {a}");
                    assert_eq!(n.state().status(), to, "{s} × {a}");
                    assert_eq!(n.history().len(), before.history().len() + 1);
                    assert_eq!(&n.history()[..before.history().len()], before.history());
                } else {
                    assert_eq!(
                        r,
                        Err(NeedError::IllegalTransition {
                            need: n.id(),
                            from: s,
                            action: a
                        }),
                        "{s} × {a}"
                    );
                    assert_eq!(n, before, "{s} × {a} changed state");
                }
            }
        }
    }

    #[test]
    fn cancel_returns_to_the_pending_pool() {
        let mut n = in_state(NeedStatus::Dispatched);
        n.cancel("team stood down", at(T)).unwrap();
        assert_eq!(n.state(), &NeedState::UnderReview);
        n.dispatch(DispatchMode::Assign(team(2)), at(T)).unwrap();
        assert!(matches!(
            n.history().last().map(|t| &t.event),
            Some(NeedEvent::Dispatched { .. })
        ));
    }

    #[test]
    fn directive_dispatch_only_accepted_by_its_team() {
        let mut n = in_state(NeedStatus::Dispatched);
        let before = n.clone();
        assert_eq!(
            n.accept(team(9), at(T)),
            Err(NeedError::WrongTeam {
                need: n.id(),
                assigned: team(1),
                team: team(9)
            })
        );
        assert_eq!(n, before);
        n.redispatch(DispatchMode::Open, at(T)).unwrap();
        n.accept(team(9), at(T)).unwrap();
        assert_eq!(n.state(), &NeedState::InService { team: team(9) });
    }

    #[test]
    fn transitions_may_not_go_back_in_time() {
        let mut n = need();
        let before = n.clone();
        assert!(matches!(
            n.start_review(at("2021-07-01T00:00:00+08:00")),
            Err(NeedError::OutOfOrder { .. })
        ));
        assert_eq!(n, before);
    }

    #[test]
    fn blank_reasons_are_refused_without_change() {
        let mut n = in_state(NeedStatus::UnderReview);
        let before = n.clone();
        assert!(matches!(
            n.reject(" ", at(T)),
            Err(NeedError::Text {
                field: "reason",
                ..
            })
        ));
        assert_eq!(n, before);
    }

    #[test]
    fn phone_is_masked_everywhere() {
        let r = Requester::new("李", Some("13912345678")).unwrap();
        assert!(!format!("{r:?}").contains("13912345678"));
        assert!(!r.to_string().contains("13912345678"));
        assert_eq!(r.phone(), Some("13912345678"));
        let err = Requester::new("李", Some("1391234567x")).unwrap_err();
        assert!(!err.to_string().contains("1391234567"));
        assert_eq!(
            err.to_string(),
            "requester phone 1*********x is malformed: expected 7..=20 digits, '-' or a leading '+'"
        );
    }

    #[test]
    fn error_names_state_and_action() {
        let mut n = need();
        let err = n.complete(at(T)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("need {} is submitted: cannot complete", n.id())
        );
    }

    proptest::proptest! {
        #[test]
        fn random_action_sequences_keep_history_append_only(
            actions in proptest::collection::vec(proptest::sample::select(NeedAction::ALL.to_vec()), 0..30)
        ) {
            let mut n = need();
            for a in actions {
                let before = n.clone();
                match act(&mut n, a) {
                    Ok(()) => {
                        proptest::prop_assert_eq!(n.history().len(), before.history().len() + 1);
                        proptest::prop_assert_eq!(&n.history()[..before.history().len()], before.history());
                    }
                    Err(NeedError::IllegalTransition { from, action, .. }) => {
                        proptest::prop_assert_eq!(from, before.state().status());
                        proptest::prop_assert_eq!(action, a);
                        proptest::prop_assert_eq!(&n, &before);
                    }
                    Err(e) => proptest::prop_assert!(false, "unexpected {e}"),
                }
            }
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_replays_history() {
        let n = in_state(NeedStatus::Evaluated);
        let json = serde_json::to_value(&n).unwrap();
        assert!(json.get("price").is_none());
        let back: Need = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, n);
        // An illegal history (evaluate straight after submission) is rejected.
        let mut bad = json;
        let hist = bad["history"].as_array().unwrap().clone();
        bad["history"] = serde_json::Value::Array(vec![hist[0].clone(), hist[6].clone()]);
        assert!(serde_json::from_value::<Need>(bad).is_err());
    }
}
