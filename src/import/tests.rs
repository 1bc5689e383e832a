use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::{
    ActivityId, Actor, IdDocumentKind, MinorPolicy, Minutes, OrgId, Provenance, QualificationGraph,
    QualificationId, QualificationKind, RecordId, RecordKind, RegistrationChannel, Sex, StaffId,
    VolunteerId, VolunteerRegistry,
};

const ZHANG: &str = "360426199101010071"; // male, 1991-01-01
const LI: &str = "11010519491231002X"; // female, 1949-12-31
const BAD: &str = "360426199101010072"; // wrong check character

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable);
    bytes.into_owned()
}

fn keep_valid() -> ImportOptions {
    ImportOptions::default().rows(RowPolicy::KeepValid)
}

fn rejected(err: ImportError) -> Vec<RowError> {
    match err {
        ImportError::Rejected { rejected, .. } => rejected,
        other => panic!("expected rejected rows, got {other}"),
    }
}

fn roster() -> String {
    format!(
        "姓名,身份证号,志愿者编号,手机号,性别,出生日期,居住地区划代码,标签\n\
         张三,{ZHANG},JS-2021-000001,13912345678,男,1991-01-01,320115005,driver;medic\n\
         李四,{LI},JS-2021-000002,,,,,\n"
    )
}

#[test]
fn roster_rows_become_volunteers() {
    let done = RosterImport::new(1_000).read(roster().as_bytes()).unwrap();
    let [zhang, li] = done.values() else {
        panic!("two volunteers")
    };
    assert_eq!(zhang.id(), VolunteerId::from_parts(1_000, 2));
    assert_eq!(zhang.name().as_str(), "张三");
    assert_eq!(zhang.document().resident_id().unwrap().expose(), ZHANG);
    assert_eq!(zhang.contact().phone().unwrap().expose(), "13912345678");
    assert_eq!(zhang.home_division().unwrap().to_string(), "320115005");
    assert_eq!(zhang.tags().len(), 2);
    assert_eq!(zhang.channel(), RegistrationChannel::Import);
    // Birth date and sex come from the resident ID when the cells are empty.
    assert_eq!(
        li.birth_date(),
        NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
    );
    assert_eq!(li.sex(), Sex::Female);
    assert_eq!(done.lines(), &[2, 3]);
    assert_eq!(
        done.report().to_string(),
        "2 of 2 rows imported (utf-8), 0 rejected"
    );
}

#[test]
fn gbk_and_bom_files_read_the_same_as_utf8() {
    let utf8 = RosterImport::new(1).read(roster().as_bytes()).unwrap();
    let gbk_bytes = gbk(&roster());
    assert!(core::str::from_utf8(&gbk_bytes).is_err());
    let from_gbk = RosterImport::new(1).read(&gbk_bytes).unwrap();
    assert_eq!(from_gbk.values(), utf8.values());
    assert_eq!(from_gbk.report().encoding(), TextEncoding::Gb18030);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(roster().as_bytes());
    let from_bom = RosterImport::new(1).read(&bom).unwrap();
    assert_eq!(from_bom.values(), utf8.values());
    assert_eq!(from_bom.report().encoding(), TextEncoding::Utf8Bom);
}

