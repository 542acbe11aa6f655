//! The client binary as players and tests run it: headless under Xvfb on Mesa's lavapipe.

mod creator;
mod items;
mod screenshot;
