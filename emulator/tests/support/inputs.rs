//! Inputs the emulator knows the size of: the upscale and the composites
//! refuse an upload id it never issued and a URL it cannot read, so the
//! documented bodies, written with placeholder inputs, get real ones.

use serde_json::{Value, json};

use super::{IMAGE_URL, UPLOAD_ID, client::Client, images::png_of};

/// An upload and an output of one emulator, standing in for the
/// placeholders [`UPLOAD_ID`] and [`IMAGE_URL`].
pub struct KnownInputs {
    pub upload_id: String,
    pub upload_size: (u32, u32),
    pub output_url: String,
    pub output_size: (u32, u32),
}

impl KnownInputs {
    /// Uploads a PNG and generates an image, through `client`.
    pub async fn make(client: &Client) -> Self {
        let upload_size = (64, 48);
        let upload_id = client
            .upload("image/png", png_of(upload_size.0, upload_size.1))
            .await;
        let output_size = (1024, 768);
        let (status, body) = client
            .post(
                "/v3/images/generate",
                None,
                &json!({"prompt": "an input", "size": {"width": output_size.0, "height": output_size.1}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let output_url = body["outputs"][0]["image"]["url"]
            .as_str()
            .expect("an output URL")
            .to_owned();
        Self {
            upload_id,
            upload_size,
            output_url,
            output_size,
        }
    }

    /// `body` with every placeholder input replaced by its known one.
    pub fn in_body(&self, body: &Value) -> Value {
        match body {
            Value::String(s) if s == UPLOAD_ID => json!(self.upload_id),
            Value::String(s) if s == IMAGE_URL => json!(self.output_url),
            Value::Array(items) => items.iter().map(|item| self.in_body(item)).collect(),
            Value::Object(fields) => fields
                .iter()
                .map(|(name, value)| (name.clone(), self.in_body(value)))
                .collect(),
            other => other.clone(),
        }
    }
}
