//! Text decoding: UTF-8 (with or without a byte order mark) and GBK/GB18030, or a typed
//! refusal. Never a lossy decode.

use std::borrow::Cow;
use std::fmt;

use super::ImportError;

/// The encoding an input was read in.
///
/// # Example
/// ```
/// use volunteer_service::import::{decode, Decode, TextEncoding};
/// let (text, encoding) = decode(b"\xEF\xBB\xBFname\n", Decode::Detect)?;
/// assert_eq!((text.as_ref(), encoding), ("name\n", TextEncoding::Utf8Bom));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    /// GB18030, which includes GBK and GB2312 (as Excel and WPS write CSV on Chinese Windows).
    Gb18030,
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Utf8 => "utf-8",
            Self::Utf8Bom => "utf-8 with bom",
            Self::Gb18030 => "gb18030",
        })
    }
}

/// How to decode an input's bytes.
///
/// # Example
/// ```
/// use volunteer_service::import::{decode, Decode};
/// assert!(decode(b"\xD5\xC5\xC8\xFD", Decode::Utf8).is_err());
/// assert_eq!(decode(b"\xD5\xC5\xC8\xFD", Decode::Gb18030)?.0, "张三");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Decode {
    /// A UTF-8 byte order mark means UTF-8; else valid UTF-8 is UTF-8; else the bytes must
    /// be well-formed GB18030 that reads as plausible Chinese text, or the input is refused.
    #[default]
    Detect,
    /// UTF-8 only (a leading byte order mark is dropped).
    Utf8,
    /// GB18030 (and so GBK) only, without the plausibility check.
    Gb18030,
}

/// Why bytes that are well-formed GB18030 were still refused as text.
///
/// # Example
/// ```
/// use volunteer_service::import::{decode, Decode, ImportError, Implausible};
/// // Latin-1 "Renée Müller" is well-formed GBK, but only as rare characters.
/// let err = decode(b"Ren\xE9e M\xFCller", Decode::Detect).unwrap_err();
/// assert!(matches!(err, ImportError::Implausible { reason: Implausible::RareCharacters { .. }, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Implausible {
    /// The text would contain a control character other than tab, line feed and carriage
    /// return.
    Control {
        /// The code point.
        code_point: u32,
    },
    /// The text would contain a private-use character (GBK's user-defined areas).
    PrivateUse {
        /// The code point.
        code_point: u32,
    },
    /// Most two- and four-byte characters fall outside GB2312's common characters, as
    /// Latin-1 or binary data read as GBK does.
    RareCharacters {
        /// Characters from GB2312's area.
        common: usize,
        /// Other multi-byte characters.
        rare: usize,
    },
}

