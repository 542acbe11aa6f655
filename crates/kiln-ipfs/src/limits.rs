//! How much of a DAG Kiln reads before it refuses. A CID comes from outside (a token's
//! metadata, a command line), and a DAG is cheap to make enormous without being large: one leaf
//! linked 40,000 times from each of three levels of nodes is a few megabytes of blocks that read
//! out as 64 trillion leaves. Every read counts what it has done against these limits, and
//! stops at the first one passed, before it reads or allocates more.

use crate::Cid;

/// The limits of one DAG read: the gateway fetch, the blockstore's file reads, and through
/// them `kiln-cli fetch`, verify and the client's item loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Blocks one read visits (a file read counts a block linked twice twice).
    pub blocks: u64,
    /// Links of one node.
    pub links_per_node: usize,
    /// Links from the root to the deepest block.
    pub depth: usize,
    /// Bytes of the blocks one read visits, inner nodes included.
    pub bytes: u64,
}

impl Default for ReadLimits {
    /// Room for the largest item file Kiln accepts (`kiln_asset::Limits::glb_bytes`, 64 MiB)
    /// under any import profile Kubo ships (1,024 links per node at most, 256 KiB chunks:
    /// 256 leaves, two levels) and its inner nodes, with headroom; far below what a bomb needs.
    fn default() -> Self {
        ReadLimits {
            blocks: 65_536,
            links_per_node: 4_096,
            depth: 16,
            bytes: 68 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadLimitError {
    #[error(
        "the DAG under {root} has more than {limit} blocks; Kiln reads no more (a real item has a few hundred)"
    )]
    Blocks { root: Box<Cid>, limit: u64 },
    #[error("block {cid} has {links} links; Kiln reads nodes of at most {limit}")]
    Links {
        cid: Box<Cid>,
        links: usize,
        limit: usize,
    },
    #[error("the DAG under {root} is deeper than {limit} levels; Kiln reads no deeper")]
    Depth { root: Box<Cid>, limit: usize },
    #[error("the DAG under {root} holds more than {limit} bytes; Kiln reads no more")]
    Bytes { root: Box<Cid>, limit: u64 },
}

/// What one read has visited so far, against its limits.
#[derive(Debug)]
pub(crate) struct ReadBudget {
    limits: ReadLimits,
    root: Cid,
    blocks: u64,
    bytes: u64,
}

impl ReadBudget {
    pub(crate) fn new(limits: ReadLimits, root: Cid) -> Self {
        ReadBudget {
            limits,
            root,
            blocks: 0,
            bytes: 0,
        }
    }

    /// Counts a visit of a block of `bytes` at `depth` (the root is at 0), before it is read.
    pub(crate) fn visit(&mut self, depth: usize, bytes: u64) -> Result<(), ReadLimitError> {
        if depth > self.limits.depth {
            return Err(ReadLimitError::Depth {
                root: Box::new(self.root),
                limit: self.limits.depth,
            });
        }
        self.blocks += 1;
        if self.blocks > self.limits.blocks {
            return Err(ReadLimitError::Blocks {
                root: Box::new(self.root),
                limit: self.limits.blocks,
            });
        }
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > self.limits.bytes {
            return Err(ReadLimitError::Bytes {
                root: Box::new(self.root),
                limit: self.limits.bytes,
            });
        }
        Ok(())
    }

    /// Checks a node's links before they are followed.
    pub(crate) fn links(&self, cid: &Cid, links: usize) -> Result<(), ReadLimitError> {
        if links > self.limits.links_per_node {
            return Err(ReadLimitError::Links {
                cid: Box::new(*cid),
                links,
                limit: self.limits.links_per_node,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw_cid;

    #[test]
    fn each_limit_stops_a_read_at_the_first_step_past_it() {
        let root = raw_cid(b"root");
        let limits = ReadLimits {
            blocks: 3,
            links_per_node: 2,
            depth: 1,
            bytes: 100,
        };
        let mut budget = ReadBudget::new(limits, root);
        budget.visit(0, 10).unwrap();
        budget.visit(1, 10).unwrap();
        assert!(matches!(
            budget.visit(2, 1),
            Err(ReadLimitError::Depth { limit: 1, .. })
        ));
        budget.visit(1, 10).unwrap();
        assert!(matches!(
            budget.visit(1, 1),
            Err(ReadLimitError::Blocks { limit: 3, .. })
        ));
        let mut budget = ReadBudget::new(limits, root);
        budget.visit(0, 100).unwrap();
        let error = budget.visit(1, 1).unwrap_err();
        assert!(error.to_string().contains("more than 100 bytes"), "{error}");
        assert!(budget.links(&root, 2).is_ok());
        let error = budget.links(&root, 3).unwrap_err();
        assert!(error.to_string().contains("3 links"), "{error}");
    }
}
