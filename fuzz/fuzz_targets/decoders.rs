//! Every response decoder and input sniffer of the public API on arbitrary
//! bytes: a bad input must be an error, never a panic.
#![no_main]

use adobe_firefly::{
    ImageFormat,
    secrets::NewClientSecret,
    types::{
        CustomModelPage, GenerateImagesResponse, JobAccepted, JobStatusResponse, UploadResponse,
    },
};
use adobe_firefly_emulator::Faults;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<JobStatusResponse>(data);
    let _ = serde_json::from_slice::<JobAccepted>(data);
    let _ = serde_json::from_slice::<GenerateImagesResponse>(data);
    let _ = serde_json::from_slice::<UploadResponse>(data);
    let _ = serde_json::from_slice::<CustomModelPage>(data);
    let _ = serde_json::from_slice::<NewClientSecret>(data);
    let _ = ImageFormat::detect(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Faults::parse(text);
    }
});
