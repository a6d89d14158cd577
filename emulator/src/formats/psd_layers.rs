//! The layers of a Photoshop document, from its layer and mask information
//! section (Adobe's "Photoshop File Formats Specification"): one record per
//! layer, from the bottom of the Layers panel up, each with its bounds,
//! blend mode, opacity, flags, name and tagged blocks of further
//! information. Groups are a record opening the group (a section divider
//! of type 1 or 2) above its layers and a bounding divider (type 3) below
//! them. A 16- or 32-bit document keeps its records in an `Lr16` or `Lr32`
//! block after the section's global mask instead.
//!
//! Only what a manifest tells is read; the channels' pixels are skipped.

use super::reader::Reader;

/// One layer, as a manifest describes it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layer {
    /// Its id (`lyid`), or its place from the bottom plus one when the
    /// file gives none.
    pub(crate) id: u32,
    /// Its place among all the records, from the bottom (0).
    pub(crate) index: usize,
    pub(crate) name: String,
    /// Its kind, in the spec's words (`layer`, `text_layer`, ...).
    pub(crate) kind: &'static str,
    pub(crate) visible: bool,
    pub(crate) clipped: bool,
    pub(crate) transparency_locked: bool,
    /// Top, left, bottom, right, in pixels.
    pub(crate) bounds: [i32; 4],
    /// The blend mode, in the spec's words (`normal`, `multiply`, ...).
    pub(crate) blend_mode: &'static str,
    /// Opacity in percent.
    pub(crate) opacity: u8,
    /// A group's layers, the top one first.
    pub(crate) children: Vec<Layer>,
}

/// A record and the section divider type it carries, if any.
struct Record {
    layer: Layer,
    divider: Option<u32>,
    has_transparency: bool,
}

/// Tagged blocks whose length is 8 bytes in a PSB.
const WIDE_KEYS: &[&[u8; 4]] = &[
    b"LMsk", b"Lr16", b"Lr32", b"Layr", b"Mt16", b"Mt32", b"Mtrn", b"Alph", b"FMsk", b"lnk2",
    b"FEid", b"FXid", b"PxSD",
];

/// Tagged blocks that make a layer an adjustment layer.
const ADJUSTMENT_KEYS: &[&[u8; 4]] = &[
    b"brit", b"levl", b"curv", b"expA", b"vibA", b"hue ", b"hue2", b"blnc", b"blwh", b"phfl",
    b"mixr", b"clrL", b"nvrt", b"post", b"thrs", b"grdm", b"selc",
];

/// The layer tree of a layer and mask information section (after its
/// length), the top layer first; empty for a document without layers.
pub(super) fn read_layers(section: &mut Reader<'_>, wide: bool) -> Result<Vec<Layer>, String> {
    if section.is_empty() {
        return Ok(Vec::new());
    }
    let length = section.length(wide)?;
    let mut info = section.section(length)?;
    let mut found = if length > 0 {
        records(&mut info, wide)?
    } else {
        Vec::new()
    };
    if found.is_empty() && !section.is_empty() {
        found = deep_records(section, wide).unwrap_or_default();
    }
    Ok(tree(found))
}

/// The records a 16- or 32-bit document keeps after its global mask.
fn deep_records(section: &mut Reader<'_>, wide: bool) -> Result<Vec<Record>, String> {
    let mask = section.u32()? as usize;
    section.take(mask)?;
    while let Some((key, mut data)) = tagged_block(section, wide)? {
        if matches!(&key, b"Lr16" | b"Lr32" | b"Layr") {
            return records(&mut data, wide);
        }
    }
    Ok(Vec::new())
}

/// The next tagged block (`8BIM` or `8B64`, a key, a length, the data),
/// or `None` at the end or where no block starts.
fn tagged_block<'a>(
    reader: &mut Reader<'a>,
    wide: bool,
) -> Result<Option<([u8; 4], Reader<'a>)>, String> {
    // Blocks are padded, to 2 or 4 bytes depending on the writer: skip up
    // to 3 bytes of padding to find the next signature.
    for _ in 0..4 {
        match reader.peek(4) {
            Some(b"8BIM" | b"8B64") => break,
            Some(_) => {
                reader.take(1)?;
            }
            None => return Ok(None),
        }
    }
    if !matches!(reader.peek(4), Some(b"8BIM" | b"8B64")) {
        return Ok(None);
    }
    reader.take(4)?;
    let mut key = [0; 4];
    key.copy_from_slice(reader.take(4)?);
    let length = reader.length(wide && WIDE_KEYS.contains(&&key))?;
    Ok(Some((key, reader.section(length)?)))
}

/// The layer records of a layer info block, bottom first.
fn records(info: &mut Reader<'_>, wide: bool) -> Result<Vec<Record>, String> {
    // Negative when the first alpha channel holds the merged transparency.
    let count = (info.u16()? as i16).unsigned_abs() as usize;
    let mut found = Vec::with_capacity(count.min(4096));
    for index in 0..count {
        found.push(record(info, wide, index)?);
    }
    Ok(found)
}

