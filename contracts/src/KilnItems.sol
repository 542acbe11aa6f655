// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";

/// @title Kiln items: one token per generated 3D object, and the world plots they stand on.
///
/// @notice A token's id is `tokenIdOf(creator, glbDigest)`: the keccak256 of the creator's address
/// and the sha256 digest of the item's GLB file. The id binds the content to the account that
/// minted it, so a mint copied from the mempool, or made from the published files, gives the
/// copier a token of its own id: it can neither take the creator's token nor its creator record,
/// nor stop the creator's own mint. (The item's metadata names its creator, so such a copy is told
/// from the original by anyone who reads it: `kiln-cli verify` and the client's inspector do.) The
/// token also records the sha256 digest of the item's canonical metadata JSON, from which
/// `tokenURI` derives the metadata's IPFS address (a raw-codec CIDv1): the contract cannot point
/// anywhere else, and a gateway that serves other bytes is caught by hashing them.
///
/// @dev Storage is laid out for a cheap first mint (creators pay for it): besides OpenZeppelin's
/// owner and balance slots, a mint writes exactly two slots, the metadata digest and one packed
/// word holding the creator and the item's place in the world. Placing an item rewrites that word
/// and claims one plot slot.
contract KilnItems is IERC4906, ERC721, IERC2981 {
    /// What the chain knows about an item besides its owner.
    struct Item {
        /// sha256 of the item's canonical metadata JSON (the digest inside its CID).
        bytes32 metadataDigest;
        /// Who minted it; receives the royalties.
        address creator;
        /// Whether the item stands in the world; `x`, `z` and `rotation` mean nothing otherwise.
        bool placed;
        /// Plot column.
        int32 x;
        /// Plot row.
        int32 z;
        /// Rotation about the vertical axis, whole degrees in [0, 360).
        uint16 rotation;
    }

    /// Royalty on secondary sales in basis points (1/100 of a percent), paid to the creator.
    uint16 public immutable royaltyBps;

    mapping(uint256 tokenId => Item) private _items;
    mapping(uint64 plotKey => uint256 tokenId) private _plotItems;

    /// A token was minted: its id is `tokenIdOf(creator, glbDigest)`.
    event Minted(uint256 indexed tokenId, address indexed creator, bytes32 indexed glbDigest, bytes32 metadataDigest);
    /// An item was set on a plot (or turned on its plot).
    event Placed(uint256 indexed tokenId, int32 x, int32 z, uint16 rotation);
    /// An item was taken off its plot.
    event Removed(uint256 indexed tokenId, int32 x, int32 z);

    /// This creator has minted a token for this GLB digest already.
    error AlreadyMinted(uint256 tokenId);
    /// A digest of zero is not the sha256 of anything we publish.
    error ZeroDigest();
    /// Another item stands on this plot.
    error PlotTaken(int32 x, int32 z, uint256 occupant);
    /// Rotations are whole degrees below 360.
    error InvalidRotation(uint16 rotation);
    /// The item does not stand in the world.
    error NotPlaced(uint256 tokenId);
    /// A royalty above 100% cannot be paid.
    error RoyaltyTooHigh(uint16 bps);

    constructor(uint16 royaltyBps_) ERC721("Kiln Items", "KILN") {
        if (royaltyBps_ > 10_000) revert RoyaltyTooHigh(royaltyBps_);
        royaltyBps = royaltyBps_;
    }

    /// Mints the item whose GLB has sha256 `glbDigest` and whose canonical metadata has sha256
    /// `metadataDigest` to `to`; the caller is recorded as its creator, and the token's id is
    /// `tokenIdOf(caller, glbDigest)`. Returns the token id.
    function mint(address to, bytes32 glbDigest, bytes32 metadataDigest) external returns (uint256 tokenId) {
        if (glbDigest == bytes32(0) || metadataDigest == bytes32(0)) revert ZeroDigest();
        tokenId = tokenIdOf(msg.sender, glbDigest);
        if (_ownerOf(tokenId) != address(0)) revert AlreadyMinted(tokenId);
        Item storage item = _items[tokenId];
        item.metadataDigest = metadataDigest;
        item.creator = msg.sender;
        _mint(to, tokenId);
        emit Minted(tokenId, msg.sender, glbDigest, metadataDigest);
        emit MetadataUpdate(tokenId);
    }

    /// The id of the token `creator` mints for the GLB with sha256 `glbDigest`: one creator, one
    /// token per GLB, and no account can mint under another's id.
    function tokenIdOf(address creator, bytes32 glbDigest) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(creator, glbDigest)));
    }

    /// Sets the item on plot (`x`, `z`) turned by `rotation` degrees, taking it off the plot it
    /// stood on. The owner or an approved operator may place it; one item per plot.
    function place(uint256 tokenId, int32 x, int32 z, uint16 rotation) external {
        _checkAuthorized(_ownerOf(tokenId), msg.sender, tokenId);
        if (rotation >= 360) revert InvalidRotation(rotation);
        uint64 key = _plotKey(x, z);
        uint256 occupant = _plotItems[key];
        if (occupant != 0 && occupant != tokenId) revert PlotTaken(x, z, occupant);
        Item storage item = _items[tokenId];
        if (item.placed && occupant != tokenId) delete _plotItems[_plotKey(item.x, item.z)];
        _plotItems[key] = tokenId;
        item.placed = true;
        item.x = x;
        item.z = z;
        item.rotation = rotation;
        emit Placed(tokenId, x, z, rotation);
    }

    /// Takes the item off its plot; it stays owned, just not shown in the world.
    function remove(uint256 tokenId) external {
        _checkAuthorized(_ownerOf(tokenId), msg.sender, tokenId);
        Item storage item = _items[tokenId];
        if (!item.placed) revert NotPlaced(tokenId);
        delete _plotItems[_plotKey(item.x, item.z)];
        item.placed = false;
        emit Removed(tokenId, item.x, item.z);
    }

    /// The item's record; reverts for a token that does not exist.
    function itemOf(uint256 tokenId) external view returns (Item memory) {
        _requireOwned(tokenId);
        return _items[tokenId];
    }

    /// The token standing on plot (`x`, `z`), or 0 for a free plot.
    function itemAt(int32 x, int32 z) external view returns (uint256) {
        return _plotItems[_plotKey(x, z)];
    }

    /// `ipfs://` and the CIDv1 (raw codec, sha2-256) of the item's metadata, in base32.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return string.concat("ipfs://", _rawCidBase32(_items[tokenId].metadataDigest));
    }

    /// ERC-2981: the creator receives `royaltyBps` of every sale.
    function royaltyInfo(uint256 tokenId, uint256 salePrice)
        external
        view
        returns (address receiver, uint256 royaltyAmount)
    {
        _requireOwned(tokenId);
        return (_items[tokenId].creator, salePrice * royaltyBps / 10_000);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || interfaceId == type(IERC2981).interfaceId
            || super.supportsInterface(interfaceId);
    }

    function _plotKey(int32 x, int32 z) private pure returns (uint64) {
        return (uint64(uint32(x)) << 32) | uint64(uint32(z));
    }

    /// Multibase base32 (lowercase RFC 4648, no padding, prefix `b`) of the CIDv1 bytes
    /// 0x01 (version) 0x55 (raw) 0x12 (sha2-256) 0x20 (32 bytes) followed by the digest.
    function _rawCidBase32(bytes32 digest) private pure returns (string memory) {
        bytes memory cid = abi.encodePacked(bytes4(0x01551220), digest);
        bytes memory alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        // 36 bytes are 288 bits: 57 full groups of five bits and one of three.
        bytes memory out = new bytes(59);
        out[0] = "b";
        uint256 buffer;
        uint256 bits;
        uint256 next = 1;
        for (uint256 i = 0; i < cid.length; ++i) {
            buffer = ((buffer << 8) | uint8(cid[i])) & 0xffff;
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[next++] = alphabet[(buffer >> bits) & 31];
            }
        }
        if (bits > 0) out[next] = alphabet[(buffer << (5 - bits)) & 31];
        return string(out);
    }
}
