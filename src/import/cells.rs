//! Parsers for cell values that have no domain type of their own: dates, times, durations,
//! sex, document kinds and record kinds, in the forms spreadsheets and paper forms use.

use chrono::{NaiveDate, NaiveTime};

use super::RowProblem;
use crate::{IdDocumentKind, Minutes, RecordKind, Sex};

pub(super) fn unrecognised(value: &str, expected: &'static str) -> RowProblem {
    RowProblem::Unrecognised {
        value: super::table::echo(value),
        expected,
    }
}

/// `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D`, `YYYYMMDD` or `YYYY年M月D日`.
pub(super) fn date(value: &str) -> Result<NaiveDate, RowProblem> {
    const EXPECTED: &str = "a date: YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日";
    let bad = || unrecognised(value, EXPECTED);
    let number = |s: &str| -> Result<u32, RowProblem> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (y, m, d) = if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        (
            number(value.get(..4).unwrap_or(""))?,
            number(value.get(4..6).unwrap_or(""))?,
            number(value.get(6..).unwrap_or(""))?,
        )
    } else {
        let v = value.strip_suffix('日').unwrap_or(value);
        let mut parts = v.split(['-', '/', '.', '年', '月']);
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        (number(y)?, number(m)?, number(d)?)
    };
    let year = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)
}

