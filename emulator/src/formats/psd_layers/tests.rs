use super::super::psd::read;

/// A tagged block: `8BIM`, the key, the length, the data (padded to even).
fn block(key: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = b"8BIM".to_vec();
    out.extend_from_slice(key);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// One layer record, as the file format specification lays it out.
fn record(bounds: [i32; 4], name: &str, flags: u8, alpha: bool, blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = bounds.iter().flat_map(|b| b.to_be_bytes()).collect();
    let channels: &[i16] = if alpha { &[-1, 0, 1, 2] } else { &[0, 1, 2] };
    out.extend_from_slice(&(channels.len() as u16).to_be_bytes());
    for id in channels {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&2u32.to_be_bytes());
    }
    out.extend_from_slice(b"8BIMmul ");
    out.extend_from_slice(&[128, 0, flags, 0]);
    let mut extra = vec![0; 8];
    extra.push(name.len() as u8);
    extra.extend_from_slice(name.as_bytes());
    while !extra.len().is_multiple_of(4) {
        extra.push(0);
    }
    for block in blocks {
        extra.extend_from_slice(block);
    }
    out.extend_from_slice(&(extra.len() as u32).to_be_bytes());
    out.extend_from_slice(&extra);
    out
}

fn document(records: &[Vec<u8>]) -> Vec<u8> {
    let mut info = (records.len() as i16).to_be_bytes().to_vec();
    for record in records {
        info.extend_from_slice(record);
    }
    let mut section = (info.len() as u32).to_be_bytes().to_vec();
    section.extend_from_slice(&info);
    section.extend_from_slice(&0u32.to_be_bytes());
    let mut file = b"8BPS\0\x01\0\0\0\0\0\0\0\x03".to_vec();
    file.extend_from_slice(&20u32.to_be_bytes());
    file.extend_from_slice(&30u32.to_be_bytes());
    file.extend_from_slice(&[0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    file.extend_from_slice(&(section.len() as u32).to_be_bytes());
    file.extend_from_slice(&section);
    file.extend_from_slice(&[0; 2]);
    file
}

#[test]
fn layers_are_read_as_a_tree_the_top_one_first() {
    let unicode: Vec<u8> = {
        let units: Vec<u16> = "Ünïcode".encode_utf16().collect();
        let mut data = (units.len() as u32).to_be_bytes().to_vec();
        data.extend(units.iter().flat_map(|u| u.to_be_bytes()));
        data
    };
    let file = document(&[
        record([0, 0, 20, 30], "Background", 0, false, &[]),
        record(
            [0, 0, 0, 0],
            "</Layer group>",
            0,
            true,
            &[block(b"lsct", &3u32.to_be_bytes())],
        ),
        record(
            [2, 3, 10, 25],
            "Title",
            0,
            true,
            &[
                block(b"TySh", &[0; 6]),
                block(b"lyid", &42u32.to_be_bytes()),
            ],
        ),
        record(
            [0, 0, 0, 0],
            "Group",
            0,
            true,
            &[block(b"lsct", &1u32.to_be_bytes())],
        ),
        record(
            [1, 1, 5, 5],
            "ascii",
            0b10,
            true,
            &[block(b"luni", &unicode)],
        ),
    ]);
    let document = read(&file).unwrap();
    assert_eq!((document.width, document.height), (30, 20));
    let names: Vec<&str> = document.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Ünïcode", "Group", "Background"]);
    let [hidden, group, background] = &document.layers[..] else {
        panic!("{:?}", document.layers);
    };
    assert!(!hidden.visible);
    assert_eq!(hidden.blend_mode, "multiply");
    assert_eq!(hidden.opacity, 50);
    assert_eq!(group.kind, "group_layer");
    assert_eq!(group.children.len(), 1);
    let title = &group.children[0];
    assert_eq!(
        (title.kind, title.id, title.bounds),
        ("text_layer", 42, [2, 3, 10, 25])
    );
    assert_eq!(background.kind, "background_layer");
    assert!(background.visible);
}

#[test]
fn damaged_layer_sections_are_errors_not_panics() {
    let file = document(&[record([0, 0, 1, 1], "a", 0, false, &[])]);
    for cut in 0..file.len() {
        let _ = read(&file[..cut]);
    }
    // A layer count far beyond the records there are: after the header
    // (26 bytes) and three lengths (color mode data, image resources, the
    // layer section), the layer info's length, then the count.
    let mut lying = file.clone();
    lying[42] = 0x7f;
    assert!(read(&lying).is_err());
}