#[test]
fn the_gbk_fixture_file_is_read() {
    let bytes: &[u8] = include_bytes!("../../tests/data/roster-gbk.csv");
    assert!(bytes.contains(&0xD5), "the fixture is GBK: 张 is D5 C5");
    let mut graph = QualificationGraph::new();
    graph
        .add_kind(
            QualificationKind::new(QualificationId::from_parts(1, 1), "急救员", Some(36)).unwrap(),
        )
        .unwrap();
    let done = RosterImport::new(1)
        .options(keep_valid().unknown_columns(UnknownColumns::Ignore))
        .qualifications(&graph)
        .read(bytes)
        .unwrap();
    assert_eq!(done.report().encoding(), TextEncoding::Gb18030);
    assert_eq!(done.values()[0].name().as_str(), "张三");
    insta::assert_snapshot!(done.report(), @r#"
    2 of 6 rows imported (gb18030), 4 rejected
      line 4, column 身份证号: resident id 3****************2 has check character '2': expected '1' (ISO 7064 MOD 11-2)
      line 4, column 手机号: phone number 139***4567 is not a mainland mobile number: expected 11 digits 1[3-9]xxxxxxxxx
      line 5, column 性别: volunteer 00000000-0001-7000-8000-000000000005 declared sex female, which does not match the resident id (ID-06)
      line 6, column 身份证号: identity document resident_id 3****************1 is also on line 2 (VOL-05)
      line 7, column 身份证号: resident id 4****************X has check character 'X': expected '4' (ISO 7064 MOD 11-2)
      line 7, column 居住地区划代码: "3*****0" is not valid here (a value with a run of 7 or more digits, shown masked)
      line 7, column 资质: qualification "心理咨询师" is not in the qualification graph
    "#);
}

#[test]
fn undecodable_bytes_are_refused_not_garbled() {
    let mut bytes = roster().into_bytes();
    bytes.extend_from_slice(b"\xFF\xFE,x\n");
    assert!(matches!(
        RosterImport::new(1).read(&bytes),
        Err(ImportError::NotText { .. })
    ));
    let latin1 = b"name,document_number,volunteer_no\nRen\xE9e M\xFCller,E12345,N-1\n";
    assert!(matches!(
        RosterImport::new(1).read(latin1),
        Err(ImportError::Implausible { .. })
    ));
}

#[test]
fn every_bad_row_is_reported_with_line_and_column() {
    let csv = format!(
        "姓名,身份证号,志愿者编号,手机号\n\
         张三,{ZHANG},JS-1,13912345678\n\
         ,{BAD},JS-2,12345\n\
         王五,{LI},{LI},\n\
         赵六,36042619910101007,JS-4,\n"
    );
    let all = rejected(RosterImport::new(1).read(csv.as_bytes()).unwrap_err());
    let summary: Vec<String> = all.iter().map(ToString::to_string).collect();
    insta::assert_debug_snapshot!(summary, @r#"
    [
        "line 3, column 姓名: value is required",
        "line 3, column 身份证号: resident id 3****************2 has check character '2': expected '1' (ISO 7064 MOD 11-2)",
        "line 3, column 手机号: phone number 1**45 is not a mainland mobile number: expected 11 digits 1[3-9]xxxxxxxxx",
        "line 4, column 志愿者编号: volunteer number 1****************X looks like a resident id number: a volunteer number must not be an id number (VOL-06)",
        "line 5, column 身份证号: resident id 3***************7 has 17 characters: expected 18",
    ]
    "#);
    // Under the default policy nothing was imported; the error names the count.
    let err = RosterImport::new(1).read(csv.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("3 of 4 rows rejected, nothing imported; first: line 3, column 姓名"),
        "{err}"
    );
}

#[test]
fn keep_valid_returns_the_good_rows_with_the_report() {
    let csv = format!(
        "name,document_number,volunteer_no\n\
         张三,{ZHANG},JS-1\n\
         李四,{BAD},JS-2\n\
         王五,{LI},JS-3\n"
    );
    let done = RosterImport::new(1)
        .options(keep_valid())
        .read(csv.as_bytes())
        .unwrap();
    assert_eq!(done.lines(), &[2, 4]);
    assert_eq!(done.report().rows(), 3);
    assert_eq!(done.report().accepted(), 2);
    assert_eq!(done.report().rejected().len(), 1);
    assert_eq!(done.report().rejected()[0].line(), 3);
    assert_eq!(
        done.report().rejected()[0].column(),
        Some("document_number")
    );
    assert!(
        done.report()
            .to_string()
            .starts_with("2 of 3 rows imported (utf-8), 1 rejected\n  line 3")
    );
}

#[test]
fn no_message_shows_a_full_id_or_phone_number() {
    let csv = format!(
        "name,document_number,volunteer_no,phone,birth_date\n\
         张三,{BAD},JS-1,1391234567,{ZHANG}\n\
         张三,{ZHANG},JS-2,,{ZHANG}\n\
         李四,{ZHANG},{ZHANG},,\n"
    );
    let err = RosterImport::new(1).read(csv.as_bytes()).unwrap_err();
    let text = format!("{err} {err:?}");
    for secret in [BAD, ZHANG, "1391234567", &ZHANG[1..17], &BAD[1..17]] {
        assert!(!text.contains(secret), "{secret} leaked in {text}");
    }
    assert!(rejected(err).len() >= 5);
}

#[test]
fn duplicates_by_document_name_both_lines() {
    // The same person as an 18-character and a legacy 15-digit number (VOL-05).
    let csv = "name,document_number,volunteer_no\n\
               李四,11010519491231002X,JS-1\n\
               张三,360426199101010071,JS-2\n\
               李四,110105491231002,JS-3\n\
               张三,360426199101010071,JS-2\n";
    let all = rejected(RosterImport::new(1).read(csv.as_bytes()).unwrap_err());
    let summary: Vec<String> = all.iter().map(ToString::to_string).collect();
    insta::assert_debug_snapshot!(summary, @r#"
    [
        "line 4, column document_number: identity document resident_id 1****************X is also on line 2 (VOL-05)",
        "line 5, column document_number: identity document resident_id 3****************1 is also on line 3 (VOL-05)",
        "line 5, column volunteer_no: volunteer number JS-2 is also on line 3",
    ]
    "#);
    assert!(matches!(
        all[0].problem(),
        RowProblem::DuplicateDocument { first_line: 2, .. }
    ));
    // Keeping the valid rows keeps the first of each pair.
    let done = RosterImport::new(1)
        .options(keep_valid())
        .read(csv.as_bytes())
        .unwrap();
    assert_eq!(done.lines(), &[2, 3]);
}

#[test]
fn other_documents_need_birth_date_and_sex() {
    let csv = "name,document_kind,document_number,volunteer_no,birth_date,sex\n\
               John,护照,e1234567,P-1,1990/5/6,M\n\
               Jane,passport,E7654321,P-2,,\n\
               Jim,驾驶证,E7654322,P-3,1990-01-01,M\n";
    let done = RosterImport::new(1)
        .options(keep_valid())
        .read(csv.as_bytes())
        .unwrap();
    let john = &done.values()[0];
    assert_eq!(
        john.document().kind_str(),
        IdDocumentKind::Passport.as_str()
    );
    assert_eq!(
        john.birth_date(),
        NaiveDate::from_ymd_opt(1990, 5, 6).unwrap()
    );
    let errors: Vec<(u64, Option<&str>)> = done
        .report()
        .rejected()
        .iter()
        .map(|e| (e.line(), e.column()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, Some("birth_date")),
            (3, Some("sex")),
            (4, Some("document_kind"))
        ]
    );
}

#[test]
fn declared_birth_date_and_sex_must_match_the_id() {
    let csv = format!("姓名,身份证号,志愿者编号,性别,出生日期\n张三,{ZHANG},JS-1,男,1991-01-02\n");
    let all = rejected(RosterImport::new(1).read(csv.as_bytes()).unwrap_err());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].column(), Some("出生日期"));
    assert!(matches!(
        all[0].problem(),
        RowProblem::Volunteer(crate::VolunteerError::BirthDateMismatch { .. })
    ));
}

