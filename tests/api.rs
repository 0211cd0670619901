//! The HTTP service over real HTTP on a loopback port: every route, every kind of bad input,
//! the access token, the size limit, the timeout, graceful shutdown and what the log holds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use comms::server::{AppState, api::ROUTES};
use serde_json::{Value, json};

#[path = "support/http.rs"]
mod http;
use http::{Server, assert_error, exchange, get, library, post_json, read_reply, request};

fn sample_request() -> Value {
    json!({
        "channel": "email",
        "language": "en",
        "at": "2026-11-23T10:15:00Z",
        "customer": { "title": "Mrs", "first_name": "Siân", "last_name": "Jones",
                      "email": "sian.jones@example.com", "time_zone": "Europe/London" },
        "staff": { "first_name": "Sam", "initials": "SB", "office": "Durham" },
        "application": { "reference": "1234567890", "service": "fast_track" },
        "parts": [ { "template": "request-new-photo", "answers": { "reasons": ["shadows", "glare"] } } ]
    })
}

/// A letter the linter passes, and the same letter with free text that breaks an error-level
/// rule (an internal team name).
fn letter_request(details: Option<&str>) -> Value {
    let mut answers = json!({ "needs": ["parents"] });
    if let Some(details) = details {
        answers["details"] = json!(details);
    }
    json!({
        "channel": "letter",
        "language": "en",
        "at": "2026-11-23T10:15:00Z",
        "customer": { "title": "Mrs", "first_name": "Siân", "last_name": "Jones",
                      "address": ["1 High Street", "Cardiff", "CF10 1AA"] },
        "staff": { "first_name": "Sam", "initials": "SB", "office": "Durham" },
        "application": { "reference": "1234567890", "service": "standard" },
        "parts": [ { "template": "request-information", "answers": answers } ]
    })
}

fn plan_request() -> Value {
    json!({
        "role": "examiner",
        "time_zone": "America/New_York",
        "now": "2026-11-23T14:00:00Z",
        "customer": { "first_name": "Siân", "last_name": "Jones" },
        "staff": { "first_name": "Sam", "initials": "SB", "office": "Durham" }
    })
}

/// A body each POST route answers 200 to.
fn sample_body(path: &str) -> Value {
    match path {
        "/api/lint" => json!({ "text": "Your passport will be sent ASAP." }),
        "/api/plan-calls" => plan_request(),
        _ => sample_request(),
    }
}

#[test]
fn health_and_template_routes() {
    let server = Server::start(None);
    let health = get(server.addr, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["templates"], library().templates.len());

    let list = get(server.addr, "/api/templates").json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = library().templates.keys().cloned().collect();
    assert_eq!(ids, expected);

    let one = get(server.addr, "/api/templates/request-new-photo");
    assert_eq!(one.status, 200);
    let one = one.json();
    assert_eq!(one["id"], "request-new-photo");
    assert_eq!(one["questions"][0]["id"], "reasons");
    assert_eq!(one["questions"][0]["kind"], "checkboxes");

    let unknown = assert_error(
        &get(server.addr, "/api/templates/no-such-template"),
        404,
        Some("id"),
    );
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("request-new-photo"),
        "the error lists the templates there are: {unknown}"
    );
}

#[test]
fn path_tricks_in_template_ids_are_refused() {
    let server = Server::start(None);
    for path in [
        "/api/templates/..%2F..%2Fetc%2Fpasswd",
        "/api/templates/%2e%2e",
        "/api/templates/Request-New-Photo",
        "/api/templates/request-new-photo%00",
        "/api/templates/request_new_photo.yaml",
    ] {
        assert_error(&get(server.addr, path), 400, Some("id"));
    }
    // Raw dot segments and slashes reach no route at all.
    for path in ["/api/templates/../../etc/passwd", "/api/templates/a/b"] {
        assert_error(&get(server.addr, path), 404, None);
    }
    assert_eq!(get(server.addr, "/healthz").status, 200);
}

