//! The item's thumbnail: the object seen from three quarters above, lit by a key light and a
//! soft fill, on a neutral background, rendered on the CPU (so the CLI needs no GPU) with
//! arithmetic whose results IEEE 754 fixes (+, ×, ÷, √; no `powf`, whose last bits vary between
//! C libraries), so the same mesh gives the same PNG on every machine.

use image::{ImageEncoder, RgbImage};
use kiln_gen::Mesh;
use kiln_gen::vocab::Material;

/// Side of a thumbnail in pixels.
pub const THUMBNAIL_SIZE: u32 = 512;
/// Samples per pixel side (4 samples per pixel): edges without jaggies.
const SUPERSAMPLING: u32 = 2;

type Vec3 = [f32; 3];

/// Renders `mesh` as a `size`×`size` picture.
pub fn render_thumbnail(mesh: &Mesh, size: u32) -> RgbImage {
    let side = size * SUPERSAMPLING;
    let mut colour = vec![[0.0f32; 3]; (side * side) as usize];
    let mut depth = vec![f32::INFINITY; (side * side) as usize];
    for y in 0..side {
        let t = y as f32 / side as f32;
        // A soft vertical gradient, light grey to a little darker at the bottom (linear light).
        let shade = 0.62 - 0.14 * t;
        for x in 0..side {
            colour[(y * side + x) as usize] = [shade, shade, shade * 1.02];
        }
    }
    let camera = Camera::framing(mesh, side);
    let key = normalize([-0.45, 0.8, 0.55]);
    let fill = normalize([0.6, 0.3, -0.4]);
    let projected: Vec<(Vec3, f32)> = mesh.positions.iter().map(|&p| camera.project(p)).collect();
    for primitive in &mesh.primitives {
        let (metallic, specular) = match primitive.material {
            Material::Metal | Material::Gold | Material::Silver => (true, 0.6),
            Material::Glass | Material::Crystal | Material::Ceramic | Material::Plastic => {
                (false, 0.35)
            }
            _ => (false, 0.08),
        };
        for triangle in primitive.indices.chunks_exact(3) {
            let [a, b, c] = [triangle[0], triangle[1], triangle[2]].map(|i| i as usize);
            if a >= projected.len() || b >= projected.len() || c >= projected.len() {
                continue;
            }
            let ((pa, _), (pb, _), (pc, _)) = (projected[a], projected[b], projected[c]);
            let area = edge(pa, pb, pc);
            if area <= 0.0 {
                continue; // facing away (counter-clockwise triangles face the camera)
            }
            let min_x = pa[0].min(pb[0]).min(pc[0]).floor().max(0.0) as u32;
            let max_x = pa[0].max(pb[0]).max(pc[0]).ceil().min(side as f32 - 1.0) as u32;
            let min_y = pa[1].min(pb[1]).min(pc[1]).floor().max(0.0) as u32;
            let max_y = pa[1].max(pb[1]).max(pc[1]).ceil().min(side as f32 - 1.0) as u32;
            if min_x > max_x || min_y > max_y {
                continue;
            }
            let shade = |vertex: usize| {
                let normal = mesh.normals.get(vertex).copied().unwrap_or([0.0, 1.0, 0.0]);
                let albedo = mesh
                    .colours
                    .get(vertex)
                    .copied()
                    .unwrap_or([200, 200, 200])
                    .map(to_linear);
                let diffuse =
                    0.28 + 0.75 * dot(normal, key).max(0.0) + 0.25 * dot(normal, fill).max(0.0);
                let half = normalize(add(key, camera.towards_viewer));
                let highlight = dot(normal, half).max(0.0);
                let highlight = highlight * highlight;
                let highlight = highlight * highlight;
                let highlight = highlight * highlight * highlight * specular;
                let tint = if metallic { albedo } else { [1.0; 3] };
                let base = if metallic { 0.55 } else { 1.0 };
                [0, 1, 2].map(|i| albedo[i] * diffuse * base + tint[i] * highlight)
            };
            let (sa, sb, sc) = (shade(a), shade(b), shade(c));
            for y in min_y..=max_y {
                for x in min_x..=max_x {
                    let p = [x as f32 + 0.5, y as f32 + 0.5, 0.0];
                    let (wa, wb, wc) = (edge(pb, pc, p), edge(pc, pa, p), edge(pa, pb, p));
                    if wa < 0.0 || wb < 0.0 || wc < 0.0 {
                        continue;
                    }
                    let (wa, wb, wc) = (wa / area, wb / area, wc / area);
                    let z = wa * pa[2] + wb * pb[2] + wc * pc[2];
                    let pixel = (y * side + x) as usize;
                    if z < depth[pixel] {
                        depth[pixel] = z;
                        colour[pixel] = [0, 1, 2].map(|i| wa * sa[i] + wb * sb[i] + wc * sc[i]);
                    }
                }
            }
        }
    }
    // Average each block of samples, then back to sRGB (gamma 2 through √, exactly rounded).
    let mut image = RgbImage::new(size, size);
    for (x, y, pixel) in image.enumerate_pixels_mut() {
        let mut sum = [0.0f32; 3];
        for dy in 0..SUPERSAMPLING {
            for dx in 0..SUPERSAMPLING {
                let sample =
                    colour[((y * SUPERSAMPLING + dy) * side + x * SUPERSAMPLING + dx) as usize];
                for i in 0..3 {
                    sum[i] += sample[i];
                }
            }
        }
        let samples = (SUPERSAMPLING * SUPERSAMPLING) as f32;
        pixel.0 =
            sum.map(|channel| ((channel / samples).clamp(0.0, 1.0).sqrt() * 255.0 + 0.5) as u8);
    }
    image
}

