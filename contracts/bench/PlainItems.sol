// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// The yardstick for `kiln-cli bench chain`: OpenZeppelin's ERC-721 minting sequential ids and
/// recording nothing else. Never deployed outside benchmarks.
contract PlainItems is ERC721 {
    uint256 private _nextId = 1;

    constructor() ERC721("Plain Items", "PLAIN") {}

    function mint(address to) external returns (uint256 tokenId) {
        tokenId = _nextId++;
        _mint(to, tokenId);
    }
}