impl fmt::Display for Implausible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Control { code_point } => write!(f, "control character U+{code_point:04X}"),
            Self::PrivateUse { code_point } => {
                write!(f, "private-use character U+{code_point:04X}")
            }
            Self::RareCharacters { common, rare } => write!(
                f,
                "{rare} rare multi-byte characters against {common} common ones"
            ),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` as text, detecting the encoding or insisting on one.
///
/// Returns the text (borrowed when it is UTF-8) and the encoding used. A decode never
/// substitutes replacement characters: undecodable input is refused.
///
/// # Errors
/// [`ImportError::Utf8`] for invalid UTF-8 after a byte order mark or under
/// [`Decode::Utf8`]; [`ImportError::NotText`] when the bytes are neither UTF-8 nor
/// well-formed GB18030; [`ImportError::Implausible`] when they are GB18030 only as
/// control, private-use or mostly rare characters (mojibake).
///
/// # Example
/// ```
/// use volunteer_service::import::{decode, Decode, ImportError, TextEncoding};
/// // "姓名" in GBK, as Excel saves CSV on Chinese Windows.
/// assert_eq!(decode(b"\xD0\xD5\xC3\xFB", Decode::Detect)?, ("姓名".into(), TextEncoding::Gb18030));
/// assert!(matches!(decode(b"\xFF\xFE", Decode::Detect), Err(ImportError::NotText { .. })));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn decode(bytes: &[u8], how: Decode) -> Result<(Cow<'_, str>, TextEncoding), ImportError> {
    if let Some(rest) = bytes.strip_prefix(BOM)
        && how != Decode::Gb18030
    {
        return core::str::from_utf8(rest)
            .map(|s| (Cow::Borrowed(s), TextEncoding::Utf8Bom))
            .map_err(|e| ImportError::Utf8 {
                offset: e.valid_up_to() + BOM.len(),
            });
    }
    let utf8 = core::str::from_utf8(bytes);
    match (how, utf8) {
        (Decode::Utf8, Ok(s)) => Ok((Cow::Borrowed(s), TextEncoding::Utf8)),
        (Decode::Detect, Ok(s)) => match controls(s) {
            // UTF-16 text without a byte order mark is valid UTF-8 full of NULs.
            Err(reason) => Err(ImportError::Implausible {
                utf8_offset: bytes.len(),
                reason,
            }),
            Ok(()) => Ok((Cow::Borrowed(s), TextEncoding::Utf8)),
        },
        (Decode::Utf8, Err(e)) => Err(ImportError::Utf8 {
            offset: e.valid_up_to(),
        }),
        (Decode::Gb18030, _) => gb18030(bytes).map(|s| (s, TextEncoding::Gb18030)),
        (Decode::Detect, Err(e)) => {
            let utf8_offset = e.valid_up_to();
            let text = gb18030(bytes).map_err(|_| ImportError::NotText { utf8_offset })?;
            if let Err(reason) = plausible(bytes, &text) {
                return Err(ImportError::Implausible {
                    utf8_offset,
                    reason,
                });
            }
            Ok((text, TextEncoding::Gb18030))
        }
    }
}

fn gb18030(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| ImportError::NotText {
            utf8_offset: core::str::from_utf8(bytes)
                .err()
                .map_or(bytes.len(), |e| e.valid_up_to()),
        })
}

/// Checks that a GB18030 decode reads like text: no control or private-use characters, and
/// at least as many characters from GB2312's area (lead and trail bytes `0xA1..=0xFE`) as
/// from GBK's extensions and GB18030's four-byte sequences.
fn plausible(bytes: &[u8], text: &str) -> Result<(), Implausible> {
    controls(text)?;
    rare_characters(bytes)
}

/// Refuses control characters other than tab, line feed and carriage return, and
/// private-use characters.
fn controls(text: &str) -> Result<(), Implausible> {
    for c in text.chars() {
        let code_point = u32::from(c);
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            return Err(Implausible::Control { code_point });
        }
        if (0xE000..=0xF8FF).contains(&code_point) {
            return Err(Implausible::PrivateUse { code_point });
        }
    }
    Ok(())
}

