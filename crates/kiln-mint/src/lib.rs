//! The path from prompt to token: the mint outbox (a crash-safe journal), publish, mint and
//! verify. Joins kiln-gen, kiln-asset, kiln-ipfs and kiln-chain. No Bevy here.
