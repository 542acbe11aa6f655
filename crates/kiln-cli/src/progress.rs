//! Progress on stderr for every long operation: a bar when the total is known, a spinner with a
//! running byte count when it is not. Hidden when stderr is not a terminal (indicatif's rule).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `total` bytes.
pub fn bytes(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} ({eta})")
            .expect("the template is valid"),
    );
    bar.set_message(message);
    bar
}

/// A spinner counting bytes of unknown total.
pub fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes} ({bytes_per_sec})")
            .expect("the template is valid"),
    );
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
