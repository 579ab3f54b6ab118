//! The ids a stream has delivered, in little memory: Halo's ids are dense
//! integers, so they are kept in blocks of 1,024, each a short sorted list
//! while sparse and a bitmap (128 bytes) once dense. Streaming 100,000
//! tickets keeps about 13 KiB, where a hash set took 1.5 MiB.

use std::collections::HashMap;

/// Ids per block.
const BLOCK: i32 = 1024;
/// A block's sorted list becomes a bitmap past this many ids (where the
/// list's two bytes per id would outgrow the bitmap's 128 bytes).
const SPARSE_MAX: usize = 64;

#[derive(Debug, Default)]
pub(super) struct IdSet {
    blocks: HashMap<i32, Block>,
    len: u64,
}

#[derive(Debug)]
enum Block {
    Sparse(Vec<u16>),
    Dense(Box<[u64; BLOCK as usize / 64]>),
}

impl IdSet {
    /// Adds `id`; false if it was there already.
    pub(super) fn insert(&mut self, id: i32) -> bool {
        let (key, offset) = (id.div_euclid(BLOCK), id.rem_euclid(BLOCK));
        // In 0..1024, so it fits.
        let offset = u16::try_from(offset).unwrap_or_default();
        let block = self
            .blocks
            .entry(key)
            .or_insert_with(|| Block::Sparse(Vec::new()));
        let added = match block {
            Block::Sparse(ids) => match ids.binary_search(&offset) {
                Ok(_) => false,
                Err(at) if ids.len() < SPARSE_MAX => {
                    ids.insert(at, offset);
                    true
                }
                Err(_) => {
                    let mut bits = Box::new([0u64; BLOCK as usize / 64]);
                    for &old in ids.iter().chain([&offset]) {
                        bits[usize::from(old / 64)] |= 1 << (old % 64);
                    }
                    *block = Block::Dense(bits);
                    true
                }
            },
            Block::Dense(bits) => {
                let (word, bit) = (usize::from(offset / 64), 1u64 << (offset % 64));
                let added = bits[word] & bit == 0;
                bits[word] |= bit;
                added
            }
        };
        self.len += u64::from(added);
        added
    }

    /// How many ids it holds.
    pub(super) fn len(&self) -> u64 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn it_holds_what_a_hash_set_holds() {
        let mut ids = IdSet::default();
        let mut reference = HashSet::new();
        let mut x: u64 = 0x5EED;
        for n in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            // Dense runs, sparse scatter, negatives and the extremes.
            let id = match n % 4 {
                0 => n / 2,
                1 => (x >> 33) as i32,
                2 => -((x >> 40) as i32),
                _ => [i32::MIN, i32::MAX, 0, -1][(x % 4) as usize],
            };
            assert_eq!(ids.insert(id), reference.insert(id), "{id}");
        }
        assert_eq!(ids.len(), reference.len() as u64);
    }
}
