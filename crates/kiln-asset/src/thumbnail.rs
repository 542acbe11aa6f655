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
    let camera = Camera::framing(mesh, side);
    let triangles = set_up_triangles(mesh, &camera, side);
    // The picture is drawn in bands of sample rows small enough to stay in the CPU's cache,
    // each band resolved to pixels as soon as it is drawn. Every sample still sees the
    // triangles in the same order, so the picture is the one a whole-frame buffer would give.
    let band_rows = BAND_PIXEL_ROWS * SUPERSAMPLING;
    let mut colour = vec![[0.0f32; 3]; (band_rows * side) as usize];
    let mut depth = vec![f32::INFINITY; (band_rows * side) as usize];
    let mut image = RgbImage::new(size, size);
    let pixels: &mut [u8] = &mut image;
    for (band, band_pixels) in pixels
        .chunks_mut((BAND_PIXEL_ROWS * size * 3) as usize)
        .enumerate()
    {
        let top = band as u32 * band_rows;
        let bottom = (top + band_rows).min(side) - 1;
        depth.fill(f32::INFINITY);
        for triangle in &triangles {
            if triangle.max_y < top || triangle.min_y > bottom {
                continue;
            }
            triangle.draw(
                triangle.min_y.max(top)..=triangle.max_y.min(bottom),
                top,
                side,
                &mut colour,
                &mut depth,
            );
        }
        resolve(top, side, &colour, &depth, band_pixels);
    }
    image
}

/// Output pixel rows drawn at a time (64 KiB of samples per pixel row at 512 pixels).
const BAND_PIXEL_ROWS: u32 = 8;

/// A front-facing triangle, projected and shaded at its corners, ready to draw.
struct Triangle {
    edges: [Edge; 3],
    inverse_area: f32,
    depths: [f32; 3],
    shades: [Vec3; 3],
    min_x: u32,
    max_x: u32,
    min_y: u32,
    max_y: u32,
}

fn set_up_triangles(mesh: &Mesh, camera: &Camera, side: u32) -> Vec<Triangle> {
    let key = normalize([-0.45, 0.8, 0.55]);
    let fill = normalize([0.6, 0.3, -0.4]);
    let half = normalize(add(key, camera.towards_viewer));
    let projected: Vec<(Vec3, f32)> = mesh.positions.iter().map(|&p| camera.project(p)).collect();
    let mut triangles = Vec::with_capacity(mesh.triangle_count());
    for primitive in &mesh.primitives {
        let (metallic, specular) = match primitive.material {
            Material::Metal | Material::Gold | Material::Silver => (true, 0.6),
            Material::Glass | Material::Crystal | Material::Ceramic | Material::Plastic => {
                (false, 0.35)
            }
            _ => (false, 0.08),
        };
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
            let highlight = dot(normal, half).max(0.0);
            let highlight = highlight * highlight;
            let highlight = highlight * highlight;
            let highlight = highlight * highlight * highlight * specular;
            let tint = if metallic { albedo } else { [1.0; 3] };
            let base = if metallic { 0.55 } else { 1.0 };
            [0, 1, 2].map(|i| albedo[i] * diffuse * base + tint[i] * highlight)
        };
        for corners in primitive.indices.chunks_exact(3) {
            let [a, b, c] = [corners[0], corners[1], corners[2]].map(|i| i as usize);
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
            triangles.push(Triangle {
                edges: [Edge::new(pb, pc), Edge::new(pc, pa), Edge::new(pa, pb)],
                inverse_area: 1.0 / area,
                depths: [pa[2], pb[2], pc[2]],
                shades: [shade(a), shade(b), shade(c)],
                min_x,
                max_x,
                min_y,
                max_y,
            });
        }
    }
    triangles
}

impl Triangle {
    /// Draws the sample rows `rows` of the triangle into a band of samples starting at `top`.
    fn draw(
        &self,
        rows: std::ops::RangeInclusive<u32>,
        top: u32,
        side: u32,
        colour: &mut [Vec3],
        depth: &mut [f32],
    ) {
        let [sa, sb, sc] = self.shades;
        let [za, zb, zc] = self.depths;
        for y in rows {
            let py = y as f32 + 0.5;
            // Only the span of the row inside all three edges is visited; the test per sample
            // below still decides, so the span only needs to be wide enough.
            let Some((from, to)) = self
                .edges
                .iter()
                .try_fold((self.min_x, self.max_x), |span, e| e.clip(span, py))
            else {
                continue;
            };
            let row = ((y - top) * side) as usize;
            for x in from..=to {
                let px = x as f32 + 0.5;
                let [wa, wb, wc] = self.edges.map(|e| e.at(px, py));
                if wa < 0.0 || wb < 0.0 || wc < 0.0 {
                    continue;
                }
                let (wa, wb, wc) = (
                    wa * self.inverse_area,
                    wb * self.inverse_area,
                    wc * self.inverse_area,
                );
                let z = wa * za + wb * zb + wc * zc;
                let sample = row + x as usize;
                if z < depth[sample] {
                    depth[sample] = z;
                    colour[sample] = [0, 1, 2].map(|i| wa * sa[i] + wb * sb[i] + wc * sc[i]);
                }
            }
        }
    }
}