#[test]
fn qualifications_are_looked_up_in_the_graph() {
    let first_aid = QualificationId::from_parts(1, 1);
    let mut graph = QualificationGraph::new();
    graph
        .add_kind(QualificationKind::new(first_aid, "急救员", Some(36)).unwrap())
        .unwrap();
    let csv = format!(
        "姓名,身份证号,志愿者编号,资质\n\
         张三,{ZHANG},JS-1,急救员@2020-05-01\n\
         李四,{LI},JS-2,心理咨询师@2020-05-01；急救员\n"
    );
    let import = RosterImport::new(1)
        .options(keep_valid())
        .qualifications(&graph);
    let done = import.read(csv.as_bytes()).unwrap();
    let grant = done.values()[0].qualifications()[0];
    assert_eq!(grant.qualification(), first_aid);
    assert_eq!(grant.expires_on(), NaiveDate::from_ymd_opt(2023, 5, 1));
    let problems: Vec<String> = done
        .report()
        .rejected()
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_debug_snapshot!(problems, @r#"
    [
        "line 3, column 资质: qualification \"心理咨询师\" is not in the qualification graph",
        "line 3, column 资质: \"急救员\" is not a qualification as name@YYYY-MM-DD",
    ]
    "#);
}

#[test]
fn header_problems_refuse_the_whole_input() {
    let import = RosterImport::new(1);
    assert_eq!(import.read(b""), Err(ImportError::Empty));
    assert_eq!(
        import.read("姓名,志愿者编号\n".as_bytes()),
        Err(ImportError::MissingColumn {
            column: "document_number (证件号码, 身份证号)"
        })
    );
    assert_eq!(
        import.read("姓名,身份证号,证件号码,志愿者编号\n".as_bytes()),
        Err(ImportError::DuplicateColumn {
            column: "document_number",
            first: 2,
            second: 3
        })
    );
    let with_serial = format!("序号,*姓名,身份证号,Volunteer No,,\n1,张三,{ZHANG},JS-1,,\n");
    let err = import.read(with_serial.as_bytes()).unwrap_err();
    insta::assert_snapshot!(err, @r#"header has unknown column "序号" in position 1"#);
    // A file without a header row: the first ID number is echoed masked.
    let headless = format!("{ZHANG},张三,JS-1\n");
    insta::assert_snapshot!(
        import.read(headless.as_bytes()).unwrap_err(),
        @r#"header has unknown column "3****************1" in position 1"#
    );
    let lenient = import.options(ImportOptions::default().unknown_columns(UnknownColumns::Ignore));
    assert_eq!(
        lenient.read(with_serial.as_bytes()).unwrap().values().len(),
        1
    );
}

#[test]
fn short_rows_blank_rows_and_quoted_newlines() {
    let csv = format!(
        "name,document_number,volunteer_no,tags\n\
         \"张\n三\",{ZHANG},JS-1,\n\
         ,,,\n\
         \n\
         李四,{LI}\n"
    );
    let all = rejected(RosterImport::new(1).read(csv.as_bytes()).unwrap_err());
    // The quoted name spans lines 2-3 and is refused (a control character); the short row
    // is on line 6; blank rows are skipped, not counted.
    let lines: Vec<(u64, String)> = all.iter().map(|e| (e.line(), e.to_string())).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0].0, 2);
    assert_eq!(
        lines[1].1,
        "line 6: row has 2 cells: expected 4 as in the header"
    );
}

