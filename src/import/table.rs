//! The table machinery both imports share: header matching, cell access and the row loop.

use csv::StringRecord;

use super::{
    ImportError, ImportOptions, ImportReport, Imported, RowError, RowPolicy, RowProblem,
    UnknownColumns, decode,
};

/// The longest header cell that is matched against the column names, in bytes.
const MAX_HEADER_BYTES: usize = 256;

/// The longest record (row) read, in bytes: the CSV reader's buffers grow to several times
/// the longest record, so longer ones refuse the input before it is parsed.
pub(super) const MAX_RECORD_BYTES: usize = 1 << 20;

/// The longest cell read, in bytes: longer cells are reported without being parsed.
pub(super) const MAX_CELL_BYTES: usize = 4096;

/// A column of an import: its canonical name and its accepted header aliases.
pub(super) trait Column: Copy + Eq + 'static {
    /// Every column.
    const ALL: &'static [Self];
    /// The canonical (English, snake-case) name.
    fn name(self) -> &'static str;
    /// Other accepted headers, already normalised.
    fn aliases(self) -> &'static [&'static str];
    /// The name with its main Chinese aliases, for a missing-column message.
    fn label(self) -> &'static str;
}

/// Normalises a header cell: trimmed, `*` marks dropped, ASCII lower-cased, spaces and `-`
/// as `_`.
fn normalise(header: &str) -> String {
    header
        .trim_start_matches('\u{FEFF}')
        .replace(['*', '＊'], "")
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Cuts a value to 40 characters, masking it (first and last character kept) when it has a
/// run of 7 or more digits, as ID and phone numbers do.
pub(super) fn echo(value: &str) -> String {
    let short: String = value.chars().take(40).collect();
    if !has_digit_run(&short) {
        return short;
    }
    let n = short.chars().count();
    short
        .chars()
        .enumerate()
        .map(|(i, c)| if i == 0 || i + 1 == n { c } else { '*' })
        .collect()
}

/// Whether `text` has a run of 7 or more ASCII digits.
fn has_digit_run(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= 7
    })
}

/// The header row, mapped to columns.
pub(super) struct Header<C> {
    columns: Vec<Option<C>>,
    written: Vec<String>,
}

impl<C: Column> Header<C> {
    fn parse(record: &StringRecord, unknown: UnknownColumns) -> Result<Self, ImportError> {
        let mut columns: Vec<Option<C>> = Vec::with_capacity(record.len());
        let mut written = Vec::with_capacity(record.len());
        for (i, cell) in record.iter().enumerate() {
            // No column name is long: skip normalising a huge cell.
            let key = if cell.len() > MAX_HEADER_BYTES {
                String::from("?")
            } else {
                normalise(cell)
            };
            let column = C::ALL
                .iter()
                .copied()
                .find(|c| c.name() == key || c.aliases().contains(&key.as_str()));
            match column {
                Some(c) => {
                    if let Some(first) = columns.iter().position(|x| *x == Some(c)) {
                        return Err(ImportError::DuplicateColumn {
                            column: c.name(),
                            first: first + 1,
                            second: i + 1,
                        });
                    }
                }
                // Spreadsheets often export trailing empty header cells.
                None if key.is_empty() => {}
                None if unknown == UnknownColumns::Reject => {
                    return Err(ImportError::UnknownColumn {
                        header: echo(cell),
                        position: i + 1,
                    });
                }
                None => {}
            }
            columns.push(column);
            written.push(echo(cell.trim()));
        }
        Ok(Self { columns, written })
    }

    /// Whether the header has `column`.
    pub(super) fn has(&self, column: C) -> bool {
        self.columns.contains(&Some(column))
    }

    /// Fails unless the header has `column`.
    pub(super) fn require(&self, column: C) -> Result<(), ImportError> {
        if self.has(column) {
            Ok(())
        } else {
            Err(ImportError::MissingColumn {
                column: column.label(),
            })
        }
    }
}

/// One data row being read: cell access and the problems found so far.
pub(super) struct Row<'a, C> {
    line: u64,
    header: &'a Header<C>,
    record: &'a StringRecord,
    errors: Vec<RowError>,
}

