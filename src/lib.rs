//! comms-builder: HM Passport Office customer messages built only from approved phrases.
//!
//! The pipeline, one module per stage:
//!
//! - [`library`]: phrases, templates and lint rules, loaded once and validated.
//! - [`compose`]: a [`request::Request`] becomes a [`document::Document`], every span of
//!   text remembering where it came from.
//! - [`lint`]: house-style rules run on the document; findings, never silent fixes.
//! - [`render`]: one backend per channel, each a pure function of the document.
//! - [`snapshot`]: every template case rendered to a text file, compared word by word.
//! - [`plan`]: the call planner: when to phone a customer, and the voicemail for each attempt.
//! - [`send`]: hands a built email to an SMTP server, with retries.
//! - [`cli`]: the `comms` command line, and [`server`]: the staff web page and JSON API;
//!   the only places with input and output.

pub mod cases;
pub mod cli;
pub mod compose;
pub mod document;
pub mod library;
pub mod lint;
pub mod message;
pub mod plan;
pub mod render;
pub mod request;
pub mod send;
pub mod server;
pub mod snapshot;