#[test]
fn excel_text_marks_are_dropped() {
    let csv = format!("name,document_number,volunteer_no,phone\n张三,'{ZHANG},JS-1,'13912345678\n");
    let done = RosterImport::new(1).read(csv.as_bytes()).unwrap();
    assert_eq!(
        done.values()[0].contact().phone().unwrap().expose(),
        "13912345678"
    );
}

#[test]
fn huge_cells_are_reported_not_parsed() {
    let huge = "张".repeat(2000);
    let csv = format!("name,document_number,volunteer_no\n{huge},{ZHANG},JS-1\n");
    let all = rejected(RosterImport::new(1).read(csv.as_bytes()).unwrap_err());
    assert_eq!(
        all[0].to_string(),
        "line 2, column name: cell has 6000 bytes: expected at most 4096"
    );
    let header = format!("{huge},document_number\n");
    assert!(matches!(
        RosterImport::new(1).read(header.as_bytes()),
        Err(ImportError::UnknownColumn { position: 1, .. })
    ));
}

#[test]
fn inputs_over_the_limit_are_refused_before_decoding() {
    let import = RosterImport::new(1).options(ImportOptions::default().max_bytes(10));
    assert_eq!(
        import.read(&[0xFF; 11]),
        Err(ImportError::TooLarge { len: 11, limit: 10 })
    );
}

fn records_csv() -> String {
    format!(
        "身份证号,姓名,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长,类型\n\
         {ZHANG},张三,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5,服务\n\
         {LI},李四,夜间值守,禄口街道,居民,值守,2021/7/21,22:00,06:00,,\n"
    )
}

