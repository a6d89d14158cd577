//! The MCP server: one Firefly client shared by every call (so calls share
//! its token, rate limit and retries), serving the tools on stdio. The
//! protocol owns stdout; logs go to stderr. When stdin ends, the calls still
//! running are cancelled and the jobs they leave are recorded (`session`).

use std::{path::Path, process::ExitCode, sync::Arc};

use adobe_firefly::{Firefly, WaitOptions};
use rmcp::{
    ErrorData, RoleServer, ServerHandler, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
        PaginatedRequestParams, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
};

use super::{
    call::Call,
    progress::{self, Progress},
    results,
    session::{self, Session},
    tools,
};
use crate::{
    args::{FleetArgs, McpArgs},
    context::Context,
    spend::Spend,
};

/// What the server tells the client about itself.
const INSTRUCTIONS: &str = "Adobe Firefly image and video generation. Image inputs are a \
local file path, `upload:<id>` (from upload_image) or an https URL. Generation tools save \
their outputs in the server's output folder and return the paths, URLs and seeds; image \
tools also return small previews. Every generation spends Firefly credits.";

/// The handler: the client (or why there is none) and where outputs go.
#[derive(Clone)]
pub struct FireflyServer {
    /// The client, or what is wrong with the configuration, told to every
    /// call, so an assistant shows the user what to fix instead of a server
    /// that would not start.
    firefly: Result<Firefly, Arc<str>>,
    output_dir: Arc<Path>,
    wait: WaitOptions,
    session: Arc<Session>,
    /// `--max-operations`, for the server's lifetime.
    spend: Arc<Spend>,
    /// `--read-only`: only the tools that read are listed and served.
    read_only: bool,
    /// `--confirm`: the user is asked before every paid call.
    confirm: bool,
    /// The fleet's settings (`--redis`), for the `doctor` tool.
    fleet: FleetArgs,
}

/// `firefly mcp`: serves until the client closes stdin. The client is the
/// run's one client, made as for every other command (in the fleet with
/// `--redis`).
pub async fn run(args: McpArgs, ctx: &Context) -> ExitCode {
    let wait = &ctx.wait;
    let output_dir = match std::path::absolute(&args.output_dir) {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!(
                "error: the output folder {}: {error}",
                args.output_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let firefly = ctx
        .firefly()
        .cloned()
        .map_err(|error| Arc::from(error.to_string()));
    if let Err(problem) = &firefly {
        tracing::warn!(%problem, "Firefly is not configured; every tool call will say why");
    }
    tracing::info!(output_dir = %output_dir.display(), "serving Firefly tools on stdio");
    let session = Arc::new(Session::default());
    let server = FireflyServer {
        firefly,
        output_dir: output_dir.clone().into(),
        wait: wait.clone(),
        session: session.clone(),
        spend: ctx.spend.clone(),
        read_only: args.read_only,
        confirm: args.confirm,
        fleet: ctx.fleet.clone(),
    };
    let (stdin, stdout) = rmcp::transport::stdio();
    let running = match server.serve((session.watch(stdin), stdout)).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: the MCP session did not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let ended = running.waiting().await;
    // However serving ended, the calls still running stop now; their
    // cancels were asked for when stdin ended, each within the cancel
    // deadline, so waiting that long lets them finish.
    session.close();
    let left = session.settle(progress::CANCEL_DEADLINE).await;
    session::record(&output_dir, &left);
    match ended {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: the MCP session ended abnormally: {error}");
            ExitCode::FAILURE
        }
    }
}

impl ServerHandler for FireflyServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("firefly", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::catalog(
            self.read_only,
        )))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let firefly = match &self.firefly {
            Ok(firefly) => firefly,
            Err(problem) => {
                return Ok(
                    results::invalid(format!("Firefly is not configured: {problem}")).into(),
                );
            }
        };
        // Counted until it ends; cancelled by the client or by stdin ending.
        let running = self.session.call(context.ct.clone());
        let call = Call {
            firefly,
            peer: context.peer.clone(),
            confirm: self.confirm,
            fleet: &self.fleet,
            spend: &self.spend,
            output_dir: &self.output_dir,
            wait: &self.wait,
            progress: Progress::new(context.peer.clone(), context.meta.get_progress_token()),
            cancelled: running.cancelled.clone(),
            tool: &request.name,
            session: &self.session,
        };
        let arguments = request.arguments.unwrap_or_default();
        match tools::call(&request.name, arguments, call, self.read_only).await {
            Some(result) => Ok(result.into()),
            None => Err(ErrorData::invalid_params(
                format!("there is no tool named `{}`", request.name),
                None,
            )),
        }
    }
}
