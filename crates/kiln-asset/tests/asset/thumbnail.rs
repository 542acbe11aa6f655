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

/// A thumbnail shows its object: framed (it fills a fair share of the picture, and it is not
/// cut off at an edge) and in its colour. With $KILN_THUMBNAIL_DIR set, they are written there
/// to look at as well.
#[test]
fn thumbnails_frame_their_object_in_its_colour() {
    for (prompt, colour) in [
        ("a tall red chair with gold legs", Some(0)),
        ("a round white mushroom with red spots", None),
        ("a stone tower with a blue roof", None),
        ("a wooden sword with a gold hilt", None),
        ("a green tree", Some(1)),
        ("a blue vase", Some(2)),
    ] {
        let mesh = object(prompt);
        let image = render_thumbnail(&mesh, 96);
        // The background is a vertical gradient: each row's left pixel is its colour.
        let background = |y: u32| *image.get_pixel(0, y);
        let object: Vec<[f32; 3]> = image
            .enumerate_pixels()
            .filter(|(_, y, pixel)| **pixel != background(*y))
            .map(|(_, _, pixel)| [0, 1, 2].map(|c| f32::from(pixel[c])))
            .collect();
        let share = object.len() as f32 / (96.0 * 96.0);
        assert!(
            (0.03..0.9).contains(&share),
            "{prompt}: the object covers {share}"
        );
        let (width, height) = image.dimensions();
        let edge = (0..width)
            .flat_map(|x| [(x, 0), (x, height - 1)])
            .chain((0..height).map(|y| (width - 1, y)));
        let touching = edge
            .filter(|&(x, y)| *image.get_pixel(x, y) != background(y))
            .count();
        assert!(
            touching < 8,
            "{prompt}: {touching} edge pixels show the object"
        );
        if let Some(channel) = colour {
            let mean: [f32; 3] = [0, 1, 2]
                .map(|c| object.iter().map(|pixel| pixel[c]).sum::<f32>() / object.len() as f32);
            assert!(
                (0..3).all(|other| other == channel || mean[channel] > mean[other] * 1.15),
                "{prompt}: mean colour {mean:?}"
            );
        }
        if let Some(dir) = std::env::var_os("KILN_THUMBNAIL_DIR") {
            let path = std::path::Path::new(&dir).join(format!("{}.png", prompt.replace(' ', "-")));
            std::fs::write(path, thumbnail_png(&mesh)).unwrap();
        }
    }
}