#[test]
fn render_answers_what_the_command_line_prints() {
    let server = Server::start(None);
    let reply = post_json(server.addr, "/api/render", &sample_request());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let parsed: comms::request::Request = serde_json::from_value(sample_request()).unwrap();
    let expected = comms::message::build_message(&library(), &parsed).unwrap();
    assert_eq!(reply.json(), serde_json::to_value(&expected).unwrap());
    let body = reply.json();
    assert!(body["text"].as_str().unwrap().starts_with("Dear Mrs Jones"));
    assert!(body["subject"].is_string());
    assert!(body["findings"].is_array());
    // A charset parameter on the content type is fine.
    let reply = request(
        server.addr,
        "POST",
        "/api/render",
        &[("Content-Type", "application/json; charset=utf-8")],
        sample_request().to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200);
}

#[test]
fn render_refuses_requests_it_cannot_compose_naming_the_field() {
    let server = Server::start(None);
    let mut wrong_type = sample_request();
    wrong_type["parts"][0]["answers"]["reasons"] = json!(5);
    let body = assert_error(
        &post_json(server.addr, "/api/render", &wrong_type),
        422,
        Some("parts[0].answers.reasons"),
    );
    assert!(
        body["message"].as_str().unwrap().contains("shadows"),
        "{body}"
    );

    let mut unknown_value = sample_request();
    unknown_value["parts"][0]["answers"]["reasons"] = json!(["sunburn"]);
    assert_error(
        &post_json(server.addr, "/api/render", &unknown_value),
        422,
        Some("parts[0].answers.reasons"),
    );

    let mut unknown_template = sample_request();
    unknown_template["parts"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "template": "no-such-template" }));
    let body = assert_error(
        &post_json(server.addr, "/api/render", &unknown_template),
        422,
        Some("parts[1]"),
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("request-new-photo")
    );

    let mut header_injection = sample_request();
    header_injection["customer"]["first_name"] = json!("Siân\r\nBcc: everyone@example.com");
    assert_error(
        &post_json(server.addr, "/api/render", &header_injection),
        422,
        Some("customer.first_name"),
    );

    let mut bad_enum = sample_request();
    bad_enum["channel"] = json!("pigeon");
    let body = assert_error(
        &post_json(server.addr, "/api/render", &bad_enum),
        400,
        Some("channel"),
    );
    assert!(
        body["message"].as_str().unwrap().contains("email"),
        "{body}"
    );

    let mut unknown_field = sample_request();
    unknown_field["customer"]["colour"] = json!("blue");
    assert_error(
        &post_json(server.addr, "/api/render", &unknown_field),
        400,
        Some("customer.colour"),
    );
}

