//! The files an InDesign job writes, each a real file of its type: a PDF
//! of one page per rendered page (with its cross-reference table, so any
//! PDF reader opens it), PNG and JPEG stand-in pages, an InDesign document
//! (Adobe's document GUID, then the stand-in's bytes) and the ZIP file a
//! PDF conversion writes (stored entries, CRC-32 checked).

use std::fmt::Write as _;

use crate::formats::{self, ImageType};

/// A US Letter page, in points: the size the emulator gives every page.
pub(super) const PAGE: (u32, u32) = (612, 792);

/// The 16 bytes every InDesign document starts with (its database GUID).
const INDD_GUID: [u8; 16] = [
    0x06, 0x06, 0xed, 0xf5, 0xd8, 0x1d, 0x46, 0xe5, 0xbd, 0x31, 0xef, 0xe7, 0xfe, 0x74, 0xb7, 0x1d,
];

/// A PDF of `pages` pages (at least 1) of the emulator's page size, each
/// saying which document and page it stands in for.
pub(super) fn pdf(title: &str, pages: usize) -> Vec<u8> {
    let pages = pages.max(1);
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: String| {
        offsets.push(out.len());
        let number = offsets.len();
        out.extend_from_slice(format!("{number} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    // 1: catalog, 2: page tree, 3: font; then a page and its content each.
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 4 + 2 * i)).collect();
    object(&mut out, "<< /Type /Catalog /Pages 2 0 R >>".into());
    object(
        &mut out,
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>"),
    );
    object(
        &mut out,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    );
    let safe: String = title
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .take(80)
        .collect();
    for page in 0..pages {
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Contents {} 0 R \
                 /Resources << /Font << /F1 3 0 R >> >> >>",
                PAGE.0,
                PAGE.1,
                5 + 2 * page
            ),
        );
        let text = format!("BT /F1 18 Tf 72 720 Td ({safe}, page {}) Tj ET", page + 1);
        object(
            &mut out,
            format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        );
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

/// A page as an image of `kind` at `resolution` pixels per inch (the
/// emulator caps the size it draws).
pub(super) fn page_image(
    kind: ImageType,
    key: &str,
    resolution: u32,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let scale = |points: u32| (points * resolution.clamp(1, 300) / 72).max(1);
    formats::stand_in(kind, key, (scale(PAGE.0), scale(PAGE.1)), quality)
}

/// An InDesign document standing in for `source`.
pub(super) fn indd(source: &[u8]) -> Vec<u8> {
    let mut out = INDD_GUID.to_vec();
    out.extend_from_slice(b"DOCUMENT");
    out.extend_from_slice(&source[..source.len().min(4096)]);
    out
}

/// A ZIP file holding `entries` (name, bytes), stored uncompressed.
pub(super) fn zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in entries {
        let crc = crc32fast::hash(bytes);
        let size = bytes.len() as u32;
        let offset = out.len() as u32;
        let name_len = name.len() as u16;
        // Local file header: version 2.0, no flags, stored, no time.
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for value in [crc, size, size] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(bytes);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for value in [crc, size, size] {
            central.extend_from_slice(&value.to_le_bytes());
        }
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let count = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_lists_every_object_where_it_is() {
        let pdf = pdf("doc.indd", 3);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"));
        let tail = text.rsplit("startxref\n").next().unwrap();
        let start: usize = tail.lines().next().unwrap().parse().unwrap();
        assert!(pdf[start..].starts_with(b"xref"));
        let table = String::from_utf8_lossy(&pdf[start..]).into_owned();
        // 3 shared objects, then a page and its content per page.
        for (number, line) in table.lines().skip(3).take(9).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            let object = format!("{} 0 obj", number + 1);
            assert!(pdf[offset..].starts_with(object.as_bytes()), "{line}");
        }
    }

    #[test]
    fn a_zip_ends_with_its_directory() {
        let zip = zip(&[("a.idml", b"hello".to_vec())]);
        assert!(zip.starts_with(b"PK\x03\x04"));
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
    }
}
