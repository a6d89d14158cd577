//! `firefly video`: a video from a prompt, saved under the prompt's slug.

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{GenerateVideoRequest, VideoSize},
};

use super::{client, finish};
use crate::{
    args::VideoArgs,
    error::CliError,
    output::{self, Output},
};

pub async fn run(args: VideoArgs, out: &Output, wait: &WaitOptions) -> Result<ExitCode, CliError> {
    let firefly = client()?;
    let sizes: Vec<VideoSize> = args
        .size
        .map(|s| VideoSize {
            width: s.width,
            height: s.height,
        })
        .into_iter()
        .collect();
    let request = GenerateVideoRequest::builder()
        .prompt(args.prompt.clone())
        .sizes(sizes);
    let job = firefly.generate_video(request).await?;
    let stem = output::slug(&args.prompt);
    finish(&firefly, job, &args.output, &stem, out, wait).await
}
