//! `halo`, the command-line client generated from the spec: every
//! collection and operation of the `halopsa` crate is a command. Built with
//! the `cli` feature: `cargo install --path generated-client --features cli`.

fn main() -> std::process::ExitCode {
    halopsa::cli::main()
}
