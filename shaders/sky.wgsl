// The sky: the same clear mid-morning model as `SkyModel::radiance` in src/world/sky.rs (which
// also colours the fog and the ambient light), evaluated per pixel on a dome that follows the
// camera. Pale haze near the horizon, deep blue above, the sun's disc and glow.

#import bevy_pbr::{
    forward_io::VertexOutput,
    mesh_view_bindings::view,
}

struct Sky {
    // Unit vector from the ground towards the sun (w unused).
    sun_direction: vec4<f32>,
    zenith: vec4<f32>,
    horizon: vec4<f32>,
    sun: vec4<f32>,
    // x: luminance of a sky value of 1.0, in cd/m².
    brightness: vec4<f32>,
}

@group(#{MATERIAL_BIND_GROUP}) @binding(0)
var<uniform> sky: Sky;

fn radiance(direction: vec3<f32>) -> vec3<f32> {
    let elevation = direction.y;
    let toward_horizon = pow(1.0 - max(elevation, 0.0), 6.0);
    let base = mix(sky.zenith.rgb, sky.horizon.rgb, toward_horizon);
    let cos_sun = max(dot(direction, sky.sun_direction.xyz), 0.0);
    let disc = select(0.0, 4.0, cos_sun > 0.99996);
    let glow = 0.55 * pow(cos_sun, 400.0) + 0.18 * pow(cos_sun, 12.0);
    let sunlit = (disc + glow) * clamp(max(elevation, -0.02) * 4.0 + 0.6, 0.0, 1.0);
    return base + sky.sun.rgb * sunlit;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let direction = normalize(in.world_position.xyz - view.world_position.xyz);
    // In the camera's HDR target before tone mapping, like the meshes it stands behind.
    let colour = radiance(direction) * sky.brightness.x * view.exposure;
    return vec4<f32>(colour, 1.0);
}
