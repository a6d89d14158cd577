//! Text from servers made inert before it reaches a terminal.

/// Text from a server made safe for a terminal: control characters
/// (escape sequences, carriage returns, bells) and the characters that
/// reorder text on screen (bidirectional overrides and isolates) are shown
/// escaped instead of acting on the terminal, as the SDK shows server text
/// in its errors.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_cannot_drive_the_terminal() {
        let safe = terminal_safe("ok\x1b[2J\rdone\u{7}");
        assert!(!safe.chars().any(char::is_control), "{safe:?}");
        assert_eq!(safe, "ok\\u{1b}[2J\\rdone\\u{7}");
        let reordered = terminal_safe("a\u{202e}b\u{2066}c");
        assert_eq!(reordered, "a\\u{202e}b\\u{2066}c");
    }
}
