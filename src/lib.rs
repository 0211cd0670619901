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

/// mimalloc is the allocator of every program built on this crate: the service allocates
/// many small short-lived values per request, which it serves faster than the system's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tunes the allocator; call first thing in `main`. Memory freed is kept for reuse instead of
/// being handed back to the system after 10 ms: handing it back made the kernel clear every
/// page again when a large text was linted twice (1 MB lint ran at half speed).
pub fn tune_allocator() {
    /// `mi_option_purge_delay` in mimalloc's `mi_option_t` (version 3).
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is safe at any time; -1 means "never purge".
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}
