//! The `comms` command line: a thin edge over the library crate.

/// mimalloc: the pipeline makes many small, short-lived strings, which it serves faster than
/// the system allocator, notably with the service's threads allocating at once.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    comms::cli::run()
}
