use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `kiln` with `args` on the data directory `data` in a virtual X display (xvfb-run) on the
/// Vulkan backend, the way CI and a headless developer machine do. Without xvfb-run it uses the
/// caller's display.
pub fn run_client(data: &Path, args: &[&str]) -> Output {
    run_client_with(data, args, &[])
}

/// [`run_client`] with extra environment variables.
pub fn run_client_with(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let client = env!("CARGO_BIN_EXE_kiln");
    let mut command = if which("xvfb-run") {
        let mut command = Command::new("xvfb-run");
        command.args(["-a", "-s", "-screen 0 1920x1080x24", client]);
        command
    } else {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "the client test needs a display: install xvfb (scripts/test does) or set DISPLAY"
        );
        Command::new(client)
    };
    command
        .args(args)
        .env("KILN_DATA_DIR", data)
        .envs(env.iter().copied());
    if std::env::var_os("WGPU_BACKEND").is_none() {
        command.env("WGPU_BACKEND", "vulkan");
    }
    command.output().expect("the client starts")
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn mean_colour(picture: &image::RgbImage, rows: std::ops::Range<u32>) -> [f64; 3] {
    let mut sum = [0f64; 3];
    let mut count = 0f64;
    for y in rows {
        for x in 0..picture.width() {
            let pixel = picture.get_pixel(x, y);
            for channel in 0..3 {
                sum[channel] += f64::from(pixel[channel]);
            }
            count += 1.0;
        }
    }
    sum.map(|s| s / count)
}

#[test]
fn screenshot_shows_sky_above_a_ground_of_plots() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.png");
    let output = run_client(
        &dir.path().join("data"),
        &[
            "--screenshot",
            path.to_str().unwrap(),
            "--frames",
            "10",
            "--size",
            "640x360",
        ],
    );
    assert!(output.status.success(), "{}", describe(&output));
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("wrote") && summary.contains("(640x360)"),
        "{summary}"
    );

    let picture = image::open(&path).unwrap().to_rgb8();
    assert_eq!(picture.dimensions(), (640, 360));

    // A real scene has light, shade and texture; a blank or single-colour frame has a handful.
    let distinct: HashSet<[u8; 3]> = picture.pixels().map(|p| p.0).collect();
    assert!(
        distinct.len() > 2000,
        "only {} distinct colours",
        distinct.len()
    );

    // The panels are drawn on the player's view: the top bar is there, dark.
    let bar = mean_colour(&picture, 2..20);
    assert!(
        bar.iter().all(|channel| *channel < 70.0),
        "no top bar: {bar:?}"
    );

    // Below the top bar the sky is blue, and the ground at the bottom is not.
    let sky = mean_colour(&picture, 40..70);
    let ground = mean_colour(&picture, 300..360);
    assert!(
        sky[2] > sky[0] + 20.0 && sky[2] > 100.0,
        "sky is not blue: {sky:?}"
    );
    assert!(
        ground[1] > ground[2],
        "ground is not green or earthy: {ground:?}"
    );
    let difference: f64 = (0..3).map(|c| (sky[c] - ground[c]).abs()).sum();
    assert!(
        difference > 60.0,
        "sky {sky:?} and ground {ground:?} look alike"
    );
}

#[test]
fn a_bad_window_size_is_a_usage_error_not_a_crash() {
    let output = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["--size", "wide", "--screenshot", "never.png"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("WIDTHxHEIGHT"), "{stderr}");
    assert!(!Path::new("never.png").exists());
}
