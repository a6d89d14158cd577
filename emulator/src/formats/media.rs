//! The media files of the Audio/Video jobs: WAV audio (16-bit PCM, mono,
//! a tone whose pitch depends on what was asked, written here: a RIFF
//! header and samples) and MP4 video (one H.264 track of stand-in samples,
//! muxed by the `mp4` crate), each a valid file of its type with the
//! length and size asked for.

use std::io::Cursor;

use crate::image::fnv1a;

/// Samples per second of the WAV files.
const SAMPLE_RATE: u32 = 16_000;

/// The longest audio written, whatever was asked: a test server's files
/// stay small.
const MAX_SECONDS: u32 = 60;

/// A WAV file of `seconds` (1 to 60) of a tone that depends on `key`.
pub(crate) fn wav(key: &str, seconds: u32) -> Vec<u8> {
    let seconds = seconds.clamp(1, MAX_SECONDS);
    let samples = SAMPLE_RATE * seconds;
    let data_len = samples * 2;
    let mut file = Vec::with_capacity(44 + data_len as usize);
    file.extend_from_slice(b"RIFF");
    file.extend_from_slice(&(36 + data_len).to_le_bytes());
    file.extend_from_slice(b"WAVEfmt ");
    file.extend_from_slice(&16u32.to_le_bytes());
    file.extend_from_slice(&1u16.to_le_bytes()); // PCM
    file.extend_from_slice(&1u16.to_le_bytes()); // mono
    file.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    file.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // bytes per second
    file.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    file.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    file.extend_from_slice(b"data");
    file.extend_from_slice(&data_len.to_le_bytes());
    let pitch = 220.0 + (fnv1a(&[key.as_bytes()]) % 440) as f64;
    for n in 0..samples {
        let t = f64::from(n) / f64::from(SAMPLE_RATE);
        let sample = (t * pitch * std::f64::consts::TAU).sin() * 8_000.0;
        file.extend_from_slice(&(sample as i16).to_le_bytes());
    }
    file
}

/// Frames per second of the MP4 files.
const FPS: u32 = 10;

/// An MP4 file of `seconds` (1 to 60) of video `width` by `height`, whose
/// samples depend on `key`; `Err` says why the muxer refused.
pub(crate) fn mp4(key: &str, width: u16, height: u16, seconds: u32) -> Result<Vec<u8>, String> {
    use mp4::{AvcConfig, MediaConfig, Mp4Config, Mp4Sample, Mp4Writer, TrackConfig, TrackType};

    let seconds = seconds.clamp(1, MAX_SECONDS);
    let failed = |e: mp4::Error| format!("the MP4 muxer: {e}");
    let config = Mp4Config {
        major_brand: "isom".parse().map_err(failed)?,
        minor_version: 512,
        compatible_brands: vec![
            "isom".parse().map_err(failed)?,
            "iso2".parse().map_err(failed)?,
            "avc1".parse().map_err(failed)?,
            "mp41".parse().map_err(failed)?,
        ],
        timescale: 1000,
    };
    let mut writer = Mp4Writer::write_start(Cursor::new(Vec::new()), &config).map_err(failed)?;
    writer
        .add_track(&TrackConfig {
            track_type: TrackType::Video,
            timescale: 1000,
            language: "und".to_owned(),
            media_conf: MediaConfig::AvcConfig(AvcConfig {
                width: width.max(2),
                height: height.max(2),
                // A baseline profile's parameter sets; the samples are
                // stand-ins no decoder is asked to play.
                seq_param_set: vec![0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xa0, 0x47, 0xfe, 0xc8],
                pic_param_set: vec![0x68, 0xce, 0x38, 0x80],
            }),
        })
        .map_err(failed)?;
    let seed = fnv1a(&[key.as_bytes()]).to_be_bytes();
    let frame_ms = 1000 / FPS;
    for frame in 0..seconds * FPS {
        let mut bytes = vec![0, 0, 0, 12, 0x65];
        bytes.extend_from_slice(&seed);
        bytes.extend_from_slice(&[(frame % 256) as u8, 0x80, 0]);
        let sample = Mp4Sample {
            start_time: u64::from(frame * frame_ms),
            duration: frame_ms,
            rendering_offset: 0,
            is_sync: frame % FPS == 0,
            bytes: bytes.into(),
        };
        writer.write_sample(1, &sample).map_err(failed)?;
    }
    writer.write_end().map_err(failed)?;
    Ok(writer.into_writer().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wav_is_as_long_as_asked() {
        let file = wav("hello", 3);
        assert_eq!(&file[..4], b"RIFF");
        assert_eq!(&file[8..12], b"WAVE");
        assert_eq!(file.len(), 44 + 3 * SAMPLE_RATE as usize * 2);
        assert_eq!(wav("x", 1000).len(), wav("x", MAX_SECONDS).len());
    }

    #[test]
    fn an_mp4_reads_back_with_its_size_and_length() {
        let file = mp4("clip", 360, 640, 2).unwrap();
        let size = file.len() as u64;
        let reader = mp4::Mp4Reader::read_header(Cursor::new(file), size).unwrap();
        let track = reader.tracks().get(&1).unwrap();
        assert_eq!((track.width(), track.height()), (360, 640));
        assert_eq!(reader.duration().as_secs(), 2);
    }
}
