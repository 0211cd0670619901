//! The `comms` command line: a thin edge over the library crate.

fn main() -> std::process::ExitCode {
    comms::tune_allocator();
    comms::cli::run()
}