#[test]
fn malformed_wrong_type_and_oversize_bodies() {
    let server = Server::start(None);
    let json_type = [("Content-Type", "application/json")];
    let body = assert_error(
        &request(
            server.addr,
            "POST",
            "/api/render",
            &json_type,
            b"{\"parts\": [\n  {\"template\": }",
        ),
        400,
        None,
    );
    assert!(
        body["message"].as_str().unwrap().contains("line 2"),
        "{body}"
    );
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/render",
            &json_type,
            b"{} trailing",
        ),
        400,
        None,
    );
    assert_error(
        &request(server.addr, "POST", "/api/render", &json_type, b""),
        400,
        None,
    );
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/render",
            &json_type,
            &[0xff, 0xfe, b'{'],
        ),
        400,
        None,
    );

    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        assert_error(
            &request(
                server.addr,
                "POST",
                "/api/render",
                &[("Content-Type", content_type)],
                sample_request().to_string().as_bytes(),
            ),
            415,
            None,
        );
    }
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/render",
            &[],
            sample_request().to_string().as_bytes(),
        ),
        415,
        None,
    );

    let big = vec![b' '; 300 * 1024];
    assert_error(
        &request(server.addr, "POST", "/api/render", &json_type, &big),
        413,
        None,
    );
    // Without a length up front: refused once the limit is passed.
    let mut raw = format!(
        "POST /api/render HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    )
    .into_bytes();
    for _ in 0..5 {
        raw.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        raw.extend_from_slice(&vec![b' '; 64 * 1024]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    assert_error(&exchange(server.addr, &raw), 413, None);
    // The page's form has the same limit.
    assert_error(
        &request(
            server.addr,
            "POST",
            "/",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &big,
        ),
        413,
        None,
    );

    // Still serving.
    assert_eq!(
        post_json(server.addr, "/api/render", &sample_request()).status,
        200
    );
}

#[test]
fn wrong_methods_and_unknown_routes_answer_json() {
    let server = Server::start(None);
    assert_error(&get(server.addr, "/api/render"), 405, None);
    assert_error(
        &post_json(server.addr, "/api/templates", &json!({})),
        405,
        None,
    );
    assert_error(&get(server.addr, "/api/nothing-here"), 404, None);
    assert_error(&get(server.addr, "/assets/../Cargo.toml"), 404, None);
}

#[test]
fn slow_requests_are_cut_with_a_timeout() {
    let mut state = AppState::new(library(), None);
    state.timeout = Duration::from_millis(300);
    let server = Server::with_state(state);
    // Headers promise a body that never comes.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/render HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    )
    .unwrap();
    let reply = read_reply(stream);
    assert_error(&reply, 408, None);
    assert_eq!(get(server.addr, "/healthz").status, 200);
}

#[test]
fn the_token_guards_every_route_and_the_page() {
    let server = Server::start(Some("s3cret-token"));
    for path in ["/healthz", "/api/templates", "/api/openapi.json", "/"] {
        let reply = get(server.addr, path);
        assert_error(&reply, 401, None);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }
    assert_error(
        &post_json(server.addr, "/api/render", &sample_request()),
        401,
        None,
    );
    let wrong = request(
        server.addr,
        "GET",
        "/api/templates",
        &[("Authorization", "Bearer s3cret-tokeN")],
        b"",
    );
    assert_error(&wrong, 401, None);
    let right = request(
        server.addr,
        "GET",
        "/api/templates",
        &[("Authorization", "Bearer s3cret-token")],
        b"",
    );
    assert_eq!(right.status, 200);
    let render = request(
        server.addr,
        "POST",
        "/api/render",
        &[
            ("Authorization", "Bearer s3cret-token"),
            ("Content-Type", "application/json"),
        ],
        sample_request().to_string().as_bytes(),
    );
    assert_eq!(render.status, 200);

    // A browser is shown the sign-in form, and signing in sets the cookie.
    let page = request(server.addr, "GET", "/", &[("Accept", "text/html")], b"");
    assert_eq!(page.status, 401);
    assert!(page.text().contains("name=\"token\""));
    let failed = request(
        server.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=guess",
    );
    assert_eq!(failed.status, 401);
    assert!(failed.header("set-cookie").is_none());
    let login = request(
        server.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"token=s3cret-token",
    );
    assert_eq!(login.status, 303);
    let cookie = login.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = request(server.addr, "GET", "/", &[("Cookie", &cookie)], b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Write to a customer"));
}

#[test]
fn openapi_describes_exactly_the_routes_served() {
    let server = Server::start(None);
    let doc = get(server.addr, "/api/openapi.json").json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = 0;
    for (path, methods) in paths {
        for (method, operation) in methods.as_object().unwrap() {
            documented += 1;
            // Every schema an operation names exists.
            for reply in operation["responses"].as_object().unwrap().values() {
                if let Some(reference) =
                    reply["content"]["application/json"]["schema"]["$ref"].as_str()
                {
                    let name = reference.trim_start_matches("#/components/schemas/");
                    assert!(
                        doc["components"]["schemas"][name].is_object(),
                        "{reference}"
                    );
                }
            }
            let concrete = path.replace("{id}", "request-new-photo");
            let reply = match method.as_str() {
                "get" => get(server.addr, &concrete),
                "post" => post_json(server.addr, &concrete, &sample_body(path)),
                other => panic!("unexpected method {other}"),
            };
            assert_eq!(
                reply.status, 200,
                "{method} {path} is documented but answers {}",
                reply.status
            );
        }
    }
    assert_eq!(documented, ROUTES.len());
}

/// Starts the real `comms serve` on a free loopback port with `extra` arguments and the log
/// level `log`; answers the process, its address and the rest of its log.
fn start_binary(
    extra: &[&str],
    log: &str,
) -> (
    std::process::Child,
    SocketAddr,
    BufReader<std::process::ChildStderr>,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .env_remove("COMMS_API_TOKEN")
        .env("COMMS_LOG", log)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr: SocketAddr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    (child, addr, stderr)
}

/// The real binary: it logs only method, route, status and time, and on SIGTERM it finishes
/// the request in flight before it exits.
#[test]
fn the_binary_logs_no_personal_data_and_shuts_down_gracefully() {
    let (mut child, addr, mut stderr) = start_binary(&[], "info");

    // One socket per core shares the port: every connection is answered, whichever thread
    // the kernel gives it to.
    for _ in 0..16 {
        assert_eq!(get(addr, "/healthz").status, 200);
    }

    let mut personal = sample_request();
    personal["customer"]["last_name"] = json!("Zebedee-Quux");
    personal["application"]["reference"] = json!("9988776655");
    assert_eq!(post_json(addr, "/api/render", &personal).status, 200);
    personal["parts"][0]["answers"]["reasons"] = json!("Zebedee-Quux");
    assert_eq!(post_json(addr, "/api/render", &personal).status, 422);
    assert_eq!(get(addr, "/api/templates/Zebedee-Quux").status, 400);

    // A request in flight: headers sent, body still to come.
    let body = sample_request().to_string();
    let mut in_flight = TcpStream::connect(addr).unwrap();
    in_flight
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        in_flight,
        "POST /api/render HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    in_flight.write_all(&body.as_bytes()[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(200));
    in_flight.write_all(&body.as_bytes()[10..]).unwrap();
    let reply = read_reply(in_flight);
    assert_eq!(reply.status, 200, "the request in flight was finished");

    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert!(
        log.contains("route=/api/render") && log.contains("status=422"),
        "{log}"
    );
    for secret in ["Zebedee", "9988776655", "Jones", "Siân", "shadows"] {
        assert!(!log.contains(secret), "the log holds `{secret}`:\n{log}");
    }
}

/// `--threads` sets how many threads serve; each answers, and SIGTERM stops them all.
#[test]
fn the_binary_serves_on_the_threads_it_is_given() {
    let (mut child, addr, _stderr) = start_binary(&["--threads", "3"], "warn");
    let serving = std::fs::read_dir(format!("/proc/{}/task", child.id()))
        .map(|tasks| {
            tasks
                .filter_map(Result::ok)
                .filter(|task| {
                    std::fs::read_to_string(task.path().join("comm"))
                        .is_ok_and(|name| name.starts_with("comms-serve-"))
                })
                .count()
        })
        .unwrap_or(3);
    assert_eq!(serving, 3, "threads named comms-serve-N");
    for _ in 0..12 {
        assert_eq!(
            post_json(addr, "/api/render", &sample_request()).status,
            200
        );
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
}

/// A port already taken by another program is refused with the system's reason, and the
/// threads that did start stop again.
#[test]
fn serving_on_a_taken_port_fails_cleanly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let states = vec![
        AppState::new(library(), None),
        AppState::new(library(), None),
    ];
    let mut announced = false;
    let err = comms::server::serve_on_threads(addr, states, |_| announced = true)
        .expect_err("the port is taken");
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse, "{err}");
    assert!(!announced, "nothing is announced when nothing serves");
}

#[test]
fn render_gives_the_email_as_eml_when_asked() {
    let server = Server::start(None);
    let body = sample_request().to_string();
    let mut asks_in_body = sample_request();
    asks_in_body["format"] = json!("eml");
    let asks_in_body = asks_in_body.to_string();
    let json_type = ("Content-Type", "application/json");
    // The query, the request's own `format` field (over `Accept`), or `Accept` alone.
    for (path, accept, body) in [
        ("/api/render?format=eml", "*/*", &body),
        ("/api/render", "message/rfc822", &body),
        ("/api/render", "application/json", &asks_in_body),
    ] {
        let reply = request(
            server.addr,
            "POST",
            path,
            &[json_type, ("Accept", accept)],
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("content-type"), Some("message/rfc822"));
        assert!(
            reply
                .header("content-disposition")
                .unwrap()
                .starts_with("attachment")
        );
        let eml = reply.text();
        assert!(eml.contains("\r\nSubject: "), "{eml}");
        assert!(eml.contains("sian.jones@example.com"));
    }
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/render?format=docx",
            &[json_type],
            body.as_bytes(),
        ),
        400,
        Some("format"),
    );
    let mut unknown = sample_request();
    unknown["format"] = json!("docx");
    let refused = assert_error(
        &post_json(server.addr, "/api/render", &unknown),
        400,
        Some("format"),
    );
    assert!(
        refused["message"].as_str().unwrap().contains("eml"),
        "{refused}"
    );
    // The query wins over the field.
    let reply = request(
        server.addr,
        "POST",
        "/api/render?format=json",
        &[json_type],
        asks_in_body.as_bytes(),
    );
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(reply.json()["text"].as_str().is_some());
    let mut no_address = sample_request();
    no_address["customer"]["email"] = Value::Null;
    assert_error(
        &post_json(server.addr, "/api/render?format=eml", &no_address),
        422,
        Some("customer.email"),
    );

    // The page's download button posts the form.
    let form = "template=request-new-photo&answer.request-new-photo.reasons=shadows&title=Mrs\
&first_name=Si%C3%A2n&last_name=Jones&email=sian.jones%40example.com&staff_first_name=Sam\
&staff_initials=SB&staff_office=Durham&format=eml";
    let form_type = ("Content-Type", "application/x-www-form-urlencoded");
    let reply = request(
        server.addr,
        "POST",
        "/download",
        &[form_type],
        form.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("message/rfc822"));
    let unanswered = "template=request-new-photo&first_name=A&format=eml";
    let reply = request(
        server.addr,
        "POST",
        "/download",
        &[form_type],
        unanswered.as_bytes(),
    );
    assert_eq!(reply.status, 422);
    assert!(reply.text().contains("There is a problem"));
}