/// Averages each block of samples of the band starting at sample row `top` into `pixels`
/// (RGB), back to sRGB (gamma 2 through √, exactly rounded); samples nothing covered show the
/// background, a soft vertical gradient from light grey to a little darker (linear light).
fn resolve(top: u32, side: u32, colour: &[Vec3], depth: &[f32], pixels: &mut [u8]) {
    const _: () = assert!(SUPERSAMPLING == 2, "the mean below is × 0.25");
    let size = (side / SUPERSAMPLING) as usize;
    let mut sums = vec![0.0f32; size * 3];
    for (row, out) in pixels.chunks_exact_mut(size * 3).enumerate() {
        sums.fill(0.0);
        for dy in 0..SUPERSAMPLING {
            let band_row = row as u32 * SUPERSAMPLING + dy;
            let shade = 0.62 - 0.14 * ((top + band_row) as f32 / side as f32);
            let background = [shade, shade, shade * 1.02];
            let start = (band_row * side) as usize;
            let colours = &colour[start..start + side as usize];
            let depths = &depth[start..start + side as usize];
            for (x, sum) in sums.chunks_exact_mut(3).enumerate() {
                for dx in 0..SUPERSAMPLING as usize {
                    let sample = x * SUPERSAMPLING as usize + dx;
                    let value = if depths[sample] == f32::INFINITY {
                        background
                    } else {
                        colours[sample]
                    };
                    for i in 0..3 {
                        sum[i] += value[i];
                    }
                }
            }
        }
        // × 0.25 is exactly ÷ 4; the value is within [0.5, 255.5], so the integer conversion
        // needs no saturation (and the loop vectorises).
        for (pixel, sum) in out.iter_mut().zip(&sums) {
            *pixel = ((sum * 0.25).clamp(0.0, 1.0).sqrt() * 255.0 + 0.5) as i32 as u8;
        }
    }
}

/// A triangle edge as a line function on screen, `w(x, y) = dx·x + dy·y + c`: positive on the
/// triangle's side (the same value as [`edge`], arranged to be cheap per sample and per row).
#[derive(Clone, Copy)]
struct Edge {
    dx: f32,
    dy: f32,
    c: f32,
}

impl Edge {
    fn new(a: Vec3, b: Vec3) -> Self {
        let (dx, dy) = (b[1] - a[1], a[0] - b[0]);
        Self {
            dx,
            dy,
            c: -(dx * a[0] + dy * a[1]),
        }
    }

    fn at(self, x: f32, y: f32) -> f32 {
        self.dx * x + self.dy * y + self.c
    }

    /// Narrows the columns `span` of the row at `y` (sample centres at x + 0.5) to those that
    /// may be on the inner side of this edge, one column of slack each way; `None` if none.
    fn clip(self, (from, to): (u32, u32), y: f32) -> Option<(u32, u32)> {
        let rest = self.dy * y + self.c;
        if self.dx == 0.0 {
            return (rest >= 0.0).then_some((from, to));
        }
        // dx·(x + 0.5) + rest ≥ 0 at the boundary column x = −rest/dx − 0.5.
        let boundary = -rest / self.dx - 0.5;
        if self.dx > 0.0 {
            let first = (boundary.floor() - 1.0).max(from as f32);
            (first <= to as f32).then_some((first as u32, to))
        } else {
            let last = (boundary.ceil() + 1.0).min(to as f32);
            (last >= from as f32).then_some((from, last as u32))
        }
    }
}

/// Pictures of `meshes` in a grid of `columns`, each `tile` pixels square, row by row: the
/// picture sheets a person checks the generator by eye with.
pub fn picture_sheet(meshes: &[Mesh], tile: u32, columns: u32) -> RgbImage {
    let columns = columns.max(1);
    let rows = (meshes.len() as u32).div_ceil(columns).max(1);
    let mut sheet = RgbImage::from_pixel(columns * tile, rows * tile, image::Rgb([255, 255, 255]));
    for (index, mesh) in meshes.iter().enumerate() {
        let picture = render_thumbnail(mesh, tile);
        let (column, row) = (index as u32 % columns, index as u32 / columns);
        image::imageops::overlay(
            &mut sheet,
            &picture,
            i64::from(column * tile),
            i64::from(row * tile),
        );
    }
    sheet
}

/// The thumbnail as PNG bytes.
pub fn thumbnail_png(mesh: &Mesh) -> Vec<u8> {
    encode_png(&render_thumbnail(mesh, THUMBNAIL_SIZE))
}

/// A rendered thumbnail as PNG bytes.
pub fn encode_png(image: &RgbImage) -> Vec<u8> {
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
