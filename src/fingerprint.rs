//! A stable 64-bit hash (FNV-1a) for names that must agree across processes
//! and releases: token cache files, emulator image ids.

/// FNV-1a over the parts, each followed by a separator byte.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}
