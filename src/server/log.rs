//! The service's log: one line per event, written cheaply enough to keep the access log on
//! under full load.
//!
//! - [`LineFormat`] writes `2026-11-25T14:37:44.123456Z  INFO comms::server: request
//!   method=POST route=/api/render status=200 micros=812`, the shape of tracing's own
//!   format, without its cost: the date and time are worked out once a second, numbers
//!   and strings are written as they are, and control characters in a value are escaped
//!   (`\n`), so that one event is always one line.
//! - [`BatchedStderr`] is where the lines go. On a thread that serves (see
//!   [`batch_this_thread`]), lines at `info` and below gather in a buffer, written to
//!   standard error when it holds [`BATCH_BYTES`] or every [`BATCH_INTERVAL`], and when the
//!   thread stops; a warning or an error is written at once, after the lines before it.
//!   Elsewhere every line is written at once. A request at full load then costs no write of
//!   its own.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::{FmtContext, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// A serving thread's buffer is written out when it holds this much.
pub const BATCH_BYTES: usize = 32 * 1024;
/// ... or when it has waited this long.
pub const BATCH_INTERVAL: Duration = Duration::from_millis(200);

/// Logs to standard error at `filter` (an `EnvFilter` directive such as `info` or `warn`),
/// in [`LineFormat`] through [`BatchedStderr`]. Does nothing when a log is already set up.
pub fn init(filter: tracing_subscriber::EnvFilter) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(LineFormat)
        .with_writer(BatchedStderr)
        .try_init();
}

/// The format of a log line (see the module's documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct LineFormat;

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write_line(
            &mut writer,
            SystemTime::now(),
            event.metadata(),
            |visitor| event.record(visitor),
        )
    }
}

/// Writes one line: the time, the level, the target, then the fields `record` visits (the
/// message first, bare; the others as `name=value`).
fn write_line(
    out: &mut dyn fmt::Write,
    now: SystemTime,
    metadata: &Metadata<'_>,
    record: impl FnOnce(&mut FieldWriter<'_>),
) -> fmt::Result {
    write_time(out, now)?;
    out.write_str(match *metadata.level() {
        Level::ERROR => " ERROR ",
        Level::WARN => "  WARN ",
        Level::INFO => "  INFO ",
        Level::DEBUG => " DEBUG ",
        Level::TRACE => " TRACE ",
    })?;
    out.write_str(metadata.target())?;
    out.write_char(':')?;
    let mut fields = FieldWriter {
        out,
        result: Ok(()),
    };
    record(&mut fields);
    fields.result?;
    out.write_char('\n')
}

/// Writes `now` as `2026-11-25T14:37:44.123456Z` (UTC); the part up to the second is worked
/// out once a second on each thread.
fn write_time(out: &mut dyn fmt::Write, now: SystemTime) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    SECOND.with_borrow_mut(|(cached, text)| {
        if *cached != seconds {
            text.clear();
            let time = i64::try_from(seconds)
                .ok()
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .unwrap_or_default();
            let _ = write!(text, "{}", time.format("%Y-%m-%dT%H:%M:%S"));
            *cached = seconds;
        }
        out.write_str(text)
    })?;
    let micros = since_epoch.subsec_micros();
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(micros);
    out.write_char('.')?;
    for _ in digits.len()..6 {
        out.write_char('0')?;
    }
    out.write_str(digits)?;
    out.write_char('Z')
}

/// Writes an event's fields: ` message` then ` name=value` for each other field.
struct FieldWriter<'a> {
    out: &'a mut dyn fmt::Write,
    result: fmt::Result,
}

impl FieldWriter<'_> {
    fn name(&mut self, field: &Field) {
        if self.result.is_ok() {
            self.result = match field.name() {
                "message" => self.out.write_char(' '),
                name => write!(self.out, " {name}="),
            };
        }
    }

    fn plain(&mut self, text: &str) {
        if self.result.is_ok() {
            self.result = write_escaped(self.out, text);
        }
    }
}

impl Visit for FieldWriter<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.name(field);
        self.plain(value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.name(field);
        self.plain(itoa::Buffer::new().format(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.name(field);
        self.plain(itoa::Buffer::new().format(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.name(field);
        self.plain(if value { "true" } else { "false" });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.name(field);
        if self.result.is_ok() {
            self.result = write!(Escaping(self.out), "{value:?}");
        }
    }
}

/// Writes `text` with each control character escaped (`\n`, `\t`, `\u{1b}`), so that no
/// value can start a line of its own.
fn write_escaped(out: &mut dyn fmt::Write, text: &str) -> fmt::Result {
    let mut plain_from = 0;
    for (at, ch) in text.char_indices() {
        if ch.is_control() {
            out.write_str(&text[plain_from..at])?;
            write!(out, "{}", ch.escape_default())?;
            plain_from = at + ch.len_utf8();
        }
    }
    out.write_str(&text[plain_from..])
}

/// A writer that escapes control characters in what goes through it.
struct Escaping<'a>(&'a mut dyn fmt::Write);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        write_escaped(self.0, text)
    }
}

