//! The plot grid: the world is a square of plots separated by paved paths, and every item stands
//! on one plot cell. The chain addresses plots by [`PlotCoord`]; this module maps them to space.

use bevy::prelude::*;

/// A plot cell, addressed by column (`x`) and row (`z`); (0, 0) is the plot at the world origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Reflect)]
pub struct PlotCoord {
    pub x: i32,
    pub z: i32,
}

/// The layout of the plot grid. Plots run from `-radius` to `radius` on both axes.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Reflect)]
#[reflect(Resource)]
pub struct PlotGrid {
    /// Plots on each side of the centre plot, so a side has `2 * radius + 1` plots.
    pub radius: i32,
    /// Edge length of one plot, in metres.
    pub plot_size: f32,
    /// Width of the path between two plots, in metres.
    pub path_width: f32,
}

impl Default for PlotGrid {
    fn default() -> Self {
        Self {
            radius: 4,
            plot_size: 16.0,
            path_width: 4.0,
        }
    }
}

impl PlotGrid {
    /// Distance between the centres of two neighbouring plots.
    pub fn pitch(&self) -> f32 {
        self.plot_size + self.path_width
    }

    pub fn contains(&self, plot: PlotCoord) -> bool {
        plot.x.abs() <= self.radius && plot.z.abs() <= self.radius
    }

    /// Every plot of the grid, row by row.
    pub fn plots(&self) -> impl Iterator<Item = PlotCoord> + '_ {
        (-self.radius..=self.radius)
            .flat_map(move |z| (-self.radius..=self.radius).map(move |x| PlotCoord { x, z }))
    }

    /// The centre of a plot on the ground plane (y = 0).
    pub fn center_of(&self, plot: PlotCoord) -> Vec3 {
        Vec3::new(
            plot.x as f32 * self.pitch(),
            0.0,
            plot.z as f32 * self.pitch(),
        )
    }

    /// The plot under a point on the ground, or `None` on a path or outside the grid.
    pub fn plot_at(&self, point: Vec3) -> Option<PlotCoord> {
        let pitch = self.pitch();
        let x = (point.x / pitch).round();
        let z = (point.z / pitch).round();
        let half = self.plot_size / 2.0;
        let inside_cell =
            (point.x - x * pitch).abs() <= half && (point.z - z * pitch).abs() <= half;
        let plot = PlotCoord {
            x: x as i32,
            z: z as i32,
        };
        (inside_cell && self.contains(plot)).then_some(plot)
    }

    /// Edge length of the paved square that holds all plots, with a path all around.
    pub fn extent(&self) -> f32 {
        (2 * self.radius + 1) as f32 * self.pitch() + self.path_width
    }
}

/// Marks the slab entity of a plot.
#[derive(Component, Debug, Clone, Copy)]
pub struct Plot(pub PlotCoord);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PlotGrid>()
        .register_type::<PlotGrid>()
        .add_systems(Startup, spawn_ground_and_plots);
}

const PLOT_SLAB_HEIGHT: f32 = 0.12;

fn spawn_ground_and_plots(
    mut commands: Commands,
    grid: Res<PlotGrid>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let meadow = materials.add(StandardMaterial {
        base_color: Color::srgb(0.22, 0.36, 0.13),
        perceptual_roughness: 0.95,
        reflectance: 0.2,
        ..default()
    });
    commands.spawn((
        Name::new("Meadow"),
        Mesh3d(meshes.add(Plane3d::default().mesh().size(4000.0, 4000.0))),
        MeshMaterial3d(meadow),
        Transform::from_xyz(0.0, -0.02, 0.0),
    ));

    let paving = materials.add(StandardMaterial {
        base_color: Color::srgb(0.72, 0.68, 0.6),
        perceptual_roughness: 0.85,
        ..default()
    });
    let extent = grid.extent();
    commands.spawn((
        Name::new("Paths"),
        Mesh3d(meshes.add(Cuboid::new(extent, 0.04, extent))),
        MeshMaterial3d(paving),
        Transform::from_xyz(0.0, 0.0, 0.0),
    ));

    // Two tones of lawn in a checkerboard, so that neighbouring plots read apart from afar.
    let lawns = [
        materials.add(StandardMaterial {
            base_color: Color::srgb(0.30, 0.54, 0.18),
            perceptual_roughness: 0.9,
            ..default()
        }),
        materials.add(StandardMaterial {
            base_color: Color::srgb(0.26, 0.48, 0.16),
            perceptual_roughness: 0.9,
            ..default()
        }),
    ];
    let slab = meshes.add(Cuboid::new(
        grid.plot_size,
        PLOT_SLAB_HEIGHT,
        grid.plot_size,
    ));
    for plot in grid.plots() {
        let lawn = lawns[((plot.x + plot.z).rem_euclid(2)) as usize].clone();
        commands.spawn((
            Name::new(format!("Plot ({}, {})", plot.x, plot.z)),
            Plot(plot),
            Mesh3d(slab.clone()),
            MeshMaterial3d(lawn),
            Transform::from_translation(grid.center_of(plot) + Vec3::Y * PLOT_SLAB_HEIGHT / 2.0),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_centres_round_trip() {
        let grid = PlotGrid::default();
        for plot in grid.plots() {
            assert_eq!(grid.plot_at(grid.center_of(plot)), Some(plot));
        }
        assert_eq!(grid.plots().count(), 81);
    }

    #[test]
    fn points_on_paths_and_outside_belong_to_no_plot() {
        let grid = PlotGrid::default();
        // Halfway between plot (0, 0) and plot (1, 0) is the middle of a path.
        assert_eq!(grid.plot_at(Vec3::new(grid.pitch() / 2.0, 0.0, 0.0)), None);
        // Just inside the edge of plot (1, 0).
        let edge = grid.pitch() - grid.plot_size / 2.0 + 0.01;
        assert_eq!(
            grid.plot_at(Vec3::new(edge, 0.0, 0.0)),
            Some(PlotCoord { x: 1, z: 0 })
        );
        // Beyond the last plot.
        let beyond = grid.center_of(PlotCoord {
            x: grid.radius + 1,
            z: 0,
        });
        assert_eq!(grid.plot_at(beyond), None);
        assert_eq!(
            grid.plot_at(Vec3::new(-3.0, 0.0, -5.0)),
            Some(PlotCoord { x: 0, z: 0 })
        );
    }

    #[test]
    fn spawns_one_slab_per_plot() {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, AssetPlugin::default()))
            .init_asset::<Mesh>()
            .init_asset::<StandardMaterial>()
            .add_plugins(plugin);
        app.update();
        let world = app.world_mut();
        let mut plots: Vec<PlotCoord> = world.query::<&Plot>().iter(world).map(|p| p.0).collect();
        plots.sort_by_key(|p| (p.z, p.x));
        let expected: Vec<PlotCoord> = PlotGrid::default().plots().collect();
        assert_eq!(plots, expected);
    }
}