#[test]
fn lint_answers_what_the_command_line_prints() {
    let server = Server::start(None);
    let text = "It has been passed to CSMT.\nYour passport will be sent ASAP.";
    let reply = post_json(server.addr, "/api/lint", &json!({ "text": text }));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let expected = comms::lint::lint_text(&library().rules, text);
    assert!(!expected.is_empty());
    assert_eq!(
        reply.json(),
        json!({ "findings": serde_json::to_value(&expected).unwrap() })
    );
    let findings = reply.json()["findings"].clone();
    let jargon = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["text"] == "CSMT")
        .unwrap_or_else(|| panic!("no finding on CSMT: {findings}"));
    assert_eq!(jargon["severity"], "error");
    assert_eq!(jargon["field"], "body");
    assert_eq!(jargon["line"], 1);

    // Clean text has no findings.
    let clean = post_json(
        server.addr,
        "/api/lint",
        &json!({ "text": "Thank you for your application." }),
    );
    assert_eq!(clean.json()["findings"], json!([]));

    // Bad bodies: the wrong shape names the field; an unknown field is refused; not JSON.
    assert_error(
        &post_json(server.addr, "/api/lint", &json!({ "text": 5 })),
        400,
        Some("text"),
    );
    let unknown = assert_error(
        &post_json(server.addr, "/api/lint", &json!({ "txt": "hello" })),
        400,
        None,
    );
    assert!(
        unknown["message"].as_str().unwrap().contains("txt"),
        "{unknown}"
    );
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/lint",
            &[("Content-Type", "text/plain")],
            b"It has been passed to CSMT.",
        ),
        415,
        None,
    );
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/lint",
            &[("Content-Type", "application/json")],
            b"{\"text\": ",
        ),
        400,
        None,
    );
    let huge = json!({ "text": "a ".repeat(200_000) });
    assert_error(&post_json(server.addr, "/api/lint", &huge), 413, None);
}

