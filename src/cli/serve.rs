//! `comms serve`: the staff web page and the JSON API on one address (127.0.0.1:8080 unless
//! told otherwise), on the library loaded once at start-up.

use std::net::SocketAddr;
use std::path::Path;

use clap::Args;

use super::{EXIT_BAD_INPUT, EXIT_OK, load_library};
use crate::library::Library;
use crate::server::{AppState, serve_on_threads};

/// The variable holding the access token; when set, every request must carry it.
pub const TOKEN_VARIABLE: &str = "COMMS_API_TOKEN";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Use 0.0.0.0 only behind a proxy that adds TLS, and with
    /// COMMS_API_TOKEN set.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Threads that serve, each with its own copy of the library (1 to 64; the number of
    /// cores unless given).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
}

/// One library for each thread that serves (one per core), each loaded from `library_dir`
/// on its own so that the threads share no memory; `first` is the one already loaded and
/// checked. A library that changed between loads is refused.
fn library_per_thread(
    library_dir: &Path,
    first: Library,
    threads: usize,
) -> Result<Vec<Library>, String> {
    let mut libraries = Vec::with_capacity(threads);
    for _ in 1..threads {
        let copy = Library::load(library_dir).map_err(|errors| {
            format!(
                "the library in {} changed while the server started; start it again:\n{errors}",
                library_dir.display()
            )
        })?;
        if !copy.same_content(&first) {
            return Err(format!(
                "the library in {} changed while the server started; start it again",
                library_dir.display()
            ));
        }
        libraries.push(copy);
    }
    libraries.push(first);
    Ok(libraries)
}

pub fn run(library_dir: &Path, args: ServeArgs) -> u8 {
    let library = match load_library(library_dir) {
        Ok(library) => library,
        Err(status) => return status,
    };
    let token = std::env::var(TOKEN_VARIABLE)
        .ok()
        .map(|token| token.trim().to_string())
        .filter(|token| !token.is_empty());
    crate::server::log::init(
        tracing_subscriber::EnvFilter::try_from_env("COMMS_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
    );
    let settings = match super::send::load_config(None) {
        Ok(config) => config.map(|config| config.email).unwrap_or_default(),
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let protected = token.is_some();
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let libraries = match library_per_thread(library_dir, library, threads) {
        Ok(libraries) => libraries,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_BAD_INPUT;
        }
    };
    let states = libraries
        .into_iter()
        .map(|library| {
            let mut state = AppState::new(library, token.clone());
            state.email = settings.clone();
            state
        })
        .collect();
    let result = serve_on_threads(args.addr, states, |addr| {
        eprintln!(
            "comms: serving the staff page at http://{addr}/ and the API at http://{addr}/api/{}",
            if protected {
                " (COMMS_API_TOKEN set: requests need the token)"
            } else {
                ""
            }
        );
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(err) => {
            eprintln!("error: cannot serve on {}: {err}", args.addr);
            EXIT_BAD_INPUT
        }
    }
}
