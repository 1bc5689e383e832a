//! Masking of personal numbers (PRIV-03): resident IDs, other ID documents and phone numbers.

/// How much of a personal number a view may show (PRIV-03).
///
/// No national masking pattern exists; the defaults follow common practice:
/// [`Public`](Self::Public) keeps the first and the last character, [`Admin`](Self::Admin)
/// keeps the first 6 and the last 4 of an 18-character resident ID number
/// (`110105********002X`). `Display` and `Debug` always use [`Public`](Self::Public).
///
/// # Example
/// ```
/// use volunteer_service::{MaskLevel, ResidentId};
/// let id: ResidentId = "11010519491231002X".parse()?;
/// assert_eq!(id.masked(MaskLevel::Public), "1****************X");
/// assert_eq!(id.masked(MaskLevel::Admin), "110105********002X");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum MaskLevel {
    /// Public views and logs: first 1 + last 1 character.
    #[default]
    Public,
    /// Administrator views: first 6 + last 4 characters of a resident ID number (fewer for
    /// shorter document numbers).
    Admin,
}

/// Keeps the first `first` and the last `last` characters and stars the rest. A value no longer
/// than `first + last` is starred entirely, so a mask never shows the whole value.
pub(crate) fn keep(value: &str, first: usize, last: usize) -> String {
    let n = value.chars().count();
    if n <= first + last {
        return "*".repeat(n.max(1));
    }
    let mut out = String::with_capacity(n);
    for (i, c) in value.chars().enumerate() {
        if i < first || i >= n - last {
            out.push(c);
        } else {
            out.push('*');
        }
    }
    out
}

/// A bounded, masked echo of rejected input for error messages: at most 40 characters, with
/// the first and last character kept, so that no error ever contains a full number.
pub(crate) fn echo(value: &str) -> String {
    let short: String = value.chars().take(40).collect();
    keep(&short, 1, 1)
}

/// A bounded echo of rejected input for the messages of decoders whose values are not
/// private (codes, hashes, identifiers, names, addresses): at most `max` characters, shown as
/// given unless they hold a digit run that could be a phone or ID number typed into the wrong
/// field; such an echo is masked like [`echo`].
///
/// A maximal run of ASCII digits counts as private when it has 11, 13 or 14 digits (a
/// mobile number, with or without a country code), 15 or 17 digits not followed by a letter
/// other than `X` (a legacy ID; an ID number with its check character `X`, or one digit
/// short), or 18 or more. Twelve digits are a village-level division code, and a 15- or
/// 17-digit run followed by another letter is the body of a unified social credit code:
/// both are public and shown.
pub(crate) fn echo_public(value: &str, max: usize) -> String {
    let short: String = value.chars().take(max).collect();
    if has_private_digits(&short) {
        keep(&short, 1, 1)
    } else {
        short
    }
}

fn has_private_digits(text: &str) -> bool {
    let mut run = 0_usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii_digit() {
            run = 0;
            continue;
        }
        run += 1;
        if chars.peek().is_some_and(char::is_ascii_digit) {
            continue;
        }
        let next_letter = chars
            .peek()
            .is_some_and(|n| n.is_ascii_alphabetic() && !matches!(n, 'X' | 'x'));
        let private = match run {
            11 | 13 | 14 => true,
            15 | 17 => !next_letter,
            n => n >= 18,
        };
        if private {
            return true;
        }
    }
    false
}

/// The number of characters of a document number an admin view keeps at each end: 6 and 4
/// for 18 characters, and never more than a third at the front and a quarter at the back.
pub(crate) fn admin_keep(len: usize) -> (usize, usize) {
    ((len / 3).clamp(1, 6), (len / 4).clamp(1, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_never_shows_a_short_value() {
        assert_eq!(keep("12", 1, 1), "**");
        assert_eq!(keep("", 1, 1), "*");
        assert_eq!(keep("12345", 1, 1), "1***5");
        assert_eq!(admin_keep(18), (6, 4));
        assert_eq!(admin_keep(5), (1, 1));
    }

    #[test]
    fn public_echoes_mask_phone_and_id_numbers() {
        assert_eq!(echo_public("320115005", 32), "320115005");
        assert_eq!(echo_public("not-a-uuid", 64), "not-a-uuid");
        assert_eq!(echo_public("13912345678", 32), "1*********8");
        assert_eq!(
            echo_public("id 360426199101010071!", 32),
            "i********************!"
        );
        assert_eq!(echo_public("11010519491231002X", 32), "1****************X");
        assert_eq!(echo_public("110105491231002", 32), "1*************2");
        assert_eq!(echo_public("+8613912345678", 32), "+************8");
        // The body of a unified social credit code is public.
        assert_eq!(echo_public("91110000600037341M", 32), "91110000600037341M");
        assert_eq!(echo_public("9A110000600037341L", 32), "9A110000600037341L");
        assert_eq!(echo_public("320115005001", 32), "320115005001");
        assert_eq!(echo_public(&"x".repeat(100), 32).len(), 32);
    }
}