#[test]
fn plan_calls_answers_the_plan_and_names_bad_fields() {
    let server = Server::start(None);
    let reply = post_json(server.addr, "/api/plan-calls", &plan_request());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let parsed: comms::plan::PlanRequest = serde_json::from_value(plan_request()).unwrap();
    let expected = comms::plan::plan_calls(&library(), &parsed).unwrap();
    assert_eq!(reply.json(), serde_json::to_value(&expected).unwrap());
    let plan = reply.json();
    assert_eq!(plan["time_zone"], "America/New_York");
    assert_eq!(plan["international"], true);
    // 14:00 UTC is 09:00 in New York: an examiner may call now.
    assert_eq!(plan["can_call_now"], true, "{plan}");
    let voicemail = plan["attempts"][0]["voicemail"]["text"].as_str().unwrap();
    assert!(voicemail.contains("Sam"), "{voicemail}");

    let mut bad_zone = plan_request();
    bad_zone["time_zone"] = json!("America/New_Yrok");
    let body = assert_error(
        &post_json(server.addr, "/api/plan-calls", &bad_zone),
        422,
        Some("time_zone"),
    );
    assert!(body["message"].as_str().unwrap().contains("IANA"), "{body}");

    let mut bad_country = plan_request();
    bad_country["time_zone"] = Value::Null;
    bad_country["country"] = json!("US");
    let body = assert_error(
        &post_json(server.addr, "/api/plan-calls", &bad_country),
        422,
        Some("country"),
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("America/New_York"),
        "the error names zones to choose from: {body}"
    );
    bad_country["country"] = json!("ZZ");
    assert_error(
        &post_json(server.addr, "/api/plan-calls", &bad_country),
        422,
        Some("country"),
    );

    let mut unknown_field = plan_request();
    unknown_field["timezone"] = json!("Europe/London");
    assert_error(
        &post_json(server.addr, "/api/plan-calls", &unknown_field),
        400,
        None,
    );
    let mut wrong_type = plan_request();
    wrong_type["happy_outside_hours"] = json!("yes");
    assert_error(
        &post_json(server.addr, "/api/plan-calls", &wrong_type),
        400,
        Some("happy_outside_hours"),
    );
    assert_error(
        &request(
            server.addr,
            "POST",
            "/api/plan-calls",
            &[("Content-Type", "text/yaml")],
            b"time_zone: Europe/London",
        ),
        415,
        None,
    );
}

