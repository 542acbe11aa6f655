//! kiln-chain's integration tests: the contract on the sandbox and on a real node (anvil),
//! which must agree; the artifact; the index; and what bad input and bad nodes give.

mod agreement;
mod artifact;
mod crash_window;
mod index;
mod nodes;
mod sandbox;
mod support;
