//! `firefly video`: a video from a prompt, saved under the prompt's slug.

use std::process::ExitCode;

use adobe_firefly::{
    WaitOptions,
    types::{GenerateVideoRequest, VideoSize},
};

use super::{Destination, built, client, finish};
use crate::{args::VideoArgs, error::CliError, naming, output::Output};

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
    let request: GenerateVideoRequest = built(
        GenerateVideoRequest::builder()
            .prompt(args.prompt.clone())
            .sizes(sizes),
    )?;
    let destination = Destination::new(
        &args.output,
        naming::slug(&args.prompt),
        &request,
        None,
        args.force,
    )?;
    let job = firefly.generate_video(request).await?;
    finish(&firefly, job, &destination, out, wait).await
}