#[test]
fn render_gives_the_letter_as_pdf_when_asked() {
    let server = Server::start(None);
    let body = letter_request(None).to_string();
    let mut asks_in_body = letter_request(None);
    asks_in_body["format"] = json!("pdf");
    let asks_in_body = asks_in_body.to_string();
    let json_type = ("Content-Type", "application/json");
    let mut pdfs = Vec::new();
    for (path, accept, body) in [
        ("/api/render?format=pdf", "*/*", &body),
        ("/api/render", "application/pdf", &body),
        ("/api/render", "*/*", &asks_in_body),
    ] {
        let reply = request(
            server.addr,
            "POST",
            path,
            &[json_type, ("Accept", accept)],
            body.as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert_eq!(reply.header("content-type"), Some("application/pdf"));
        assert!(
            reply
                .header("content-disposition")
                .unwrap()
                .starts_with("attachment")
        );
        assert!(reply.body.starts_with(b"%PDF-"));
        pdfs.push(reply.body);
    }
    // The same letter as the renderer makes it.
    let parsed: comms::request::Request = serde_json::from_value(letter_request(None)).unwrap();
    let message = comms::message::build_message(&library(), &parsed).unwrap();
    let expected = comms::render::letter::render(
        &message.document,
        &message.findings,
        &comms::render::letter::LetterSettings::default(),
    )
    .unwrap();
    assert_eq!(pdfs[0], expected);
    assert_eq!(pdfs[1], expected);
    assert_eq!(pdfs[2], expected);

    // Error-level findings refuse the letter, listing them; a draft is produced.
    let jargon = letter_request(Some("It has been passed to CSMT."));
    let refused = assert_error(
        &post_json(server.addr, "/api/render?format=pdf", &jargon),
        422,
        None,
    );
    assert!(
        refused["message"].as_str().unwrap().contains("draft"),
        "{refused}"
    );
    let problems = refused["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["message"].as_str().unwrap().contains("[jargon]") && p["field"] == "body"),
        "{refused}"
    );
    let mut draft = jargon.clone();
    draft["draft"] = json!(true);
    let reply = post_json(server.addr, "/api/render?format=pdf", &draft);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.body.starts_with(b"%PDF-"));

    // Not a letter, or no address: refused naming the field.
    let not_letter = assert_error(
        &post_json(server.addr, "/api/render?format=pdf", &sample_request()),
        422,
        Some("channel"),
    );
    assert!(
        not_letter["message"]
            .as_str()
            .unwrap()
            .contains("channel: letter"),
        "{not_letter}"
    );
    let mut no_address = letter_request(None);
    no_address["customer"]["address"] = json!([]);
    assert_error(
        &post_json(server.addr, "/api/render?format=pdf", &no_address),
        422,
        Some("customer.address"),
    );

    // The page offers the download for a letter, and its button posts the form.
    let form = "template=request-information&answer.request-information.needs=parents&channel=letter\
&title=Mrs&first_name=Si%C3%A2n&last_name=Jones&address=1+High+Street%0D%0ACardiff%0D%0ACF10+1AA\
&staff_first_name=Sam&staff_initials=SB&staff_office=Durham&reference=1234567890";
    let form_type = ("Content-Type", "application/x-www-form-urlencoded");
    let page = request(server.addr, "POST", "/", &[form_type], form.as_bytes());
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("Download the letter (PDF)"),
        "{}",
        page.text()
    );
    assert!(!page.text().contains("Download the email (.eml)"));
    let reply = request(
        server.addr,
        "POST",
        "/download",
        &[form_type],
        format!("{form}&format=pdf").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with(b"%PDF-"));
    // An address the envelope window cannot hold: the page says so, in HTML.
    let long_address = form.replace(
        "address=1+High+Street",
        "address=The+Old+Rectory+at+the+Top+of+the+Very+Long+Hill+Road+Behind+the+Church",
    );
    let reply = request(
        server.addr,
        "POST",
        "/download",
        &[form_type],
        format!("{long_address}&format=pdf").as_bytes(),
    );
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(reply.text().contains("There is a problem"));
    assert!(
        reply.text().contains("customer.address[0]"),
        "{}",
        reply.text()
    );
    // An email preview offers no PDF.
    let email_form = form.replace("channel=letter", "channel=email");
    let page = request(
        server.addr,
        "POST",
        "/",
        &[form_type],
        email_form.as_bytes(),
    );
    assert!(!page.text().contains("Download the letter (PDF)"));
}
