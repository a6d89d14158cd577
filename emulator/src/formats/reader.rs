//! A reader of big-endian binary files (Photoshop's) that never reads
//! past the end of its bytes, shared by the header and the layers.

/// Reads bytes in big-endian order without ever reading past the end:
/// every read of a truncated or hostile file is an `Err`, never a panic.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let end =
            end.ok_or_else(|| format!("the file ends before byte {}", self.at.saturating_add(n)))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    pub(super) fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(super) fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn i32(&mut self) -> Result<i32, String> {
        Ok(self.u32()? as i32)
    }

    /// A length of 4 bytes, or of 8 in a PSB (`wide`).
    pub(super) fn length(&mut self, wide: bool) -> Result<usize, String> {
        let n = if wide {
            let b = self.take(8)?;
            u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
        } else {
            u64::from(self.u32()?)
        };
        usize::try_from(n).map_err(|_| "a length larger than memory".to_owned())
    }

    /// The next `n` bytes, if there are that many, without reading them.
    pub(super) fn peek(&self, n: usize) -> Option<&'a [u8]> {
        self.bytes.get(self.at..self.at.checked_add(n)?)
    }

    /// The next `n` bytes as a reader of their own.
    pub(super) fn section(&mut self, n: usize) -> Result<Reader<'a>, String> {
        Ok(Reader::new(self.take(n)?))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }
}
