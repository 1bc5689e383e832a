//! Emergency operations (EMG-01): a government emergency command (应急指挥机构) dispatching
//! under unified command.

use chrono::{DateTime, FixedOffset};

use crate::{
    DispatchMode, DivisionCode, Need, NeedError, NeedStatus, OrgId, OrgKind, Organisation, TeamId,
};

/// Returned when an emergency operation cannot be declared, stood down or used to dispatch.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, EmergencyOperation, OrgId, OrgKind, Organisation};
/// let office = Organisation::builder(OrgId::from_parts(1, 1), "南京市文明办", OrgKind::CivilizationOffice).build()?;
/// let err = EmergencyOperation::declare("Lukou", &office, "320100".parse()?, doc_fixtures::at("2021-07-20T18:00:00+08:00"))
///     .unwrap_err();
/// assert!(err.to_string().ends_with("is not an emergency command (EMG-01)"));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmergencyError {
    /// The declaring organisation is not of kind [`OrgKind::EmergencyCommand`].
    #[error("organisation {org} is a {kind:?}, which is not an emergency command (EMG-01)")]
    NotACommand {
        /// The organisation.
        org: OrgId,
        /// Its kind.
        kind: OrgKind,
    },
    /// The operation's name is blank or longer than 200 characters.
    #[error("emergency operation name has {len} characters: expected 1..=200")]
    Name {
        /// Its length.
        len: usize,
    },
    /// The operation was not in force at the instant.
    #[error("emergency operation {name:?} is not in force at {at}")]
    NotInForce {
        /// The operation.
        name: String,
        /// The instant.
        at: DateTime<FixedOffset>,
    },
    /// Standing down before the declaration, or twice.
    #[error(
        "emergency operation {name:?} cannot stand down at {at}: declared {declared}, stood down {stood_down:?}"
    )]
    StandDown {
        /// The operation.
        name: String,
        /// The rejected instant.
        at: DateTime<FixedOffset>,
        /// When it was declared.
        declared: DateTime<FixedOffset>,
        /// When it already stood down, if it did.
        stood_down: Option<DateTime<FixedOffset>>,
    },
    /// The need lies outside the operation's area.
    #[error("need location {division} is outside the operation's area {area}")]
    OutsideArea {
        /// The need's division.
        division: DivisionCode,
        /// The operation's area.
        area: DivisionCode,
    },
    /// The need's lifecycle refused the dispatch (already accepted, closed, …).
    #[error(transparent)]
    Need(#[from] NeedError),
}