fn registry() -> VolunteerRegistry {
    let mut r = VolunteerRegistry::new(MinorPolicy::default());
    let day = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
    for v in RosterImport::new(7)
        .read(roster().as_bytes())
        .unwrap()
        .into_values()
    {
        r.register(v, day).unwrap();
    }
    r
}

fn record_import() -> RecordImport<'static> {
    RecordImport::new(
        2_000,
        OrgId::from_parts(0, 1),
        Actor::Staff(StaffId::from_parts(0, 2)),
    )
    .activity(ActivityId::from_parts(0, 3))
}

#[test]
fn paper_records_become_imported_service_records() {
    let registry = registry();
    let import = record_import().volunteers(&registry);
    let done = import.read(records_csv().as_bytes()).unwrap();
    let [day, night] = done.values() else {
        panic!("two records")
    };
    let zhang = registry
        .by_volunteer_no(&"JS-2021-000001".parse().unwrap())
        .unwrap();
    assert_eq!(day.volunteer(), zhang.id());
    assert_eq!(day.id(), RecordId::from_parts(2_000, 2));
    assert_eq!(day.duration(), Minutes::new(210));
    assert_eq!(day.provenance(), Provenance::Import);
    assert_eq!(day.kind(), RecordKind::Service);
    assert_eq!(day.organiser(), OrgId::from_parts(0, 1));
    assert_eq!(
        day.served().start().to_rfc3339(),
        "2021-07-21T08:00:00+08:00"
    );
    // A night shift ends the next morning; the duration defaults to the served interval.
    assert_eq!(
        night.served().end().to_rfc3339(),
        "2021-07-22T06:00:00+08:00"
    );
    assert_eq!(night.duration(), Minutes::new(480));
    // The same file in GBK gives the same records.
    let from_gbk = import.read(&gbk(&records_csv())).unwrap();
    assert_eq!(from_gbk.values(), done.values());
}

