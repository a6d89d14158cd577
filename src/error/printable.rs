//! Server text made safe to print. Error messages carry what Firefly or a
//! storage host said, and they end up on terminals and in logs: a raw
//! escape sequence there could recolour, hide or rewrite what the user sees.
//! Control characters and the bidirectional overrides are shown as visible
//! escapes (`\u{1b}`) instead; everything else is kept as sent.

use std::fmt;

/// Shows a server-given string with its control characters escaped.
pub(crate) struct Printable<'a>(pub(crate) &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if unsafe_to_print(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// `text` with its control characters escaped, for strings kept and shown
/// later.
pub(crate) fn printable(text: &str) -> String {
    Printable(text).to_string()
}

/// C0 and C1 controls, DEL, and the characters that reorder text on
/// screen (bidirectional embeddings, overrides and isolates). Shared with
/// `crate::redact`, which cleans server text as it arrives.
pub(crate) fn unsafe_to_print(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        let shown = Printable("\u{1b}[31mred\u{7}\nnext\u{9b}\u{202e}txt").to_string();
        assert_eq!(shown, "\\u{1b}[31mred\\u{7}\\nnext\\u{9b}\\u{202e}txt");
        assert_eq!(printable("a\u{1b}b"), "a\\u{1b}b");
    }

    #[test]
    fn other_text_is_kept_as_sent() {
        let text = "Prompt contains «forbidden» words: 猫 🐱 \\ \" '";
        assert_eq!(Printable(text).to_string(), text);
    }

    proptest::proptest! {
        #[test]
        fn nothing_printed_is_a_control_character(text in ".*") {
            let shown = Printable(&text).to_string();
            proptest::prop_assert!(!shown.chars().any(unsafe_to_print));
        }
    }
}
