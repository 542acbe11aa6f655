use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let options = kiln::ClientOptions::parse();
    match kiln::run(options) {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
