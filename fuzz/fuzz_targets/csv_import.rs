//! CSV import: arbitrary bytes (any encoding) as a roster and as service records, behind a
//! header the fuzzer may keep or replace. A report whose counts add up, or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use volunteer_service::import::{
    ImportOptions, RecordImport, RosterImport, RowPolicy, UnknownColumns, VolunteerIndex,
};
use volunteer_service::{ActivityId, Actor, OrgId, StaffId};

const ROSTER: &[u8] = "姓名,身份证号,志愿者编号,手机号,性别,出生日期,居住地区划代码,标签,资质\n".as_bytes();
const RECORDS: &[u8] =
    "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长,类型\n"
        .as_bytes();

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let options = ImportOptions::default()
        .rows(if mode & 1 == 0 { RowPolicy::KeepValid } else { RowPolicy::AllOrNothing })
        .unknown_columns(if mode & 2 == 0 { UnknownColumns::Reject } else { UnknownColumns::Ignore });
    let with_header = |header: &[u8]| {
        let mut v = if mode & 4 == 0 { header.to_vec() } else { Vec::new() };
        v.extend_from_slice(body);
        v
    };
    let roster = RosterImport::new(1).options(options).read(&with_header(ROSTER));
    let volunteers = match &roster {
        Ok(done) => {
            assert_eq!(done.values().len(), done.report().accepted());
            assert!(done.report().accepted() <= done.report().rows());
            done.values().to_vec()
        }
        Err(e) => {
            let _ = e.to_string();
            Vec::new()
        }
    };
    let index = VolunteerIndex::new(&volunteers);
    let records = RecordImport::new(2, OrgId::from_parts(0, 1), Actor::Staff(StaffId::from_parts(0, 2)))
        .activity(ActivityId::from_parts(0, 3))
        .volunteers(&index)
        .options(options)
        .read(&with_header(RECORDS));
    if let Ok(done) = records {
        assert_eq!(done.values().len(), done.report().accepted());
    }
});
