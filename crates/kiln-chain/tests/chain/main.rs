//! kiln-chain's integration tests: the contract on the sandbox and on a real node (anvil),
//! directly and through a wallet, which must all agree; the artifact; the index; and what bad
//! input, bad nodes and a player who says no give.

mod agreement;
mod artifact;
mod copies;
mod crash_window;
mod index;
mod nodes;
mod sandbox;
mod support;
mod wallet;
