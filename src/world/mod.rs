//! The shared world: the ground and its grid of plots, the sky and the sun.

mod plots;
mod sky;

use bevy::prelude::*;

pub use plots::{Plot, PlotCoord, PlotGrid};
pub use sky::SkyModel;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((plots::plugin, sky::plugin));
}
