//! The scene files convert and assemble write: a minimal valid file of
//! each format Substance 3D writes, naming the scene. glTF is a JSON
//! document, GLB its binary container (header and JSON chunk), OBJ one
//! triangle, USDA a text layer, USDC a file with the crate format's
//! header, USDZ a ZIP of the USDA layer (stored, 64-byte aligned, as the
//! USDZ format requires), FBX a file with the binary FBX header.

use std::io::{Cursor, Write};

use serde_json::json;

/// The file of `format` for a scene called `name`, and its media type;
/// `Err` for a format the emulator does not write.
pub(super) fn write(format: &str, name: &str) -> Result<(Vec<u8>, &'static str), String> {
    Ok(match format {
        "gltf" => (gltf(name), "model/gltf+json"),
        "glb" => (glb(name), "model/gltf-binary"),
        "obj" => (obj(name).into_bytes(), "model/obj"),
        "usda" => (usda(name).into_bytes(), "model/vnd.usda"),
        "usdc" => (usdc(), "model/vnd.usd"),
        "usdz" => (usdz(name)?, "model/vnd.usdz+zip"),
        "fbx" => (fbx(), "application/octet-stream"),
        other => return Err(format!("the emulator does not write {other} scenes")),
    })
}

fn gltf(name: &str) -> Vec<u8> {
    let document = json!({
        "asset": {"version": "2.0", "generator": "adobe-firefly-emulator"},
        "scene": 0,
        "scenes": [{"name": name, "nodes": [0]}],
        "nodes": [{"name": name}],
    });
    serde_json::to_vec(&document).unwrap_or_default()
}

/// glTF 2.0's binary container: a 12-byte header (`glTF`, version 2, the
/// total length) and one JSON chunk padded with spaces to 4 bytes.
fn glb(name: &str) -> Vec<u8> {
    let mut json = gltf(name);
    while !json.len().is_multiple_of(4) {
        json.push(b' ');
    }
    let total = 12 + 8 + json.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json);
    out
}

fn obj(name: &str) -> String {
    format!(
        "# Wavefront OBJ written by adobe-firefly-emulator\no {name}\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"
    )
}

/// A USD prim name: letters, digits and `_`, not starting with a digit.
fn prim_name(name: &str) -> String {
    let mut prim: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if prim.is_empty() || prim.starts_with(|c: char| c.is_ascii_digit()) {
        prim.insert(0, '_');
    }
    prim
}

fn usda(name: &str) -> String {
    let prim = prim_name(name);
    format!("#usda 1.0\n(\n    defaultPrim = \"{prim}\"\n)\n\ndef Xform \"{prim}\"\n{{\n}}\n")
}

/// The crate format's 88-byte bootstrap: `PXR-USDC`, version 0.8.0, and
/// the table of contents' offset (right after the header: empty).
fn usdc() -> Vec<u8> {
    let mut out = Vec::with_capacity(88);
    out.extend_from_slice(b"PXR-USDC");
    out.extend_from_slice(&[0, 8, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&88u64.to_le_bytes());
    out.resize(88, 0);
    out
}

fn usdz(name: &str) -> Result<Vec<u8>, String> {
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .with_alignment(64);
    let fail = |e: &dyn std::fmt::Display| format!("the USDZ archive: {e}");
    archive
        .start_file(format!("{}.usda", prim_name(name)), options)
        .map_err(|e| fail(&e))?;
    archive
        .write_all(usda(name).as_bytes())
        .map_err(|e| fail(&e))?;
    Ok(archive.finish().map_err(|e| fail(&e))?.into_inner())
}

/// Binary FBX's header: the magic, its terminator and version 7400.
fn fbx() -> Vec<u8> {
    let mut out = b"Kaydara FBX Binary  \x00\x1a\x00".to_vec();
    out.extend_from_slice(&7400u32.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_written_and_a_glb_says_its_length() {
        for format in ["gltf", "glb", "obj", "usda", "usdc", "usdz", "fbx"] {
            let (file, _) = write(format, "chair").unwrap();
            assert!(!file.is_empty(), "{format}");
        }
        let (glb, _) = write("glb", "chair").unwrap();
        assert_eq!(&glb[..4], b"glTF");
        assert_eq!(
            u32::from_le_bytes(glb[8..12].try_into().unwrap()) as usize,
            glb.len()
        );
        let (usdz, _) = write("usdz", "chair").unwrap();
        assert_eq!(&usdz[..4], b"PK\x03\x04");
        assert!(write("blend", "chair").is_err());
    }
}