impl<'a, C: Column> Row<'a, C> {
    /// The 1-based line where the row starts.
    pub(super) const fn line(&self) -> u64 {
        self.line
    }

    /// Whether the header has `column`.
    pub(super) fn has(&self, column: C) -> bool {
        self.header.has(column)
    }

    /// The trimmed cell of `column`; `None` when the column is absent or the cell empty.
    pub(super) fn get(&self, column: C) -> Option<&'a str> {
        let i = self
            .header
            .columns
            .iter()
            .position(|c| *c == Some(column))?;
        let raw = self.record.get(i)?.trim();
        let value = match raw.strip_prefix('\'') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
            _ => raw,
        };
        (!value.is_empty()).then_some(value)
    }

    /// The header of `column` as written, or its canonical name when absent.
    pub(super) fn column(&self, column: C) -> String {
        self.header
            .columns
            .iter()
            .position(|c| *c == Some(column))
            .and_then(|i| self.header.written.get(i))
            .map_or_else(|| column.name().to_owned(), Clone::clone)
    }

    /// Records a problem in `column` (or in the row as a whole).
    pub(super) fn fail(&mut self, column: Option<C>, problem: impl Into<RowProblem>) {
        let column = column.map(|c| self.column(c));
        self.errors
            .push(RowError::new(self.line, column, problem.into()));
    }

    /// Records a problem with `value` in `column`. Some decoders echo a rejected value in
    /// full (a division code or an e-mail address is not private), but a misplaced ID or
    /// phone number must not be: such a problem is replaced by a masked
    /// [`RowProblem::Unrecognised`].
    pub(super) fn fail_cell(&mut self, column: C, value: &str, problem: impl Into<RowProblem>) {
        let problem = problem.into();
        let problem = if has_digit_run(&problem.to_string()) && has_digit_run(value) {
            RowProblem::Unrecognised {
                value: echo(value),
                expected: "valid here (a value with a run of 7 or more digits, shown masked)",
            }
        } else {
            problem
        };
        self.fail(Some(column), problem);
    }

    /// Whether a problem was found in the row.
    pub(super) fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Parses an optional cell; a bad value is recorded and gives `None`.
    pub(super) fn optional<T, E: Into<RowProblem>>(
        &mut self,
        column: C,
        parse: impl FnOnce(&'a str) -> Result<T, E>,
    ) -> Option<T> {
        let value = self.get(column)?;
        match parse(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail_cell(column, value, e);
                None
            }
        }
    }

    /// Parses a required cell; an empty or bad value is recorded and gives `None`.
    pub(super) fn required<T, E: Into<RowProblem>>(
        &mut self,
        column: C,
        parse: impl FnOnce(&'a str) -> Result<T, E>,
    ) -> Option<T> {
        if self.get(column).is_none() {
            self.fail(Some(column), RowProblem::Missing);
            return None;
        }
        self.optional(column, parse)
    }
}

/// Turns record byte offsets into 1-based line numbers. The csv reader's own line count
/// skips blank lines, and its offset for a record after blank lines points at the first
/// blank line, so both are corrected here.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record whose offset is `byte` (offsets must not decrease).
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).max(self.at);
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let seen = self.text.get(self.at..start).unwrap_or_default();
        self.line += seen.split(|b| *b == b'\n').skip(1).fold(0, |n, _| n + 1);
        self.at = start;
        self.line
    }
}

/// Finds the first record longer than [`MAX_RECORD_BYTES`], following the CSV reader's
/// quoting rules (a quote opens a quoted field only at the start of a field; `""` inside
/// one is a quote; CR or LF outside quotes ends a record). Allocates nothing.
fn check_record_lengths(text: &str) -> Result<(), ImportError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut start, mut line, mut start_line) = (State::FieldStart, 0, 1_u64, 1_u64);
    for (i, b) in text.bytes().enumerate() {
        let end_of_record = matches!(b, b'\r' | b'\n') && state != State::Quoted;
        if b == b'\n' {
            line += 1;
        }
        if end_of_record {
            state = State::FieldStart;
            start = i + 1;
            start_line = line;
            continue;
        }
        if i - start > MAX_RECORD_BYTES {
            return Err(ImportError::RecordTooLong {
                line: start_line,
                limit: MAX_RECORD_BYTES,
            });
        }
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::FieldStart | State::QuoteInQuoted, b'"') | (State::Quoted, _) => State::Quoted,
            (_, b',') => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    Ok(())
}