thread_local! {
    /// The lines this thread has not written yet; none when the thread does not batch.
    static BATCH: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// From now on, lines at `info` and below logged on this thread gather until
/// [`flush_this_thread`], or until [`BATCH_BYTES`] of them wait.
pub fn batch_this_thread() {
    BATCH.with_borrow_mut(|batch| {
        batch.get_or_insert_with(|| Vec::with_capacity(BATCH_BYTES + 1024));
    });
}

/// Writes out the lines this thread has gathered.
pub fn flush_this_thread() {
    BATCH.with_borrow_mut(|batch| {
        if let Some(batch) = batch
            && !batch.is_empty()
        {
            write_stderr(batch);
            batch.clear();
        }
    });
}

/// Flushes this thread's lines every [`BATCH_INTERVAL`], for as long as the runtime runs.
pub async fn flush_periodically() {
    let mut ticks = tokio::time::interval(BATCH_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        flush_this_thread();
    }
}

fn write_stderr(bytes: &[u8]) {
    // A line that cannot be logged is not worth stopping a request for.
    let _ = std::io::stderr().lock().write_all(bytes);
}

/// Where log lines go: standard error, in batches on a serving thread (see the module's
/// documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchedStderr;

/// One event's line, on its way to [`BatchedStderr`].
#[derive(Debug)]
pub struct LineSink {
    /// A warning or an error: written at once.
    urgent: bool,
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineSink;

    fn make_writer(&'a self) -> LineSink {
        LineSink { urgent: true }
    }

    fn make_writer_for(&'a self, metadata: &Metadata<'_>) -> LineSink {
        LineSink::at(*metadata.level())
    }
}

impl LineSink {
    /// The sink of a line at `level`.
    fn at(level: Level) -> LineSink {
        LineSink {
            urgent: level <= Level::WARN,
        }
    }
}

impl std::io::Write for LineSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let gathered = BATCH.with_borrow_mut(|batch| match batch {
            Some(batch) if !self.urgent => {
                batch.extend_from_slice(bytes);
                if batch.len() >= BATCH_BYTES {
                    write_stderr(batch);
                    batch.clear();
                }
                true
            }
            Some(batch) => {
                // What came before a warning is written before it.
                batch.extend_from_slice(bytes);
                write_stderr(batch);
                batch.clear();
                true
            }
            None => false,
        });
        if !gathered {
            write_stderr(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Lines logged through [`LineFormat`] while `log` runs, as one text.
    fn logged(log: impl FnOnce()) -> String {
        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .event_format(LineFormat)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_request_line_names_time_level_target_message_and_fields() {
        let text = logged(|| {
            tracing::info!(
                method = "POST",
                route = "/api/render",
                status = 200u16,
                micros = 812u64,
                "request"
            );
        });
        let pattern = regex::Regex::new(
            r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z  INFO comms::server::log::tests: request method=POST route=/api/render status=200 micros=812\n$",
        )
        .unwrap();
        assert!(pattern.is_match(&text), "{text:?}");
    }

    #[test]
    fn a_value_cannot_start_a_line_of_its_own() {
        let text = logged(|| {
            let shown = "one\ntwo";
            tracing::warn!(plain = "a\r\nb", shown = %shown, debug = ?"c\nd", "x\ny");
        });
        assert_eq!(text.matches('\n').count(), 1, "{text:?}");
        let wanted =
            r#"  WARN comms::server::log::tests: x\ny plain=a\r\nb shown=one\ntwo debug="c\nd""#;
        assert!(text.ends_with(&format!("{wanted}\n")), "{text:?}");
    }

    #[test]
    fn the_time_is_utc_to_the_microsecond() {
        let mut out = String::new();
        write_time(&mut out, UNIX_EPOCH + Duration::new(1_764_081_464, 7_000)).unwrap();
        assert_eq!(out, "2025-11-25T14:37:44.000007Z");
        // The same second again comes from the cache; the next one does not.
        out.clear();
        write_time(
            &mut out,
            UNIX_EPOCH + Duration::new(1_764_081_464, 999_999_000),
        )
        .unwrap();
        assert_eq!(out, "2025-11-25T14:37:44.999999Z");
        out.clear();
        write_time(&mut out, UNIX_EPOCH + Duration::new(1_764_081_465, 0)).unwrap();
        assert_eq!(out, "2025-11-25T14:37:45.000000Z");
    }

    fn batched() -> Vec<u8> {
        BATCH.with_borrow(|batch| batch.clone().unwrap_or_default())
    }

    #[test]
    fn a_serving_thread_gathers_lines_until_flushed_or_warned() {
        std::thread::spawn(|| {
            let info = || LineSink::at(Level::INFO);
            // Not batching: nothing gathers.
            info().write_all(b"before\n").unwrap();
            assert!(BATCH.with_borrow(Option::is_none));
            batch_this_thread();
            info().write_all(b"one\n").unwrap();
            info().write_all(b"two\n").unwrap();
            assert_eq!(batched(), b"one\ntwo\n");
            flush_this_thread();
            assert_eq!(batched(), b"");
            info().write_all(b"three\n").unwrap();
            LineSink::at(Level::WARN).write_all(b"warning\n").unwrap();
            assert_eq!(batched(), b"", "a warning writes out what waited");
            let long = vec![b'x'; BATCH_BYTES];
            info().write_all(&long).unwrap();
            assert_eq!(batched(), b"", "a full batch is written out");
        })
        .join()
        .unwrap();
    }
}
