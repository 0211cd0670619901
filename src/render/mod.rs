//! Render: one backend per channel, each a pure function of the composed document.
//!
//! - [`text`]: the plain text of any channel (email body, letter body, scripts).
//! - [`letter`]: the PDF letter (layout, fonts, PDF drawing).

pub mod letter;
pub mod text;
