//! The answer of `POST /api/render` written as JSON by hand, for a filled shape: the HTML of
//! the lines without values is kept already escaped for JSON, so only the values are escaped
//! per request. Writes exactly what serde_json writes for [`super::Rendered`].

/// Appends `text` escaped as the inside of a JSON string, byte for byte as serde_json
/// escapes it: `"` and `\`, and control characters (`\n`, `\t`... or `\u00XX`).
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut at = 0;
    while at < bytes.len() {
        // Eight bytes at a time while none needs escaping.
        if let Some(chunk) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if !needs_escape(word) {
                at += 8;
                continue;
            }
        }
        let byte = bytes[at];
        at += 1;
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
        let at = at - 1;
        out.extend_from_slice(&bytes[plain_from..at]);
        plain_from = at + 1;
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            control => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(control >> 4)],
                HEX[usize::from(control & 0xf)],
            ]),
        }
    }
    out.extend_from_slice(&bytes[plain_from..]);
}

/// Whether any of the eight bytes in `word` is a control character, `"` or `\`: each test
/// sets the high bit of a byte that is below 0x20, or equal to `"` or `\` (a byte with its
/// own high bit set, part of a UTF-8 character, is left out).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    below_space
        | has_zero(word ^ (ONES * u64::from(b'"')))
        | has_zero(word ^ (ONES * u64::from(b'\\')))
        != 0
}

/// Appends `text` as a JSON string, quoted.
pub fn string_into(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape_into(out, text);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_control: String = (0u8..0x20).map(char::from).collect();
        every_control.push('\u{7f}');
        for text in [
            "",
            "plain",
            "<p style=\"margin:0\">Siân & \\ 'x'</p>\n",
            every_control.as_str(),
            "\u{E000}0\u{E001} – ‘quoted’ 😀",
        ] {
            let mut ours = Vec::new();
            string_into(&mut ours, text);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_character_to_escape_is_found_wherever_it_stands_in_a_long_text() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', ' ', '~', 'é'] {
            for at in 0..40 {
                let mut text: String = "abcdefghij’klmnopqrstuvwxyz0123456789ABCDEF".into();
                let at = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
                text.insert(at, special);
                let mut ours = Vec::new();
                string_into(&mut ours, &text);
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(&text).unwrap(),
                    "{text:?}"
                );
            }
        }
    }
}
