// Kiln items: Bevy's PBR lighting of the item's vertex colours and material class, plus
//  - a dissolve when the item appears (noise cells switch on over 0.8 s, with a glowing edge),
//  - a rim light when the crosshair rests on it (white) or it is selected (gold).
// Per-item state rides in the mesh tag, so every item of a material class stays in one batch:
// bits 0-1 are 0 (plain), 1 (hovered) or 2 (selected); bits 2-31 the moment it appeared, in
// hundredths of a second of `globals.time` (which wraps every hour).

#import bevy_pbr::{
    pbr_fragment::pbr_input_from_standard_material,
    pbr_functions::alpha_discard,
    mesh_functions,
    mesh_view_bindings::{globals, view},
}

#ifdef PREPASS_PIPELINE
#import bevy_pbr::{
    prepass_io::{VertexOutput, FragmentOutput},
    pbr_deferred_functions::deferred_output,
}
#else
#import bevy_pbr::{
    forward_io::{VertexOutput, FragmentOutput},
    pbr_functions::{apply_pbr_lighting, main_pass_post_lighting_processing},
}
#endif

struct ItemLook {
    // How strong the rim light is.
    rim_strength: f32,
    // How long the dissolve takes, in seconds.
    appear_seconds: f32,
    _padding: vec2<f32>,
}

@group(#{MATERIAL_BIND_GROUP}) @binding(100)
var<uniform> look: ItemLook;

// A cheap, stable hash of a lattice cell to [0, 1).
fn cell_noise(cell: vec3<f32>) -> f32 {
    let p = fract(cell * vec3<f32>(0.1031, 0.1030, 0.0973));
    let q = p + dot(p, p.yxz + 33.33);
    return fract((q.x + q.y) * q.z);
}

@fragment
fn fragment(
    in: VertexOutput,
    @builtin(front_facing) is_front: bool,
) -> FragmentOutput {
    var pbr_input = pbr_input_from_standard_material(in, is_front);
    pbr_input.material.base_color = alpha_discard(pbr_input.material, pbr_input.material.base_color);

    let tag = mesh_functions::get_tag(in.instance_index);
    let state = tag & 3u;
    let appeared = f32(tag >> 2u) / 100.0;
    var since = globals.time - appeared;
    if since < 0.0 {
        since = since + 3600.0;
    }
    let progress = clamp(since / max(look.appear_seconds, 0.001), 0.0, 1.0);
    var edge = 0.0;
    if progress < 1.0 {
        let noise = cell_noise(floor(in.world_position.xyz * 10.0));
        if noise > progress {
            discard;
        }
        edge = 1.0 - smoothstep(0.0, 0.12, progress - noise);
    }

#ifdef PREPASS_PIPELINE
    let out = deferred_output(in, pbr_input);
#else
    var out: FragmentOutput;
    out.color = apply_pbr_lighting(pbr_input);
    if state != 0u {
        let towards_eye = normalize(view.world_position.xyz - in.world_position.xyz);
        let facing = max(dot(normalize(in.world_normal), towards_eye), 0.0);
        let rim = pow(1.0 - facing, 3.0) * look.rim_strength;
        let colour = select(vec3<f32>(1.0, 1.0, 1.0), vec3<f32>(1.0, 0.78, 0.25), state == 2u);
        out.color = vec4<f32>(out.color.rgb + colour * rim, out.color.a);
    }
    out.color = vec4<f32>(out.color.rgb + vec3<f32>(0.4, 0.8, 1.0) * edge * 2.0, out.color.a);
    out.color = main_pass_post_lighting_processing(pbr_input, out.color);
#endif
    return out;
}