/// A declared emergency (public-health emergency, disaster) under the unified command of a
/// government emergency headquarters (EMG-01, 条例 art. 24).
///
/// While in force, its command may dispatch needs inside its area directly to teams: a need
/// that is still submitted or under review is reviewed and dispatched in one step, and a need
/// already dispatched elsewhere is re-dispatched, overriding the ordinary dispatch. Everything
/// else still applies: a team cannot be made to accept (DEF-06), and hazardous activities still
/// confirm nobody until insured (FIT-03, checked by the roster and eligibility).
///
/// Serialised as `{"name", "command", "area", "declared", "stood_down"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures as fx, DispatchMode, EmergencyOperation, NeedState, OrgId, OrgKind, Organisation, TeamId};
/// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand)
///     .division("320100".parse()?)
///     .build()?;
/// let op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
/// let mut need = fx::need(); // submitted in Lukou, Jiangning
/// let team = TeamId::from_parts(1, 7);
/// op.command_dispatch(&mut need, team, fx::at("2021-07-21T08:30:00+08:00"))?;
/// assert_eq!(need.state(), &NeedState::Dispatched { mode: DispatchMode::Assign(team) });
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "OperationWire")
)]
pub struct EmergencyOperation {
    name: String,
    command: OrgId,
    area: DivisionCode,
    declared: DateTime<FixedOffset>,
    stood_down: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct OperationWire {
    name: String,
    command: OrgId,
    area: DivisionCode,
    declared: DateTime<FixedOffset>,
    stood_down: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
impl TryFrom<OperationWire> for EmergencyOperation {
    type Error = EmergencyError;
    fn try_from(w: OperationWire) -> Result<Self, EmergencyError> {
        let len = w.name.trim().chars().count();
        if w.name.trim() != w.name || !(1..=200).contains(&len) {
            return Err(EmergencyError::Name { len });
        }
        let mut op = Self {
            name: w.name,
            command: w.command,
            area: w.area,
            declared: w.declared,
            stood_down: None,
        };
        if let Some(end) = w.stood_down {
            op.stand_down(end)?;
        }
        Ok(op)
    }
}

impl EmergencyOperation {
    /// Declares an operation of `command` (an [`OrgKind::EmergencyCommand`]) over `area`.
    ///
    /// # Errors
    /// [`EmergencyError::NotACommand`], [`EmergencyError::Name`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyError, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let op = EmergencyOperation::declare(" 禄口机场疫情 ", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// assert_eq!(op.name(), "禄口机场疫情"); // trimmed
    /// assert!(matches!(
    ///     EmergencyOperation::declare(" ", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00")),
    ///     Err(EmergencyError::Name { len: 0 })
    /// ));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn declare(
        name: &str,
        command: &Organisation,
        area: DivisionCode,
        declared: DateTime<FixedOffset>,
    ) -> Result<Self, EmergencyError> {
        if command.kind() != OrgKind::EmergencyCommand {
            return Err(EmergencyError::NotACommand {
                org: command.id(),
                kind: command.kind(),
            });
        }
        let name = name.trim();
        let len = name.chars().count();
        if !(1..=200).contains(&len) {
            return Err(EmergencyError::Name { len });
        }
        Ok(Self {
            name: name.to_owned(),
            command: command.id(),
            area,
            declared,
            stood_down: None,
        })
    }

    /// The operation's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// assert_eq!(op.name(), "禄口机场疫情");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The commanding organisation.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// assert_eq!(op.command(), hq.id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn command(&self) -> OrgId {
        self.command
    }
    /// The area under command.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, DivisionCode, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let nanjing: DivisionCode = "320100".parse()?;
    /// let op = EmergencyOperation::declare("禄口机场疫情", &hq, nanjing, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// assert_eq!(op.area(), nanjing);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn area(&self) -> DivisionCode {
        self.area
    }
    /// When it was declared.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let at = fx::at("2021-07-20T18:00:00+08:00");
    /// assert_eq!(EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, at)?.declared(), at);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn declared(&self) -> DateTime<FixedOffset> {
        self.declared
    }
    /// When it stood down, if it has.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let mut op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// assert_eq!(op.stood_down(), None);
    /// let end = fx::at("2021-08-26T00:00:00+08:00");
    /// op.stand_down(end)?;
    /// assert_eq!(op.stood_down(), Some(end));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn stood_down(&self) -> Option<DateTime<FixedOffset>> {
        self.stood_down
    }

    /// Whether the operation is in force at `at`: `[declared, stood_down)`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let mut op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// op.stand_down(fx::at("2021-08-26T00:00:00+08:00"))?;
    /// assert!(op.in_force(fx::at("2021-07-20T18:00:00+08:00")));
    /// assert!(!op.in_force(fx::at("2021-07-20T17:59:00+08:00")));
    /// assert!(!op.in_force(fx::at("2021-08-26T00:00:00+08:00"))); // half-open
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn in_force(&self, at: DateTime<FixedOffset>) -> bool {
        self.declared <= at && self.stood_down.is_none_or(|end| at < end)
    }

    /// Ends the operation at `at`.
    ///
    /// # Errors
    /// [`EmergencyError::StandDown`] if `at` is not after the declaration or it already stood
    /// down; nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, EmergencyError, EmergencyOperation, OrgId, OrgKind, Organisation};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "南京市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// let mut op = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// // Not before the declaration.
    /// assert!(matches!(op.stand_down(fx::at("2021-07-20T12:00:00+08:00")), Err(EmergencyError::StandDown { .. })));
    /// op.stand_down(fx::at("2021-08-26T00:00:00+08:00"))?;
    /// // Not twice; the first stand-down is kept.
    /// assert!(op.stand_down(fx::at("2021-08-27T00:00:00+08:00")).is_err());
    /// assert_eq!(op.stood_down(), Some(fx::at("2021-08-26T00:00:00+08:00")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn stand_down(&mut self, at: DateTime<FixedOffset>) -> Result<(), EmergencyError> {
        if at <= self.declared || self.stood_down.is_some() {
            return Err(EmergencyError::StandDown {
                name: self.name.clone(),
                at,
                declared: self.declared,
                stood_down: self.stood_down,
            });
        }
        self.stood_down = Some(at);
        Ok(())
    }

    /// Dispatches `need` to `team` under unified command: reviewed and dispatched in one step
    /// from `Submitted` or `UnderReview`, re-dispatched from `Dispatched`. All or nothing: on
    /// any error the need is unchanged.
    ///
    /// # Errors
    /// [`EmergencyError::NotInForce`], [`EmergencyError::OutsideArea`], or
    /// [`EmergencyError::Need`] when the lifecycle refuses (a team already accepted, the need
    /// is closed, or `at` is earlier than its last transition).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, DispatchMode, EmergencyError, EmergencyOperation, NeedState, OrgId, OrgKind, Organisation, TeamId};
    /// let hq = Organisation::builder(OrgId::from_parts(1, 9), "苏州市疫情防控指挥部", OrgKind::EmergencyCommand).build()?;
    /// // An operation over Suzhou cannot dispatch a need in Nanjing.
    /// let suzhou = EmergencyOperation::declare("苏州疫情", &hq, "320500".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// let mut need = fx::need(); // submitted in Lukou, Nanjing
    /// let before = need.clone();
    /// let team = TeamId::from_parts(1, 7);
    /// let err = suzhou.command_dispatch(&mut need, team, fx::at("2021-07-21T08:30:00+08:00")).unwrap_err();
    /// assert!(matches!(err, EmergencyError::OutsideArea { .. }));
    /// assert_eq!(need, before); // unchanged
    /// let nanjing = EmergencyOperation::declare("禄口机场疫情", &hq, "320100".parse()?, fx::at("2021-07-20T18:00:00+08:00"))?;
    /// nanjing.command_dispatch(&mut need, team, fx::at("2021-07-21T08:30:00+08:00"))?;
    /// assert_eq!(need.state(), &NeedState::Dispatched { mode: DispatchMode::Assign(team) });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn command_dispatch(
        &self,
        need: &mut Need,
        team: TeamId,
        at: DateTime<FixedOffset>,
    ) -> Result<(), EmergencyError> {
        if !self.in_force(at) {
            return Err(EmergencyError::NotInForce {
                name: self.name.clone(),
                at,
            });
        }
        let division = need.location().division();
        if !self.area.contains(division) {
            return Err(EmergencyError::OutsideArea {
                division,
                area: self.area,
            });
        }
        let mode = DispatchMode::Assign(team);
        let mut next = need.clone();
        match next.state().status() {
            NeedStatus::Submitted => {
                next.start_review(at)?;
                next.dispatch(mode, at)?;
            }
            NeedStatus::UnderReview => next.dispatch(mode, at)?,
            _ => next.redispatch(mode, at)?,
        }
        *need = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures as fx;
    use crate::{NeedAction, NeedState};

    fn hq() -> Organisation {
        Organisation::builder(
            OrgId::from_parts(1, 9),
            "南京市疫情防控指挥部",
            OrgKind::EmergencyCommand,
        )
        .build()
        .unwrap()
    }

    fn op() -> EmergencyOperation {
        EmergencyOperation::declare(
            "禄口机场疫情",
            &hq(),
            "320115".parse().unwrap(),
            fx::at("2021-07-20T18:00:00+08:00"),
        )
        .unwrap()
    }

    #[test]
    fn only_an_emergency_command_declares() {
        let office = Organisation::builder(
            OrgId::from_parts(1, 1),
            "文明办",
            OrgKind::CivilizationOffice,
        )
        .build()
        .unwrap();
        assert!(matches!(
            EmergencyOperation::declare(
                "x",
                &office,
                "320115".parse().unwrap(),
                fx::at("2021-07-20T18:00:00+08:00")
            ),
            Err(EmergencyError::NotACommand { .. })
        ));
        assert!(matches!(
            EmergencyOperation::declare(
                " ",
                &hq(),
                "320115".parse().unwrap(),
                fx::at("2021-07-20T18:00:00+08:00")
            ),
            Err(EmergencyError::Name { len: 0 })
        ));
    }

    #[test]
    fn command_dispatch_overrides_an_ordinary_dispatch() {
        let op = op();
        let mut need = fx::need();
        need.start_review(fx::at("2021-07-21T08:10:00+08:00"))
            .unwrap();
        need.dispatch(DispatchMode::Open, fx::at("2021-07-21T08:20:00+08:00"))
            .unwrap();
        let team = TeamId::from_parts(1, 3);
        op.command_dispatch(&mut need, team, fx::at("2021-07-21T08:30:00+08:00"))
            .unwrap();
        assert_eq!(
            need.state(),
            &NeedState::Dispatched {
                mode: DispatchMode::Assign(team)
            }
        );
        // The team still has to accept itself (DEF-06).
        need.accept(team, fx::at("2021-07-21T08:40:00+08:00"))
            .unwrap();
        // Once accepted, the command cannot re-dispatch it, and the need is unchanged.
        let before = need.clone();
        let err = op
            .command_dispatch(
                &mut need,
                TeamId::from_parts(1, 4),
                fx::at("2021-07-21T09:00:00+08:00"),
            )
            .unwrap_err();
        assert!(matches!(
            err,
            EmergencyError::Need(NeedError::IllegalTransition {
                action: NeedAction::Redispatch,
                ..
            })
        ));
        assert_eq!(need, before);
    }

    #[test]
    fn submitted_needs_are_reviewed_and_dispatched_in_one_step() {
        let mut need = fx::need();
        op().command_dispatch(
            &mut need,
            TeamId::from_parts(1, 3),
            fx::at("2021-07-21T08:30:00+08:00"),
        )
        .unwrap();
        assert_eq!(need.history().len(), 3); // submitted, review started, dispatched
    }

    #[test]
    fn area_and_time_limits_change_nothing_when_refused() {
        let mut op = op();
        let mut need = fx::need();
        let before = need.clone();
        let elsewhere = EmergencyOperation::declare(
            "镇江",
            &hq(),
            "321100".parse().unwrap(),
            fx::at("2021-07-20T18:00:00+08:00"),
        )
        .unwrap();
        assert!(matches!(
            elsewhere.command_dispatch(
                &mut need,
                TeamId::from_parts(1, 3),
                fx::at("2021-07-21T08:30:00+08:00")
            ),
            Err(EmergencyError::OutsideArea { .. })
        ));
        assert!(matches!(
            op.command_dispatch(
                &mut need,
                TeamId::from_parts(1, 3),
                fx::at("2021-07-19T08:30:00+08:00")
            ),
            Err(EmergencyError::NotInForce { .. })
        ));
        // A time before the need's own submission is refused by the lifecycle, atomically.
        op.stand_down(fx::at("2021-09-01T00:00:00+08:00")).unwrap();
        assert!(op.stand_down(fx::at("2021-09-02T00:00:00+08:00")).is_err());
        assert!(matches!(
            op.command_dispatch(
                &mut need,
                TeamId::from_parts(1, 3),
                fx::at("2021-09-01T00:00:00+08:00")
            ),
            Err(EmergencyError::NotInForce { .. })
        ));
        assert!(matches!(
            op.command_dispatch(
                &mut need,
                TeamId::from_parts(1, 3),
                fx::at("2021-07-21T07:00:00+08:00")
            ),
            Err(EmergencyError::Need(NeedError::OutOfOrder { .. }))
        ));
        assert_eq!(need, before);
    }
}
