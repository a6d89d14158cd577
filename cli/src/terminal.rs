//! Text from servers made inert before it reaches a terminal.

/// Text from a server made safe for a terminal: control characters
/// (escape sequences, carriage returns, bells) are shown escaped instead of
/// acting on the terminal.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
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
    }
}