#[test]
fn record_rows_are_checked_and_reported() {
    let registry = registry();
    let csv = format!(
        "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
         {ZHANG},登记,禄口,居民,登记,2021-07-21,08:00,12:00,5\n\
         {BAD},登记,禄口,居民,登记,2021-07-32,8点,12:00,0.33\n\
         440524188001010014,登记,禄口,居民,登记,2021-07-21,08:00,12:00,\n\
         {ZHANG},登记,禄口,居民,,2021-07-21,08:00,12:00,\n\
         {ZHANG},登记,禄口,居民,登记,2021-07-21,08:00,12:00,4:00\n\
         {ZHANG},登记,禄口,居民,登记,2021-07-21,8:00,12:00,2:00\n"
    );
    let err = record_import()
        .volunteers(&registry)
        .read(csv.as_bytes())
        .unwrap_err();
    let summary: Vec<String> = rejected(err).iter().map(ToString::to_string).collect();
    insta::assert_debug_snapshot!(summary, @r#"
    [
        "line 2, column 服务时长: record 00000000-07d0-7000-8000-000000000002: duration 5:00 exceeds the served interval of 4:00",
        "line 3, column 身份证号: resident id 3****************2 has check character '2': expected '1' (ISO 7064 MOD 11-2)",
        "line 3, column 服务日期: \"2021-07-32\" is not a date: YYYY-MM-DD, YYYY/M/D, YYYYMMDD or YYYY年M月D日",
        "line 3, column 开始时间: \"8点\" is not a time of day: HH:MM",
        "line 3, column 服务时长: \"0.33\" is not a duration: H:MM or hours such as 3.5 (whole minutes)",
        "line 4, column 身份证号: no volunteer known with identity document resident_id 4****************4",
        "line 5, column 服务内容: value is required",
        "line 7: the same volunteer, activity and served interval are also on line 6",
    ]
    "#);
}

#[test]
fn the_recorder_is_never_the_volunteer() {
    let registry = registry();
    let zhang = registry
        .by_volunteer_no(&"JS-2021-000001".parse().unwrap())
        .unwrap();
    let csv = "volunteer_id,activity_name,place,beneficiary,content,date,start,end\n";
    let csv = format!("{csv}{},a,b,c,d,2021-07-21,08:00,09:00\n", zhang.id());
    let import = RecordImport::new(1, OrgId::from_parts(0, 1), Actor::Volunteer(zhang.id()))
        .activity(ActivityId::from_parts(0, 3));
    let all = rejected(import.read(csv.as_bytes()).unwrap_err());
    assert!(matches!(
        all[0].problem(),
        RowProblem::Record(crate::RecordError::SelfRecorded { .. })
    ));
}

#[test]
fn record_headers_need_a_volunteer_and_an_activity() {
    let base = "activity_name,place,beneficiary,content,date,start,end";
    let no_volunteer = record_import().read(format!("{base}\n").as_bytes());
    insta::assert_snapshot!(no_volunteer.unwrap_err(), @"header has no column volunteer_id, document_number (身份证号) or volunteer_no (志愿者编号): it is required");
    let no_activity = RecordImport::new(
        1,
        OrgId::from_parts(0, 1),
        Actor::Staff(StaffId::from_parts(0, 2)),
    )
    .read(format!("volunteer_no,{base}\n").as_bytes());
    assert_eq!(
        no_activity,
        Err(ImportError::MissingColumn {
            column: "activity_id (活动ID), or a default activity"
        })
    );
}

#[test]
fn records_name_volunteers_by_number_through_an_index() {
    let volunteers = RosterImport::new(7)
        .read(roster().as_bytes())
        .unwrap()
        .into_values();
    let index = VolunteerIndex::new(&volunteers);
    let csv = "志愿者编号,活动ID,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,记录类型\n\
               JS-2021-000002,017ac65c-ac00-7000-8000-000000000009,培训课,街道,志愿者,急救培训,20210721,9:00,11:00,培训\n";
    let import = RecordImport::new(
        1,
        OrgId::from_parts(0, 1),
        Actor::Staff(StaffId::from_parts(0, 2)),
    )
    .volunteers(&index);
    let rec = &import.read(csv.as_bytes()).unwrap().into_values()[0];
    assert_eq!(rec.volunteer(), volunteers[1].id());
    assert_eq!(rec.kind(), RecordKind::Training);
    assert_eq!(
        rec.activity().to_string(),
        "017ac65c-ac00-7000-8000-000000000009"
    );
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(ZHANG.to_owned()),
        Just(LI.to_owned()),
        Just("JS-1".to_owned()),
        Just("2021-07-21".to_owned()),
        Just("08:00".to_owned()),
        Just("12:00".to_owned()),
        Just("\"".to_owned()),
        "\\PC{0,12}",
        "[0-9Xx:./年月日-]{0,20}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = RosterImport::new(1).read(&bytes);
        let _ = record_import().read(&bytes);
    }

    #[test]
    fn arbitrary_rows_give_values_or_typed_row_errors(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..10), 0..6),
        records in proptest::bool::ANY,
    ) {
        let header = if records {
            "document_number,activity_name,place,beneficiary,content,date,start,end,duration"
        } else {
            "name,document_number,volunteer_no,birth_date,sex,phone,email,home_division,tags"
        };
        let body: Vec<String> = rows.iter().map(|r| r.join(",")).collect();
        let csv = format!("{header}\n{}\n", body.join("\n"));
        let registry = registry();
        let result = if records {
            record_import().volunteers(&registry).options(keep_valid()).read(csv.as_bytes()).map(|d| d.report().clone())
        } else {
            RosterImport::new(1).options(keep_valid()).read(csv.as_bytes()).map(|d| d.report().clone())
        };
        match result {
            Ok(report) => {
                prop_assert!(report.accepted() <= report.rows());
                for e in report.rejected() {
                    prop_assert!(e.line() >= 2);
                    let text = e.to_string();
                    prop_assert!(!text.contains(ZHANG) && !text.contains(LI), "{}", text);
                }
            }
            Err(e) => prop_assert!(matches!(e, ImportError::Csv { .. }), "{e}"),
        }
    }
}
