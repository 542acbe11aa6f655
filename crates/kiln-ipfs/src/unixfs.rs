//! The UnixFS `Data` message carried by the inner nodes of a file DAG (the leaves are raw
//! blocks). The message is small and fixed, so it is written here field by field, in the
//! order Kubo and the JavaScript importer write it: Type, filesize, blocksizes.

const FIELD_TYPE: u8 = 1 << 3; // field 1, varint
const FIELD_FILESIZE: u8 = 3 << 3; // field 3, varint
const FIELD_BLOCKSIZES: u8 = 4 << 3; // field 4, varint, repeated and not packed
const TYPE_FILE: u64 = 2;

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
    fn file_node_lists_type_total_and_each_child() {
        assert_eq!(
            file_node_data(&[262_144, 1]),
            [
                0x08, 0x02, 0x18, 0x81, 0x80, 0x10, 0x20, 0x80, 0x80, 0x10, 0x20, 0x01
            ]
        );
    }
}
