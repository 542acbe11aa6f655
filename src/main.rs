#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    let options = kiln::ClientOptions::parse();
    match kiln::run(options) {
        bevy::app::AppExit::Success => std::process::ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => std::process::ExitCode::from(code.get()),
    }
}

/// In a browser tab: the options come from the page's address, and the app runs on the page's
/// event loop after `main` returns.
#[cfg(target_arch = "wasm32")]
fn main() {
    match kiln::options_from_address() {
        Ok(options) => {
            kiln::run(options);
        }
        Err(error) => bevy::log::error!("kiln: {error}"),
    }
}