/// `H:MM` or `HH:MM` (24-hour), optionally with `:SS` of `00`; full-width `：` accepted.
pub(super) fn time(value: &str) -> Result<NaiveTime, RowProblem> {
    let bad = || unrecognised(value, "a time of day: HH:MM");
    let v = value.replace('：', ":");
    let mut parts = v.split(':');
    let (Some(h), Some(m), seconds, None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&h.len())
        || m.len() != 2
        || !digits(h)
        || !digits(m)
        || seconds.is_some_and(|s| s != "00")
    {
        return Err(bad());
    }
    let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

/// A duration as `H:MM`, or as decimal hours with at most two decimals that come to whole
/// minutes (`3.5` → 210, `1.25` → 75; `0.33` is refused): integer arithmetic only.
pub(super) fn duration(value: &str) -> Result<Minutes, RowProblem> {
    const EXPECTED: &str = "a duration: H:MM or hours such as 3.5 (whole minutes)";
    let bad = || unrecognised(value, EXPECTED);
    let v = value.replace('：', ":");
    let v = v
        .strip_suffix("小时")
        .or_else(|| v.strip_suffix('h'))
        .unwrap_or(&v)
        .trim();
    let digits = |s: &str| {
        (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .ok_or_else(bad)
    };
    if let Some((h, m)) = v.split_once(':') {
        if m.len() != 2 {
            return Err(bad());
        }
        return Minutes::from_hm(digits(h)?, digits(m)?).map_err(|_| bad());
    }
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    let hours = digits(whole)?;
    // Hundredths of an hour: 0.01 h = 36 s, so only multiples of 5 hundredths (3 minutes)
    // and the tenths are whole minutes.
    let hundredths = match frac.len() {
        0 => 0,
        1 => digits(frac)? * 10,
        2 => digits(frac)?,
        _ => return Err(bad()),
    };
    if hundredths * 60 % 100 != 0 {
        return Err(bad());
    }
    hours
        .checked_mul(60)
        .and_then(|m| m.checked_add(hundredths * 60 / 100))
        .map(Minutes::new)
        .ok_or_else(bad)
}

/// 男/女, `male`/`female`, `M`/`F`.
pub(super) fn sex(value: &str) -> Result<Sex, RowProblem> {
    match value.to_ascii_lowercase().as_str() {
        "男" | "male" | "m" => Ok(Sex::Male),
        "女" | "female" | "f" => Ok(Sex::Female),
        _ => Err(unrecognised(value, "a sex: 男, 女, male or female")),
    }
}

/// A document kind: `None` for the resident ID card (居民身份证), `Some` for another kind.
pub(super) fn document_kind(value: &str) -> Result<Option<IdDocumentKind>, RowProblem> {
    Ok(Some(match value.to_ascii_lowercase().as_str() {
        "resident_id" | "居民身份证" | "身份证" => return Ok(None),
        "passport" | "护照" => IdDocumentKind::Passport,
        "hk_macao_travel_permit" | "港澳居民来往内地通行证" | "回乡证" => {
            IdDocumentKind::HkMacaoTravelPermit
        }
        "taiwan_travel_permit" | "台湾居民来往大陆通行证" | "台胞证" => {
            IdDocumentKind::TaiwanTravelPermit
        }
        "hk_macao_taiwan_residence_permit" | "港澳台居民居住证" => {
            IdDocumentKind::HkMacaoTaiwanResidencePermit
        }
        "foreign_permanent_resident_id" | "外国人永久居留身份证" => {
            IdDocumentKind::ForeignPermanentResidentId
        }
        _ => {
            return Err(unrecognised(
                value,
                "a document kind: 居民身份证, 护照, 港澳居民来往内地通行证, \
                 台湾居民来往大陆通行证, 港澳台居民居住证, 外国人永久居留身份证 or their \
                 snake_case names",
            ));
        }
    }))
}

/// 服务/培训/演练 or `service`/`training`/`drill`.
pub(super) fn record_kind(value: &str) -> Result<RecordKind, RowProblem> {
    match value.to_ascii_lowercase().as_str() {
        "服务" | "志愿服务" | "service" => Ok(RecordKind::Service),
        "培训" | "training" => Ok(RecordKind::Training),
        "演练" | "drill" => Ok(RecordKind::Drill),
        _ => Err(unrecognised(
            value,
            "a record kind: 服务, 培训, 演练, service, training or drill",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_spreadsheet_forms() {
        for s in [
            "2021-07-21",
            "2021/7/21",
            "2021.7.21",
            "20210721",
            "2021年7月21日",
        ] {
            assert_eq!(date(s), Ok(d(2021, 7, 21)), "{s}");
        }
        for s in [
            "2021-02-30",
            "21-7-21x",
            "2021-7",
            "2021-7-21-1",
            "",
            "２０２１-7-21",
        ] {
            assert!(date(s).is_err(), "{s}");
        }
        insta::assert_snapshot!(
            date("2021-13-01").unwrap_err(),
            @r#""2021-13-01" is not a date: YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日"#
        );
    }

    #[test]
    fn times_are_24_hour_hh_mm() {
        assert_eq!(time("8:00"), Ok(NaiveTime::from_hms_opt(8, 0, 0).unwrap()));
        assert_eq!(
            time("23：30"),
            Ok(NaiveTime::from_hms_opt(23, 30, 0).unwrap())
        );
        assert_eq!(
            time("08:15:00"),
            Ok(NaiveTime::from_hms_opt(8, 15, 0).unwrap())
        );
        for s in ["24:00", "8", "8:5", "8:60", "-1:00", "8:000", "a:bc"] {
            assert!(time(s).is_err(), "{s}");
        }
    }

    #[test]
    fn durations_are_whole_minutes_without_floats() {
        assert_eq!(duration("3:30"), Ok(Minutes::new(210)));
        assert_eq!(duration("3.5"), Ok(Minutes::new(210)));
        assert_eq!(duration("1.25"), Ok(Minutes::new(75)));
        assert_eq!(duration("0.05"), Ok(Minutes::new(3)));
        assert_eq!(duration("4小时"), Ok(Minutes::new(240)));
        assert_eq!(duration("2h"), Ok(Minutes::new(120)));
        for s in ["0.33", "0.01", "1.234", "3:3", "-1", "1e3", "", "999999999"] {
            assert!(duration(s).is_err(), "{s}");
        }
    }

    #[test]
    fn sexes_kinds_and_record_kinds() {
        assert_eq!(sex("男"), Ok(Sex::Male));
        assert_eq!(sex("F"), Ok(Sex::Female));
        assert!(sex("unknown").is_err());
        assert_eq!(document_kind("身份证"), Ok(None));
        assert_eq!(document_kind("护照"), Ok(Some(IdDocumentKind::Passport)));
        assert!(document_kind("驾驶证").is_err());
        assert_eq!(record_kind("培训"), Ok(RecordKind::Training));
        assert!(record_kind("x").is_err());
    }

    proptest::proptest! {
        #[test]
        fn cell_parsers_never_panic(s in "\\PC{0,24}") {
            let _ = (date(&s), time(&s), duration(&s), sex(&s), document_kind(&s), record_kind(&s));
        }

        #[test]
        fn decimal_hours_match_h_mm(h in 0_u32..1000, tenths in 0_u32..10) {
            let dec = duration(&format!("{h}.{tenths}")).unwrap();
            proptest::prop_assert_eq!(dec, Minutes::new(h * 60 + tenths * 6));
        }
    }
}
