//! The staff page in a real browser: starts `comms serve` on a loopback port and runs
//! `tests/browser/page.test.mjs` (playwright-core driving Debian's /usr/bin/chromium, and
//! axe-core). Needs `npm ci` in tests/browser and the chromium package, as `.ci/run` installs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The server process, stopped with SIGTERM when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn staff_page_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "run `npm ci` in tests/browser first (bash .ci/run does)"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: install Debian's chromium package (bash .ci/run does)"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("COMMS_API_TOKEN")
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("comms serve starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let served = Served(child);
    let mut first = String::new();
    stderr
        .read_line(&mut first)
        .expect("the server says where it listens");
    let url = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .map(|addr| format!("http://{addr}"))
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while stderr.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });

    let screenshot = root.join("target/browser/staff-page.png");
    std::fs::create_dir_all(screenshot.parent().expect("has a parent"))
        .expect("target is writable");
    let output = Command::new("node")
        .arg("page.test.mjs")
        .arg(&screenshot)
        .current_dir(&browser_dir)
        .env("COMMS_URL", &url)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    drop(served);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
    assert!(screenshot.is_file());
}
