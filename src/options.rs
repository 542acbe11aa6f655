//! Command-line options of the client binary.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Parser;

/// `kiln`: the Kiln world client.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
pub struct ClientOptions {
    /// Render the world, save a PNG of the window to PATH and exit.
    #[arg(long, value_name = "PATH", value_parser = screenshot_path)]
    pub screenshot: Option<PathBuf>,

    /// With --screenshot: how many frames to render before the picture is taken.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub frames: u32,

    /// Window size in pixels, as WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720")]
    pub size: WindowSize,

    /// Where Kiln keeps its state (blockstore, outbox, sandbox chain, keys), shared with
    /// `kiln-cli`. Default: the platform data directory, e.g. ~/.local/share/kiln.
    #[arg(long, env = "KILN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Open the creator with this prompt and generate it at once (with --screenshot: the
    /// picture waits for the preview).
    #[arg(long, value_name = "TEXT")]
    pub prompt: Option<String>,

    /// The seed for --prompt.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Run the actions of this TOML file (prompt, generate, mint, place, wait, screenshot) and
    /// exit: 0 when every one succeeded, 1 with the reason when one did not.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,

    /// Measure the frame time with 0, N/10 and N items standing in the world, print the table
    /// and exit (use an empty data directory: the world's own items are drawn too).
    #[arg(long, value_name = "N")]
    pub bench_world: Option<usize>,
}

/// A path the screenshot can be written to. Its folder must exist, so that a typo fails at once
/// instead of after the world has rendered.
fn screenshot_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    if text.ends_with(['/', '\\']) || path.file_name().is_none() {
        return Err(format!(
            "'{text}' is a folder, not a file: give a file name such as world.png"
        ));
    }
    let folder = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(format!(
            "the folder {} does not exist: create it or write the screenshot elsewhere",
            folder.display()
        ));
    }
    Ok(path)
}

/// A window size in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

impl FromStr for WindowSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage =
            || format!("'{text}' is not a window size: write it as WIDTHxHEIGHT, e.g. 1280x720");
        let (width, height) = text.split_once(['x', 'X']).ok_or_else(usage)?;
        let width: u32 = width.trim().parse().map_err(|_| usage())?;
        let height: u32 = height.trim().parse().map_err(|_| usage())?;
        if !(16..=8192).contains(&width) || !(16..=8192).contains(&height) {
            return Err(format!(
                "window size {width}x{height} is out of range: each side must be 16 to 8192 pixels"
            ));
        }
        Ok(Self { width, height })
    }
}

impl fmt::Display for WindowSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_width_by_height() {
        assert_eq!(
            "640x360".parse::<WindowSize>(),
            Ok(WindowSize {
                width: 640,
                height: 360
            })
        );
        assert_eq!(
            "1920X1080".parse::<WindowSize>().map(|s| s.to_string()),
            Ok("1920x1080".to_string())
        );
    }

    #[test]
    fn rejects_sizes_that_are_not_width_by_height() {
        for bad in ["", "640", "640x", "x360", "-1x20", "640*360", "axb"] {
            let error = bad.parse::<WindowSize>().unwrap_err();
            assert!(error.contains("WIDTHxHEIGHT"), "{bad}: {error}");
        }
    }

    #[test]
    fn rejects_sizes_out_of_range() {
        assert!(
            "8x8"
                .parse::<WindowSize>()
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            "100000x100"
                .parse::<WindowSize>()
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn screenshot_folder_must_exist() {
        let temp = tempfile::tempdir().unwrap();
        let good = temp.path().join("world.png");
        assert_eq!(screenshot_path(good.to_str().unwrap()), Ok(good));
        assert_eq!(screenshot_path("world.png"), Ok(PathBuf::from("world.png")));
        let missing = temp.path().join("no-such-folder").join("world.png");
        let error = screenshot_path(missing.to_str().unwrap()).unwrap_err();
        assert!(error.contains("does not exist"), "{error}");
        let folder = format!("{}/", temp.path().display());
        assert!(
            screenshot_path(&folder)
                .unwrap_err()
                .contains("is a folder")
        );
    }

    #[test]
    fn frames_must_be_positive() {
        assert!(ClientOptions::try_parse_from(["kiln", "--frames", "0"]).is_err());
        let options = ClientOptions::try_parse_from(["kiln", "--screenshot", "a.png"]).unwrap();
        assert_eq!(options.frames, 30);
        assert_eq!(options.size.to_string(), "1280x720");
    }
}