/// The thumbnail as PNG bytes.
pub fn thumbnail_png(mesh: &Mesh) -> Vec<u8> {
    let image = render_thumbnail(mesh, THUMBNAIL_SIZE);
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encoding a PNG into memory does not fail");
    png
}

/// A perspective camera looking at the object from three quarters above.
struct Camera {
    eye: Vec3,
    right: Vec3,
    up: Vec3,
    forward: Vec3,
    towards_viewer: Vec3,
    /// Pixels per unit of tangent at the image centre.
    focal: f32,
    half: f32,
}

impl Camera {
    fn framing(mesh: &Mesh, side: u32) -> Camera {
        let (min, max) = mesh.bounds();
        let center = [0, 1, 2].map(|i| (min[i] + max[i]) * 0.5);
        let radius = (0..3)
            .map(|i| (max[i] - min[i]) * 0.5)
            .map(|h| h * h)
            .sum::<f32>()
            .sqrt()
            .max(1e-3);
        // From the front-right, 25° above: the classic product shot.
        let towards_viewer = normalize([0.55, 0.45, 0.70]);
        // A 30° field of view, the bounding sphere filling 80% of it.
        let tan_half = 0.268; // tan(15°)
        let distance = radius / (tan_half * 0.8);
        let eye = add(center, towards_viewer.map(|c| c * distance));
        let forward = towards_viewer.map(|c| -c);
        let right = normalize(cross(forward, [0.0, 1.0, 0.0]));
        let up = cross(right, forward);
        Camera {
            eye,
            right,
            up,
            forward,
            towards_viewer,
            focal: side as f32 * 0.5 / tan_half,
            half: side as f32 * 0.5,
        }
    }

    /// Screen position (x right, y down, pixels) with view depth, and the depth alone.
    fn project(&self, p: Vec3) -> (Vec3, f32) {
        let v = [p[0] - self.eye[0], p[1] - self.eye[1], p[2] - self.eye[2]];
        let z = dot(v, self.forward).max(1e-4);
        let x = self.half + dot(v, self.right) / z * self.focal;
        let y = self.half - dot(v, self.up) / z * self.focal;
        ([x, y, z], z)
    }
}

/// Twice the signed area of (a, b, p) on screen; positive when counter-clockwise as seen.
fn edge(a: Vec3, b: Vec3, p: Vec3) -> f32 {
    // Screen y points down, so counter-clockwise in the world is clockwise here: flip the sign.
    -((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]))
}

fn to_linear(channel: u8) -> f32 {
    let c = f32::from(channel) / 255.0;
    c * c
}

fn dot(a: Vec3, b: Vec3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn add(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn cross(a: Vec3, b: Vec3) -> Vec3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalize(v: Vec3) -> Vec3 {
    let length = dot(v, v).sqrt();
    if length > 0.0 {
        v.map(|c| c / length)
    } else {
        [0.0, 1.0, 0.0]
    }
}
