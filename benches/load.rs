//! Load on the HTTP service: `POST /api/render` of a three-part email, driven by wrk from
//! loopback (one thread, 32 connections) against the release `comms serve`, for 60 seconds
//! (LOAD_SECONDS to change). Prints requests per second, latency percentiles, errors, and the server's memory over the
//! run; and the staff page's first-load size. The server logs each request, as it does
//! unless told otherwise. Needs `wrk` on the PATH.

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use comms::cases::case_runs;
use comms::message::{build_message, render_message_json};
use comms::request::{Channel, Language, Request};

/// A three-part email built from the library's own cases: the first cases of email templates
/// that compose together (the same template again when the library has fewer than three).
fn three_part_email(library: &comms::library::Library) -> Request {
    // The guidance's own example: a new photo, documents and more information, when the
    // library has them; then any other email templates.
    const PREFERRED: [&str; 3] = [
        "request-new-photo",
        "request-documents",
        "request-information",
    ];
    let mut runs: Vec<_> = case_runs(library)
        .into_iter()
        .filter(|run| run.channel == Channel::Email && run.language == Language::En)
        .collect();
    runs.sort_by_key(|run| {
        PREFERRED
            .iter()
            .position(|id| *id == run.template.id)
            .unwrap_or(PREFERRED.len())
    });
    let mut request = runs.first().expect("an email case").request.clone();
    request.parts.clear();
    for pass in 0..2 {
        for run in &runs {
            if request.parts.len() == 3 {
                return request;
            }
            if pass == 0 && request.parts.iter().any(|p| p.template == run.template.id) {
                continue;
            }
            let mut candidate = request.clone();
            candidate.parts.push(run.request.parts[0].clone());
            if build_message(library, &candidate).is_ok() {
                request = candidate;
            }
        }
    }
    request
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

fn http_get_len(addr: &str, path: &str) -> usize {
    let mut stream = TcpStream::connect(addr).expect("server reachable");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |p| p + 4);
    response.len() - split
}

fn main() {
    comms::tune_allocator();
    let library = common::repo_library();
    let request = three_part_email(&library);
    let templates: Vec<&str> = request.parts.iter().map(|p| p.template.as_str()).collect();
    let body = serde_json::to_string(&request).expect("request serialises");
    let shapes = comms::message::shape::Shapes::default();
    let (median, p99) = common::time_samples(2000, || {
        let json = render_message_json(&library, &shapes, &request).expect("renders");
        std::hint::black_box(json.expect("serialises"));
    });
    println!(
        "in-process render_message_json (the request's shape filled, linted, written as JSON): median {median:?}, p99 {p99:?} (one core)"
    );
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);

    let mut server = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("COMMS_API_TOKEN")
        .env_remove("COMMS_LOG")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("comms serve starts");
    let mut log = BufReader::new(server.stderr.take().expect("piped"));
    let mut first = String::new();
    log.read_line(&mut first)
        .expect("server announces its address");
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("address in the first line")
        .to_string();
    let pid = server.id();
    // The server logs a line per request, as it does for its users; count them.
    let log_lines = std::thread::spawn(move || log.lines().count());

    let page = http_get_len(&addr, "/")
        + http_get_len(&addr, "/assets/style.css")
        + http_get_len(&addr, "/assets/page.js");
    println!(
        "staff page first load: {:.1} KB (target under 100 KB)",
        page as f64 / 1024.0
    );

    let script = std::env::temp_dir().join(format!("comms-load-{pid}.lua"));
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = {}\n",
            serde_json::to_string(&body).expect("string")
        ),
    )
    .expect("temp dir writable");

    // Warm up, and check the body renders.
    let warm = Command::new("wrk")
        .args(["-t1", "-c8", "-d2s", "-s"])
        .arg(&script)
        .arg(format!("http://{addr}/api/render"))
        .output()
        .expect("wrk is installed");
    assert!(
        !String::from_utf8_lossy(&warm.stdout).contains("Non-2xx"),
        "the three-part email does not render"
    );

    let rss_start = rss_kb(pid);
    let started = Instant::now();
    let mut wrk = Command::new("wrk")
        // One wrk thread drives 32 connections (well over 50,000 requests a second on its
        // own), leaving more of the two cores to the server than two wrk threads do.
        .args(["-t1", "-c32", "--latency", "--timeout", "2s"])
        .arg(format!("-d{seconds}s"))
        .arg("-s")
        .arg(&script)
        .arg(format!("http://{addr}/api/render"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("wrk starts");
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_secs(5).min(Duration::from_secs(seconds)));
        samples.push(rss_kb(pid));
    }
    let mut report = String::new();
    wrk.stdout
        .take()
        .expect("piped")
        .read_to_string(&mut report)
        .unwrap();
    let _ = wrk.wait();
    let rss_end = rss_kb(pid);
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = server.wait();
    let _ = std::fs::remove_file(&script);
    let log_lines = log_lines.join().unwrap_or(0);

    let find = |prefix: &str| {
        report
            .lines()
            .find(|line| line.trim_start().starts_with(prefix))
            .map(|line| line.trim().to_string())
    };
    let requests_per_second: f64 = find("Requests/sec:")
        .and_then(|line| line.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0.0);
    let p99 = find("99%").unwrap_or_default();
    let p50 = find("50%").unwrap_or_default();
    let errors = [find("Non-2xx"), find("Socket errors")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    println!(
        "POST /api/render, three-part email ({}), {seconds} s, wrk -t1 -c32:",
        templates.join(" + ")
    );
    println!(
        "  requests per second: {requests_per_second:.0} (target at least 20000) {}",
        if requests_per_second >= 20000.0 {
            "ok"
        } else {
            "UNDER TARGET"
        }
    );
    println!("  latency {p50}; {p99} (target p99 under 10 ms)");
    println!(
        "  errors: {}",
        if errors.is_empty() {
            "none".to_string()
        } else {
            errors.join("; ")
        }
    );
    let requests: u64 = report
        .lines()
        .find(|line| line.contains("requests in"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    println!(
        "  access log (level info, as `comms serve` runs unless told otherwise): {log_lines} lines for {requests} requests of the run and the requests before it"
    );
    let max = samples.iter().copied().max().unwrap_or(rss_end);
    println!(
        "  server memory (RSS): {} KB after warm-up, {} KB at the end, {} KB at most; samples every 5 s: {:?}",
        rss_start, rss_end, max, samples
    );
    println!("--- wrk report ---\n{report}");
}
