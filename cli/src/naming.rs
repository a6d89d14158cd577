//! File names for saved outputs: readable in any script, unique, and never
//! taking the place of a file that is already there.
//!
//! A name is `<stem>-seed-<seed>.<ext>`, the stem being a slug of the prompt
//! (letters and digits of every script are kept). When that name is taken,
//! a short hash of the whole request is added, and when even that is taken
//! (the same request made again), a counter.

use std::{io, path::Path};

use serde_json::Value;

/// The longest slug, in characters: long enough to recognise a prompt,
/// short enough that a name in a four-byte script stays far below the
/// 255-byte limit of common file systems.
const MAX_SLUG_CHARS: usize = 48;

/// A file-name-safe, readable form of a prompt.
///
/// Letters, digits and combining marks of every script are kept (lowercased
/// where the script has case); everything else (spaces, ASCII punctuation,
/// which includes every character Windows, macOS or Linux forbid in a name,
/// control and invisible formatting characters) becomes a single `-`.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    let mut kept = 0;
    for c in text.chars() {
        if kept >= MAX_SLUG_CHARS {
            break;
        }
        if keeps(c) {
            slug.extend(c.to_lowercase());
            kept += 1;
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "image".into()
    } else {
        slug.to_owned()
    }
}

/// Whether a character stays in a slug.
fn keeps(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !c.is_whitespace() && !c.is_control() && !is_invisible_format(c) && !is_punctuation_like(c)
}

/// Zero-width and bidirectional formatting characters: they would make two
/// names that look the same differ, or make a name display in another order.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFF0}'..='\u{FFFF}'
    )
}

/// Punctuation blocks outside ASCII whose marks read as separators (the
/// general punctuation block, CJK and full-width punctuation).
fn is_punctuation_like(c: char) -> bool {
    matches!(c,
        '\u{00A1}'..='\u{00BF}'
        | '\u{00D7}' | '\u{00F7}'
        | '\u{2010}'..='\u{205E}'
        | '\u{3000}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
    )
}

/// The names to try for one output, best first: `<stem>-<label>` (the label
/// is `seed-<seed>`, or `output-<n>` for an output without a seed), then
/// with the request's short hash, then with a counter. Without an extension.
pub fn candidates(stem: &str, label: &str, request_hash: &str) -> impl Iterator<Item = String> {
    let short: String = request_hash.chars().take(8).collect();
    let plain = format!("{stem}-{label}");
    let hashed = format!("{plain}-{short}");
    [plain, hashed.clone()]
        .into_iter()
        .chain((2u32..).map(move |n| format!("{hashed}-{n}")))
}

/// Puts `from` at `to` only if nothing is at `to`, atomically where the file
/// system allows (a hard link fails if the name exists, even when another
/// process takes it at the same moment). `AlreadyExists` means try another
/// name.
pub fn place_new(from: &Path, to: &Path) -> io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            let _ = std::fs::remove_file(from);
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(error),
        // File systems without hard links: check, then rename.
        Err(_) => {
            if std::fs::symlink_metadata(to).is_ok() {
                return Err(io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(from, to)
        }
    }
}

/// A stable key for a request and model: FNV-1a over its JSON, which serde
/// writes with sorted fields, so the same request gives the same key in
/// every run.
pub fn request_key(request: &Value, model: Option<&str>) -> String {
    let text = format!("{}|{}", model.unwrap_or("default"), request);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_every_script() {
        assert_eq!(slug("A cat, coding!"), "a-cat-coding");
        assert_eq!(slug("桜の木の下の猫"), "桜の木の下の猫");
        assert_eq!(slug("Кошка в саду"), "кошка-в-саду");
        assert_eq!(slug("नमस्ते दुनिया"), "नमस्ते-दुनिया");
        assert_eq!(slug("猫、犬。"), "猫-犬");
        assert_ne!(slug("東京の夜"), slug("大阪の朝"));
    }

    #[test]
    fn slugs_drop_what_file_systems_forbid_and_invisible_characters() {
        assert_eq!(slug(r#"a/b\c:d*e?f"g<h>i|j"#), "a-b-c-d-e-f-g-h-i-j");
        assert_eq!(slug("evil\u{202E}gnp.exe"), "evil-gnp-exe");
        assert_eq!(slug("tab\tnew\nline\u{0}"), "tab-new-line");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("!!!"), "image");
        assert_eq!(slug(""), "image");
    }

    #[test]
    fn slugs_are_bounded_in_characters() {
        let long = "猫".repeat(200);
        assert_eq!(slug(&long).chars().count(), MAX_SLUG_CHARS);
    }

    #[test]
    fn candidates_add_the_hash_then_a_counter() {
        let names: Vec<String> = candidates("a-dog", "seed-7", "0123456789abcdef")
            .take(4)
            .collect();
        assert_eq!(
            names,
            [
                "a-dog-seed-7",
                "a-dog-seed-7-01234567",
                "a-dog-seed-7-01234567-2",
                "a-dog-seed-7-01234567-3"
            ]
        );
    }
}