/// Decodes `bytes`, reads the header, checks it, and runs `per_row` on every non-blank data
/// row. A row is accepted when `per_row` returns a value and recorded no problem.
pub(super) fn run<C: Column, T>(
    bytes: &[u8],
    options: ImportOptions,
    check_header: impl FnOnce(&Header<C>) -> Result<(), ImportError>,
    mut per_row: impl FnMut(&mut Row<'_, C>) -> Option<T>,
) -> Result<Imported<T>, ImportError> {
    if bytes.len() > options.max_bytes {
        return Err(ImportError::TooLarge {
            len: bytes.len(),
            limit: options.max_bytes,
        });
    }
    let (text, encoding) = decode(bytes, options.decode)?;
    check_record_lengths(&text)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut counter = LineCounter {
        text: text.as_bytes(),
        at: 0,
        line: 1,
    };
    let csv_error = |e: &csv::Error| ImportError::Csv {
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string().chars().take(200).collect(),
    };
    let header = match records.next() {
        None => return Err(ImportError::Empty),
        Some(Err(e)) => return Err(csv_error(&e)),
        Some(Ok(r)) => Header::<C>::parse(&r, options.unknown_columns)?,
    };
    check_header(&header)?;
    let (mut values, mut lines, mut rejected, mut rows) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        let line = counter.line_of(record.position().map_or(0, csv::Position::byte));
        let mut row = Row {
            line,
            header: &header,
            record: &record,
            errors: Vec::new(),
        };
        let long = record
            .iter()
            .enumerate()
            .find(|(_, c)| c.len() > MAX_CELL_BYTES);
        if let Some((i, cell)) = long {
            let column = header.written.get(i).cloned();
            rejected.push(RowError::new(
                line,
                column,
                RowProblem::CellTooLong { len: cell.len() },
            ));
        } else if record.len() == header.columns.len() {
            let value = per_row(&mut row);
            match value {
                Some(v) if !row.failed() => {
                    values.push(v);
                    lines.push(line);
                }
                _ if row.failed() => rejected.append(&mut row.errors),
                // A parser that gives nothing must say why; treat silence as a bad row.
                _ => rejected.push(RowError::new(
                    line,
                    None,
                    RowProblem::Unrecognised {
                        value: String::new(),
                        expected: "a complete row",
                    },
                )),
            }
        } else {
            rejected.push(RowError::new(
                line,
                None,
                RowProblem::CellCount {
                    expected: header.columns.len(),
                    found: record.len(),
                },
            ));
        }
    }
    if options.rows == RowPolicy::AllOrNothing && !rejected.is_empty() {
        return Err(ImportError::Rejected { rows, rejected });
    }
    let accepted = values.len();
    Ok(Imported {
        values,
        lines,
        report: ImportReport {
            encoding,
            rows,
            accepted,
            rejected,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_masks_long_digit_runs_and_cuts() {
        assert_eq!(echo("2021-07-21"), "2021-07-21");
        assert_eq!(echo("360426199101010071"), "3****************1");
        assert_eq!(echo("tel 1391234567"), "t************7");
        assert_eq!(echo(&"x".repeat(100)).len(), 40);
    }

    #[test]
    fn long_records_are_found_with_their_line() {
        let quoted_newlines = "a\n".repeat(MAX_RECORD_BYTES / 2 + 1);
        let text = format!("h\n\"x\"\"y\",z\nok\n\"{quoted_newlines}\"\n");
        assert_eq!(
            check_record_lengths(&text),
            Err(ImportError::RecordTooLong {
                line: 4,
                limit: MAX_RECORD_BYTES
            })
        );
        let fine = "a,\"b\"\"c\"\n".repeat(MAX_RECORD_BYTES);
        assert_eq!(check_record_lengths(&fine), Ok(()));
    }

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise(" *Document-Number "), "document_number");
        assert_eq!(normalise("\u{FEFF}姓名＊"), "姓名");
    }
}
