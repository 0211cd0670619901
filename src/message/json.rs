//! The answer of `POST /api/render` written as JSON by hand, for a filled shape: the HTML of
//! the lines without values is kept already escaped for JSON, so only the values are escaped
//! per request. Writes exactly what serde_json writes for [`super::Rendered`].

/// Appends `text` escaped as the inside of a JSON string, byte for byte as serde_json
/// escapes it: `"` and `\`, and control characters (`\n`, `\t`... or `\u00XX`).
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
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
}
