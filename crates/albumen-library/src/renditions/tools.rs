//! The optional runtime tools: `ffmpeg` for video stills and `heif-convert` (Debian's
//! `libheif-examples`) for HEIC, HEIF and AVIF. Each runs as a subprocess with a timeout and
//! is killed if the request goes away. Without a tool, those items still work and get a
//! placeholder still; one log line at start says which tool is missing.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

/// How long one tool run may take before it is killed.
const TOOL_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest still a tool may hand back (a 200 MP JPEG is well under this).
const MAX_TOOL_OUTPUT: u64 = 256 * 1024 * 1024;

/// The tools found on `PATH` at start.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    ffmpeg: Option<PathBuf>,
    heif_convert: Option<PathBuf>,
}

/// Why a tool gave no still.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("{0} is not installed")]
    Missing(&'static str),
    #[error("{tool} did not finish within {TOOL_TIMEOUT:?}")]
    TimedOut { tool: &'static str },
    #[error("{tool} failed: {detail}")]
    Failed { tool: &'static str, detail: String },
}

impl Tools {
    /// Looks for the tools on `PATH`, logging once for each one missing.
    pub fn detect() -> Self {
        let tools = Tools {
            ffmpeg: find_on_path("ffmpeg"),
            heif_convert: find_on_path("heif-convert"),
        };
        if tools.ffmpeg.is_none() {
            tracing::warn!(
                "ffmpeg not found on PATH: videos get a placeholder still (install ffmpeg)"
            );
        }
        if tools.heif_convert.is_none() {
            tracing::warn!(
                "heif-convert not found on PATH: HEIC, HEIF and AVIF photos get a placeholder \
                 still (install libheif-examples)"
            );
        }
        tools
    }

    /// No tools at all (tests of the placeholder path).
    pub fn none() -> Self {
        Tools::default()
    }

    /// A representative frame of the video at `input` as a JPEG, upright (ffmpeg applies the
    /// track rotation), picked by ffmpeg's `thumbnail` filter among the first frames so a
    /// fade from black is not chosen.
    pub async fn video_still(&self, input: &Path, scratch: &Path) -> Result<Vec<u8>, ToolError> {
        let ffmpeg = self.ffmpeg.as_ref().ok_or(ToolError::Missing("ffmpeg"))?;
        let output = scratch_file(scratch, "still.jpg")?;
        let mut command = Command::new(ffmpeg);
        command
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(input)
            .args([
                "-vf",
                "thumbnail=n=24",
                "-frames:v",
                "1",
                "-q:v",
                "2",
                "-f",
                "image2",
            ])
            .arg(&output);
        run("ffmpeg", command).await?;
        read_output("ffmpeg", &output).await
    }

    /// The HEIC/HEIF/AVIF picture at `input` as a high-quality JPEG, orientation applied.
    pub async fn heif_to_jpeg(&self, input: &Path, scratch: &Path) -> Result<Vec<u8>, ToolError> {
        let tool = self
            .heif_convert
            .as_ref()
            .ok_or(ToolError::Missing("heif-convert"))?;
        let output = scratch_file(scratch, "converted.jpg")?;
        let mut command = Command::new(tool);
        command.args(["-q", "92"]).arg(input).arg(&output);
        run("heif-convert", command).await?;
        read_output("heif-convert", &output).await
    }
}

/// A fresh path in `scratch` ending in `name`, removed when dropped.
fn scratch_file(scratch: &Path, name: &str) -> Result<tempfile::TempPath, ToolError> {
    std::fs::create_dir_all(scratch)
        .and_then(|()| {
            tempfile::Builder::new()
                .suffix(&format!("-{name}"))
                .tempfile_in(scratch)
        })
        .map(tempfile::NamedTempFile::into_temp_path)
        .map_err(|e| ToolError::Failed {
            tool: "scratch",
            detail: e.to_string(),
        })
}

async fn run(tool: &'static str, mut command: Command) -> Result<(), ToolError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|e| ToolError::Failed {
        tool,
        detail: e.to_string(),
    })?;
    let output = tokio::time::timeout(TOOL_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| ToolError::TimedOut { tool })?
        .map_err(|e| ToolError::Failed {
            tool,
            detail: e.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(ToolError::Failed {
        tool,
        detail: stderr.chars().take(300).collect(),
    })
}

async fn read_output(tool: &'static str, path: &Path) -> Result<Vec<u8>, ToolError> {
    let failed = |detail: String| ToolError::Failed { tool, detail };
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| failed(e.to_string()))?
        .len();
    if size == 0 || size > MAX_TOOL_OUTPUT {
        return Err(failed(format!("produced {size} bytes")));
    }
    tokio::fs::read(path)
        .await
        .map_err(|e| failed(e.to_string()))
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}
