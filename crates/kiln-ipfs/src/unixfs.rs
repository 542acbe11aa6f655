//! The UnixFS `Data` message carried by the dag-pb nodes of a file DAG. The message is small
//! and fixed, so it is written here field by field, in the order Kubo and the JavaScript
//! importer write it (Type, filesize, blocksizes), and read back by a decoder that skips every
//! field a file reader does not need.

const FIELD_TYPE: u8 = 1 << 3; // field 1, varint
const FIELD_FILESIZE: u8 = 3 << 3; // field 3, varint
const FIELD_BLOCKSIZES: u8 = 4 << 3; // field 4, varint, repeated and not packed
const FIELD_DATA: u64 = 2; // field 2, bytes
const FIELD_FILESIZE_NUMBER: u64 = 3;
const TYPE_RAW: u64 = 0;
const TYPE_FILE: u64 = 2;

/// What a file reader needs from a node's UnixFS `Data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeData<'a> {
    /// UnixFS type: 0 raw, 1 directory, 2 file, 3 metadata, 4 symlink, 5 HAMT shard.
    pub kind: u64,
    /// File bytes held in the node itself, before those of its children.
    pub inline: &'a [u8],
    /// Bytes of file content below and in this node, when the node says.
    pub file_size: Option<u64>,
}

impl NodeData<'_> {
    /// Whether the node is part of a file's content (a file or a raw-data node).
    pub fn is_file_content(&self) -> bool {
        self.kind == TYPE_FILE || self.kind == TYPE_RAW
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            0 => "raw",
            1 => "directory",
            2 => "file",
            3 => "metadata",
            4 => "symlink",
            5 => "HAMT-sharded directory",
            _ => "unknown",
        }
    }
}

/// Decodes a UnixFS `Data` message.
pub(crate) fn decode_node_data(mut bytes: &[u8]) -> Result<NodeData<'_>, &'static str> {
    let mut node = NodeData {
        kind: u64::MAX,
        inline: &[],
        file_size: None,
    };
    while !bytes.is_empty() {
        let key = take_varint(&mut bytes)?;
        let (field, wire_type) = (key >> 3, key & 7);
        match wire_type {
            0 => {
                let value = take_varint(&mut bytes)?;
                match field {
                    1 => node.kind = value,
                    FIELD_FILESIZE_NUMBER => node.file_size = Some(value),
                    _ => {}
                }
            }
            2 => {
                let length = usize::try_from(take_varint(&mut bytes)?)
                    .map_err(|_| "length does not fit in memory")?;
                if length > bytes.len() {
                    return Err("a field runs past the end of the message");
                }
                let (value, rest) = bytes.split_at(length);
                if field == FIELD_DATA {
                    node.inline = value;
                }
                bytes = rest;
            }
            1 | 5 => {
                let width = if wire_type == 1 { 8 } else { 4 };
                bytes = bytes
                    .get(width..)
                    .ok_or("a fixed-width field runs past the end of the message")?;
            }
            _ => return Err("unknown protobuf wire type"),
        }
    }
    if node.kind == u64::MAX {
        return Err("the UnixFS Type field is missing");
    }
    Ok(node)
}

fn take_varint(bytes: &mut &[u8]) -> Result<u64, &'static str> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first().ok_or("a varint runs past the end")?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a varint is longer than 64 bits")
}

/// The `Data` of a file node whose children hold `block_sizes` bytes of the file each.
pub(crate) fn file_node_data(block_sizes: &[u64]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 11 * (block_sizes.len() + 1));
    data.push(FIELD_TYPE);
    put_varint(&mut data, TYPE_FILE);
    data.push(FIELD_FILESIZE);
    put_varint(&mut data, block_sizes.iter().sum());
    for &size in block_sizes {
        data.push(FIELD_BLOCKSIZES);
        put_varint(&mut data, size);
    }
    data
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_little_endian_base_128() {
        let mut out = Vec::new();
        put_varint(&mut out, 0);
        put_varint(&mut out, 127);
        put_varint(&mut out, 128);
        put_varint(&mut out, 262_144);
        assert_eq!(out, [0x00, 0x7f, 0x80, 0x01, 0x80, 0x80, 0x10]);
    }

    #[test]
    fn what_is_written_reads_back() {
        let data = file_node_data(&[262_144, 1]);
        assert_eq!(
            decode_node_data(&data),
            Ok(NodeData {
                kind: TYPE_FILE,
                inline: &[],
                file_size: Some(262_145),
            })
        );
    }

    #[test]
    fn inline_data_and_unknown_fields_are_read_or_skipped() {
        // Type=file, Data="hi", filesize=2, fanout(6)=3, a fixed64 field 9.
        let message = [
            0x08, 0x02, 0x12, 0x02, b'h', b'i', 0x18, 0x02, 0x30, 0x03, 0x49, 1, 2, 3, 4, 5, 6, 7,
            8,
        ];
        let node = decode_node_data(&message).unwrap();
        assert_eq!(node.inline, b"hi");
        assert_eq!(node.file_size, Some(2));
        assert!(node.is_file_content());
    }

    #[test]
    fn truncated_messages_are_errors_not_panics() {
        assert!(decode_node_data(&[0x08]).is_err());
        assert!(decode_node_data(&[0x08, 0x02, 0x12, 0x05, b'h']).is_err());
        assert!(decode_node_data(&[0x12, 0x00]).is_err());
        assert!(decode_node_data(&[0x08, 0x02, 0x49, 1]).is_err());
        assert!(decode_node_data(&[0x80; 11]).is_err());
    }

    #[test]
    fn file_node_lists_type_total_and_each_child() {
        assert_eq!(
            file_node_data(&[262_144, 1]),
            [
                0x08, 0x02, 0x18, 0x81, 0x80, 0x10, 0x20, 0x80, 0x80, 0x10, 0x20, 0x01
            ]
        );
    }
}