/// Counts GB2312-area characters against the rest in well-formed GB18030 bytes.
fn rare_characters(bytes: &[u8]) -> Result<(), Implausible> {
    let (mut common, mut rare) = (0_usize, 0_usize);
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            i += 1;
            continue;
        }
        let trail = bytes.get(i + 1).copied().unwrap_or(0);
        if trail.is_ascii_digit() {
            rare += 1;
            i += 4;
        } else {
            if (0xA1..=0xFE).contains(&lead) && (0xA1..=0xFE).contains(&trail) {
                common += 1;
            } else {
                rare += 1;
            }
            i += 2;
        }
    }
    if rare > common {
        return Err(Implausible::RareCharacters { common, rare });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode("姓名,手机号".as_bytes(), Decode::Detect).unwrap();
        assert_eq!((t.as_ref(), e), ("姓名,手机号", TextEncoding::Utf8));
        let mut b = BOM.to_vec();
        b.extend_from_slice("姓名".as_bytes());
        let (t, e) = decode(&b, Decode::Detect).unwrap();
        assert_eq!((t.as_ref(), e), ("姓名", TextEncoding::Utf8Bom));
    }

    #[test]
    fn real_gbk_bytes_are_decoded() {
        let text = "姓名,身份证号,手机号\n张三,360426199101010071,13912345678\n李四（队长）,…\n";
        let bytes = gbk(text);
        assert!(core::str::from_utf8(&bytes).is_err());
        let (t, e) = decode(&bytes, Decode::Detect).unwrap();
        assert_eq!((t.as_ref(), e), (text, TextEncoding::Gb18030));
    }

    #[test]
    fn invalid_utf8_after_a_bom_is_refused() {
        let mut b = BOM.to_vec();
        b.extend_from_slice(&gbk("张三"));
        assert_eq!(
            decode(&b, Decode::Detect),
            Err(ImportError::Utf8 { offset: 3 })
        );
    }

    #[test]
    fn bytes_that_are_neither_are_refused() {
        // 0xFF is never a GB18030 lead byte; 0x81 0x30 needs two more bytes.
        assert_eq!(
            decode(b"name\n\xFF\xFF", Decode::Detect),
            Err(ImportError::NotText { utf8_offset: 5 })
        );
        assert!(matches!(
            decode(b"ab\x81\x30", Decode::Detect),
            Err(ImportError::NotText { utf8_offset: 2 })
        ));
    }

    #[test]
    fn mojibake_is_refused() {
        // Latin-1 text reads as rare GBK characters.
        assert_eq!(
            decode(b"Ren\xE9e Zo\xEBl M\xFCller", Decode::Detect),
            Err(ImportError::Implausible {
                utf8_offset: 3,
                reason: Implausible::RareCharacters { common: 0, rare: 3 }
            })
        );
        // A lone Latin-1 byte before a comma is not even well-formed GBK.
        assert_eq!(
            decode(b"Jos\xE9,", Decode::Detect),
            Err(ImportError::NotText { utf8_offset: 3 })
        );
        // GBK's user-defined area decodes to private-use characters.
        assert!(matches!(
            decode(b"\xAA\xA1", Decode::Detect),
            Err(ImportError::Implausible {
                reason: Implausible::PrivateUse { .. },
                ..
            })
        ));
        // A four-byte sequence for U+0080, a control character.
        assert!(matches!(
            decode(b"\x81\x30\x81\x30", Decode::Detect),
            Err(ImportError::Implausible {
                reason: Implausible::Control { code_point: 0x80 },
                ..
            })
        ));
        // Forced GB18030 skips the plausibility check but never replaces.
        assert!(decode(b"Ren\xE9e", Decode::Gb18030).is_ok());
        assert!(decode(b"\xFF", Decode::Gb18030).is_err());
    }

    #[test]
    fn no_decode_yields_a_replacement_character() {
        for bytes in [&b"\xC3\x28"[..], b"\xE6\x9D", b"\x80", b"\xFE\xFE\xFE"] {
            if let Ok((t, _)) = decode(bytes, Decode::Detect) {
                assert!(!t.contains('\u{FFFD}'), "{bytes:?}");
            }
        }
    }

    #[test]
    fn utf16_without_a_bom_is_refused() {
        assert!(matches!(
            decode(b"n\0a\0m\0e\0", Decode::Detect),
            Err(ImportError::Implausible {
                reason: Implausible::Control { code_point: 0 },
                ..
            })
        ));
    }

    #[test]
    fn forced_utf8_refuses_gbk() {
        assert_eq!(
            decode(&gbk("张三"), Decode::Utf8),
            Err(ImportError::Utf8 { offset: 0 })
        );
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics_nor_replaces(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            if let Ok((t, _)) = decode(&bytes, Decode::Detect) {
                let replaced = t.contains('\u{FFFD}');
                proptest::prop_assert!(!replaced || core::str::from_utf8(&bytes).is_ok());
            }
        }

        #[test]
        fn chinese_text_round_trips_through_gbk(tail in "[\u{4E00}-\u{4FFF}a-z0-9,]{0,40}") {
            // A GB2312 header as real files have; it is never valid UTF-8 in GBK.
            let s = format!("姓名,{tail}");
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(&s);
            proptest::prop_assume!(!unmappable);
            match decode(&bytes, Decode::Detect) {
                Ok((t, _)) => proptest::prop_assert_eq!(t.as_ref(), s.as_str()),
                // Only rare-character text may be refused, never misread.
                Err(e) => proptest::prop_assert!(matches!(e, ImportError::Implausible { reason: Implausible::RareCharacters { .. }, .. }), "{e}"),
            }
        }
    }
}
