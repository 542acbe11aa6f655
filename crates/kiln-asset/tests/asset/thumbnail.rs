//! Thumbnails: the object is in the picture, lit, on the background, the same everywhere.

use kiln_asset::{THUMBNAIL_SIZE, render_thumbnail, thumbnail_png};
use kiln_gen::mesher::{MeshOptions, mesh_field};
use kiln_gen::shapes::sample_shape;
use kiln_gen::{Mesh, parse};

fn object(prompt: &str) -> Mesh {
    let shape = sample_shape(&parse(prompt).unwrap().description, 1);
    let field = shape.sample_field(&shape.unit_frame(), 40);
    mesh_field(&field, &MeshOptions::default()).unwrap()
}

#[test]
fn the_object_fills_the_middle_and_the_background_surrounds_it() {
    let image = render_thumbnail(&object("a red mushroom"), 256);
    let red = |p: [u8; 3]| u16::from(p[0]) > u16::from(p[1]) + 40;
    let corner = image.get_pixel(2, 2).0;
    assert!(
        corner[0].abs_diff(corner[2]) < 8,
        "neutral background {corner:?}"
    );
    let object_pixels = image.pixels().filter(|p| red(p.0)).count();
    assert!(
        object_pixels > 256 * 256 / 10,
        "the object covers {object_pixels} pixels"
    );
    // In the middle of the picture.
    let (sum_x, sum_y) = image
        .enumerate_pixels()
        .filter(|(_, _, p)| red(p.0))
        .fold((0u64, 0u64), |(sx, sy), (x, y, _)| {
            (sx + u64::from(x), sy + u64::from(y))
        });
    let centre = (sum_x / object_pixels as u64, sum_y / object_pixels as u64);
    assert!(
        centre.0.abs_diff(128) < 40 && centre.1.abs_diff(128) < 50,
        "centred at {centre:?}"
    );
    // Lit: the object has light and dark sides.
    let reds: Vec<u8> = image
        .pixels()
        .filter(|p| red(p.0))
        .map(|p| p.0[0])
        .collect();
    let (lo, hi) = (reds.iter().min().unwrap(), reds.iter().max().unwrap());
    assert!(hi - lo > 60, "shading from {lo} to {hi}");
}

#[test]
fn thumbnails_are_512_pixel_pngs_and_deterministic() {
    let mesh = object("a blue vase");
    let png = thumbnail_png(&mesh);
    assert_eq!(&png[1..4], b"PNG");
    let decoded = image::load_from_memory(&png).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (THUMBNAIL_SIZE, THUMBNAIL_SIZE)
    );
    assert_eq!(png, thumbnail_png(&mesh));
}

#[test]
fn an_empty_mesh_renders_the_background_without_panicking() {
    let image = render_thumbnail(&Mesh::default(), 64);
    assert_eq!(image.width(), 64);
}

/// Writes thumbnails of procedural objects to $KILN_THUMBNAIL_DIR, to look at.
#[test]
fn write_thumbnails_to_look_at() {
    let Some(dir) = std::env::var_os("KILN_THUMBNAIL_DIR") else {
        return;
    };
    for prompt in [
        "a tall red chair with gold legs",
        "a round white mushroom with red spots",
        "a stone tower with a blue roof",
        "a wooden sword with a gold hilt",
        "a green tree",
        "a blocky house",
    ] {
        let path = std::path::Path::new(&dir).join(format!("{}.png", prompt.replace(' ', "-")));
        std::fs::write(path, thumbnail_png(&object(prompt))).unwrap();
    }
}
