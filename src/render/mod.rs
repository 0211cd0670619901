//! Render: one backend per channel, each a pure function of the composed document.
//!
//! - [`text`]: the plain text of any channel (email body, letter body, scripts).
//! - [`email`]: the HTML body and the MIME message of an email.
//! - [`letter`]: the PDF letter (layout, fonts, PDF drawing).

pub mod email;
pub mod letter;
pub mod text;
