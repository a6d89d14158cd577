"""Drives `firefly mcp` with the official Python MCP client over stdio.

Run by `cargo test -p adobe-firefly-cli --test mcp -- --ignored`, which
starts an emulator whose jobs take a few seconds and passes:

- FIREFLY_BIN: the `firefly` binary;
- FIREFLY_SERVICES_*: the emulator's variables, handed on to the server;
- FIREFLY_MCP_OUTPUT: the folder the server saves into.

Checks that the tools are listed, that generate_images returns image
content that decodes (at most 512 px) and a saved file, that progress
notifications arrive while the job runs, that cancelling a call cancels
the job, and that an empty prompt is a tool error. Prints the cancelled
job's id as `cancelled job: <id>` for the caller to check on the emulator.
"""

import base64
import io
import os
import sys

import anyio
from mcp import ClientSession, types
from mcp.client.stdio import StdioServerParameters, stdio_client
from PIL import Image

EXPECTED_TOOLS = {
    "generate_images",
    "generate_similar_images",
    "expand_image",
    "fill_image",
    "generate_object_composite",
    "generate_video",
    "upload_image",
    "job_status",
    "cancel_job",
    "list_custom_models",
    "doctor",
    "image5",
    "upscale_image",
    "precise_composite",
    "adaptive_composite",
    "photoshop_edit",
    "photoshop_actions",
    "photoshop_composite",
    "photoshop_artboard",
    "photoshop_manifest",
    "photoshop_auto_crop",
    "photoshop_job_status",
    "substance_render",
    "speech",
    "transcribe",
    "dub",
    "reframe",
    "indesign_rendition",
    "indesign_merge",
}

# Every wait of this script has a deadline.
DEADLINE_SECONDS = 60


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def check_tools(session: ClientSession) -> None:
    listed = await session.list_tools()
    names = {tool.name for tool in listed.tools}
    assert names == EXPECTED_TOOLS, names
    generate = next(tool for tool in listed.tools if tool.name == "generate_images")
    assert "credits" in (generate.description or ""), generate.description
    assert generate.input_schema["required"] == ["prompt"], generate.input_schema
    print("ok: the tools are listed")


async def check_generate(session: ClientSession, output: str) -> None:
    notes: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        notes.append((progress, total, message))

    result = await session.call_tool(
        "generate_images",
        {"prompt": "a fox in the snow", "size": {"width": 2048, "height": 1024}},
        read_timeout_seconds=DEADLINE_SECONDS,
        progress_callback=on_progress,
    )
    assert not result.is_error, text_of(result)
    images = [block for block in result.content if isinstance(block, types.ImageContent)]
    assert len(images) == 1, result.content
    preview = Image.open(io.BytesIO(base64.b64decode(images[0].data)))
    preview.load()
    assert max(preview.size) <= 512, preview.size
    assert preview.size == (512, 256), preview.size
    saved = result.structured_content["saved"]
    assert len(saved) == 1, saved
    path = saved[0]["path"]
    assert path.startswith(output) and os.path.isfile(path), path
    with Image.open(path) as full:
        full.load()
    print("ok: generate_images returns a preview that decodes and a saved file")

    running = [note for note in notes if note[2] and "running" in note[2]]
    assert len(running) >= 2, notes
    assert all(a[0] <= b[0] for a, b in zip(notes, notes[1:])), notes
    assert running[-1][0] > running[0][0], notes
    print(f"ok: {len(notes)} progress notifications arrived while the job ran")


async def check_cancel(session: ClientSession) -> str:
    submitted = anyio.Event()
    job_ids: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        for word in (message or "").split():
            if word.startswith("urn:ff:jobs:") and not job_ids:
                job_ids.append(word.rstrip(":"))
                submitted.set()

    async def call() -> None:
        await session.call_tool(
            "generate_images",
            {"prompt": "a cat that is never finished"},
            read_timeout_seconds=DEADLINE_SECONDS,
            progress_callback=on_progress,
        )

    with anyio.fail_after(DEADLINE_SECONDS):
        async with anyio.create_task_group() as group:
            group.start_soon(call)
            await submitted.wait()
            # Abandoning the call sends notifications/cancelled.
            group.cancel_scope.cancel()
    job_id = job_ids[0]

    with anyio.fail_after(DEADLINE_SECONDS):
        while True:
            status = await session.call_tool("job_status", {"job_id": job_id})
            if "cancelled" in text_of(status):
                break
            await anyio.sleep(0.05)
    print(f"ok: cancelling the call cancelled job {job_id}")
    return job_id


async def check_empty_prompt(session: ClientSession) -> None:
    result = await session.call_tool("generate_images", {"prompt": ""})
    assert result.is_error, text_of(result)
    assert "prompt" in text_of(result), text_of(result)
    print("ok: an empty prompt is a tool error")


async def main() -> None:
    output = os.environ["FIREFLY_MCP_OUTPUT"]
    server = StdioServerParameters(
        command=os.environ["FIREFLY_BIN"],
        args=["mcp", "--poll-ms", "20", "--output-dir", output],
        # The client hands the server only a few variables unless told.
        env={name: value for name, value in os.environ.items() if name.startswith("FIREFLY_")},
    )
    with anyio.fail_after(4 * DEADLINE_SECONDS):
        async with stdio_client(server) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                await check_tools(session)
                await check_generate(session, output)
                job_id = await check_cancel(session)
                await check_empty_prompt(session)
    print(f"cancelled job: {job_id}")


if __name__ == "__main__":
    anyio.run(main)
    sys.exit(0)
