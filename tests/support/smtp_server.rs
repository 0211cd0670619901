//! A real SMTP server for tests and benchmarks: the `mailin` SMTP protocol state machine on a
//! loopback port chosen by the system, recording what it accepts. It can be told to answer a
//! number of messages with a temporary failure, to refuse every message permanently, or to
//! drop the connection part-way through the message. It stops when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use mailin::{Action, Handler, Response, SessionBuilder};

/// How the server treats the messages it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Accept every message.
    Accept,
    /// Answer the first `n` messages with `451`, then accept.
    TemporaryFailures(u32),
    /// Answer every message with `550`.
    Refuse,
    /// Close the connection after a few lines of the message, without replying.
    CloseMidMessage,
}

/// One accepted message, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    temporary_failures_left: u32,
    /// Messages the server saw the end of (accepted or not).
    attempts: u32,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stopping: Arc<AtomicBool>,
    acceptor: Option<thread::JoinHandle<()>>,
}

impl SmtpServer {
    pub fn start(behaviour: Behaviour) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            temporary_failures_left: match behaviour {
                Behaviour::TemporaryFailures(n) => n,
                _ => 0,
            },
            ..State::default()
        }));
        let stopping = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let state = Arc::clone(&state);
            let stopping = Arc::clone(&stopping);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = Arc::clone(&state);
                    thread::spawn(move || serve(stream, behaviour, state));
                }
            })
        };
        SmtpServer {
            addr,
            state,
            stopping,
            acceptor: Some(acceptor),
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Messages whose end the server saw, accepted or refused.
    pub fn attempts(&self) -> u32 {
        self.state.lock().unwrap().attempts
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

#[derive(Clone)]
struct Recorder {
    state: Arc<Mutex<State>>,
    behaviour: Behaviour,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_string();
        self.to = to.to_vec();
        self.data.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut state = self.state.lock().unwrap();
        state.attempts += 1;
        if state.temporary_failures_left > 0 {
            state.temporary_failures_left -= 1;
            return Response::custom(451, "4.3.0 Mail server busy, try again later".into());
        }
        if self.behaviour == Behaviour::Refuse {
            return Response::custom(550, "5.1.1 <recipient> Mailbox unavailable".into());
        }
        state.received.push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: std::mem::take(&mut self.data),
        });
        Response::custom(250, "2.0.0 Ok: queued".into())
    }
}

fn serve(stream: TcpStream, behaviour: Behaviour, state: Arc<Mutex<State>>) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let peer = stream
        .peer_addr()
        .map(|addr| addr.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let recorder = Recorder {
        state,
        behaviour,
        from: String::new(),
        to: Vec::new(),
        data: Vec::new(),
    };
    let builder = SessionBuilder::new("comms-test-smtp");
    let mut session = builder.build(peer, recorder.clone());
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut in_data = false;
    let mut data_lines = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if in_data {
            data_lines += 1;
            if behaviour == Behaviour::CloseMidMessage && data_lines >= 5 {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => continue,
            Action::Reply | Action::UpgradeTls => {
                if response.write_to(&mut writer).is_err() || writer.flush().is_err() {
                    return;
                }
                if in_data && response.is_error {
                    // mailin stays in its DATA state after a refused message; start a fresh
                    // session in the greeted state so RSET and QUIT are understood.
                    session = builder.build(peer, recorder.clone());
                    let _ = session.process(b"EHLO comms-test-client\r\n");
                }
                in_data = response.code == 354;
            }
            Action::Close => {
                let _ = response.write_to(&mut writer);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}