fn record(info: &mut Reader<'_>, wide: bool, index: usize) -> Result<Record, String> {
    let bounds = [info.i32()?, info.i32()?, info.i32()?, info.i32()?];
    let channels = info.u16()?;
    let mut has_transparency = false;
    for _ in 0..channels {
        // Channel -1 is the layer's transparency mask.
        has_transparency |= info.u16()? as i16 == -1;
        info.length(wide)?;
    }
    if info.take(4)? != b"8BIM" {
        return Err(format!("layer {index}: no blend mode signature"));
    }
    let blend_mode = blend_mode(info.take(4)?);
    let opacity = info.u8()?;
    let clipping = info.u8()?;
    let flags = info.u8()?;
    info.u8()?;
    let extra = info.u32()? as usize;
    let mut extra = info.section(extra)?;
    for _ in 0..2 {
        // The layer mask data, then the blending ranges.
        let length = extra.u32()? as usize;
        extra.take(length)?;
    }
    // A Pascal string, padded to a multiple of 4 bytes with its length byte.
    let name_length = usize::from(extra.u8()?);
    let mut name = String::from_utf8_lossy(extra.take(name_length)?).into_owned();
    extra.take((4 - (1 + name_length) % 4) % 4)?;
    let mut layer = Layer {
        id: index as u32 + 1,
        index,
        name: String::new(),
        kind: "layer",
        // Bit 1 set means hidden, whatever the specification's wording.
        visible: flags & 0b10 == 0,
        clipped: clipping != 0,
        transparency_locked: flags & 0b1 != 0,
        bounds,
        blend_mode,
        opacity: ((u32::from(opacity) * 100 + 127) / 255) as u8,
        children: Vec::new(),
    };
    let mut divider = None;
    // A block that does not parse ends the layer's blocks, not the file.
    while let Ok(Some((key, mut data))) = tagged_block(&mut extra, wide) {
        match &key {
            b"luni" => {
                if let Ok(unicode) = unicode_name(&mut data) {
                    name = unicode;
                }
            }
            b"lyid" => layer.id = data.u32().unwrap_or(layer.id),
            b"lsct" | b"lsdk" => divider = data.u32().ok(),
            b"TySh" => layer.kind = "text_layer",
            b"SoLd" | b"PlLd" | b"SoLE" => layer.kind = "smart_object_layer",
            b"SoCo" => layer.kind = "solid_color_layer",
            key if ADJUSTMENT_KEYS.contains(&key) => layer.kind = "adjustment_layer",
            _ => {}
        }
    }
    if matches!(divider, Some(1 | 2)) {
        layer.kind = "group_layer";
    }
    layer.name = name;
    Ok(Record {
        layer,
        divider,
        has_transparency,
    })
}

/// A `luni` block: a count of UTF-16 code units, then the units.
fn unicode_name(data: &mut Reader<'_>) -> Result<String, String> {
    let count = data.u32()? as usize;
    let units: Vec<u16> = data
        .take(count.checked_mul(2).ok_or("a name too long")?)?
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    Ok(String::from_utf16_lossy(&units)
        .trim_end_matches('\0')
        .to_owned())
}

/// A blend mode key, in the spec's words (`pass_through` for a group that
/// blends its layers as if they were not grouped).
fn blend_mode(key: &[u8]) -> &'static str {
    match key {
        b"pass" => "pass_through",
        b"diss" => "dissolve",
        b"dark" => "darken",
        b"mul " => "multiply",
        b"idiv" => "color_burn",
        b"lbrn" => "linear_burn",
        b"dkCl" => "darker_color",
        b"lite" => "lighten",
        b"scrn" => "screen",
        b"div " => "color_dodge",
        b"lddg" => "linear_dodge",
        b"lgCl" => "lighter_color",
        b"over" => "overlay",
        b"sLit" => "soft_light",
        b"hLit" => "hard_light",
        b"vLit" => "vivid_light",
        b"lLit" => "linear_light",
        b"pLit" => "pin_light",
        b"hMix" => "hard_mix",
        b"diff" => "difference",
        b"smud" => "exclusion",
        b"fsub" => "subtract",
        b"fdiv" => "divide",
        b"hue " => "hue",
        b"sat " => "saturation",
        b"colr" => "color",
        b"lum " => "luminosity",
        _ => "normal",
    }
}

/// The records (bottom first) as a tree, the top layer first: a group's
/// record is above its layers, its bounding divider below them.
fn tree(records: Vec<Record>) -> Vec<Layer> {
    let mut top = Vec::new();
    let mut open: Vec<Layer> = Vec::new();
    for mut record in records.into_iter().rev() {
        match record.divider {
            Some(1 | 2) => open.push(record.layer),
            Some(3) => {
                if let Some(group) = open.pop() {
                    open.last_mut()
                        .map_or(&mut top, |g| &mut g.children)
                        .push(group);
                }
            }
            _ => {
                // Photoshop's background layer: the bottom one, opaque.
                if record.layer.index == 0 && !record.has_transparency {
                    record.layer.kind = "background_layer";
                }
                open.last_mut()
                    .map_or(&mut top, |g| &mut g.children)
                    .push(record.layer);
            }
        }
    }
    // Groups a damaged file never closes are closed at its end.
    while let Some(group) = open.pop() {
        open.last_mut()
            .map_or(&mut top, |g| &mut g.children)
            .push(group);
    }
    top
}

#[cfg(test)]
mod tests;
