//! The optional runtime tools: `ffmpeg` for video stills, `ffprobe` for the video facts the
//! in-process probe could not read, and `heif-convert` (Debian's `libheif-examples`) for
//! HEIC, HEIF and AVIF. Each runs as a subprocess with a timeout and
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
/// The most of a tool's standard output kept (ffprobe's JSON is a few hundred bytes).
const MAX_PROBE_OUTPUT: usize = 64 * 1024;

/// The tools found on `PATH` at start.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    ffmpeg: Option<PathBuf>,
    ffprobe: Option<PathBuf>,
    heif_convert: Option<PathBuf>,
}

/// What `ffprobe` says of a video's first video stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VideoFacts {
    /// The displayed size, the rotation applied.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub duration_s: Option<f64>,
    /// Clockwise degrees the player turns the picture (0, 90, 180 or 270).
    pub rotation: u16,
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
            ffprobe: find_on_path("ffprobe"),
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

    /// The facts of the video at `input`, for containers the in-process probe cannot read.
    pub async fn video_facts(&self, input: &Path) -> Result<VideoFacts, ToolError> {
        let ffprobe = self.ffprobe.as_ref().ok_or(ToolError::Missing("ffprobe"))?;
        let mut command = Command::new(ffprobe);
        command
            .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
            .arg("stream=width,height,avg_frame_rate,duration:stream_tags=rotate:stream_side_data=rotation:format=duration")
            .args(["-of", "json"])
            .arg(input);
        let json = run_for_output("ffprobe", command).await?;
        parse_ffprobe(&json).ok_or(ToolError::Failed {
            tool: "ffprobe",
            detail: "no video stream".to_owned(),
        })
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

async fn run(tool: &'static str, command: Command) -> Result<(), ToolError> {
    run_for_output(tool, command).await.map(drop)
}

/// Runs `command` with the timeout; its standard output (bounded) when it succeeds.
async fn run_for_output(tool: &'static str, mut command: Command) -> Result<Vec<u8>, ToolError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
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
        let mut stdout = output.stdout;
        stdout.truncate(MAX_PROBE_OUTPUT);
        return Ok(stdout);
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

/// The facts in `ffprobe -of json` output; `None` without a sized video stream.
fn parse_ffprobe(json: &[u8]) -> Option<VideoFacts> {
    let value: serde_json::Value = serde_json::from_slice(json).ok()?;
    let stream = value.get("streams")?.get(0)?;
    let dimension = |key: &str| {
        stream
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0)
    };
    let (coded_width, coded_height) = (dimension("width")?, dimension("height")?);
    let seconds = |v: Option<&serde_json::Value>| {
        v.and_then(serde_json::Value::as_str)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
    };
    let fps = stream
        .get("avg_frame_rate")
        .and_then(serde_json::Value::as_str)
        .and_then(|rate| rate.split_once('/'))
        .and_then(|(n, d)| Some(n.parse::<f64>().ok()? / d.parse::<f64>().ok()?))
        .filter(|fps| fps.is_finite() && *fps > 0.0);
    // Newer ffmpeg reports a display matrix's rotation (counter-clockwise, negative for
    // clockwise) in side data; older ones a `rotate` tag (clockwise).
    let side_data = stream
        .get("side_data_list")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|d| d.get("rotation").and_then(serde_json::Value::as_f64))
        .map(|ccw| -ccw);
    let tag = stream
        .get("tags")
        .and_then(|t| t.get("rotate"))
        .and_then(serde_json::Value::as_str)
        .and_then(|r| r.parse::<f64>().ok());
    let rotation = side_data.or(tag).unwrap_or(0.0).rem_euclid(360.0).round() as u16 / 90 * 90;
    let (width, height) = if rotation % 180 == 90 {
        (coded_height, coded_width)
    } else {
        (coded_width, coded_height)
    };
    Some(VideoFacts {
        width: Some(width),
        height: Some(height),
        fps,
        duration_s: seconds(stream.get("duration"))
            .or_else(|| seconds(value.get("format").and_then(|f| f.get("duration")))),
        rotation,
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffprobe_output_gives_the_displayed_size_rate_and_duration() {
        let portrait = br#"{"programs": [], "streams": [{"width": 1920, "height": 1080,
            "avg_frame_rate": "30000/1001", "duration": "3.003000",
            "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]}],
            "format": {"duration": "3.010000"}}"#;
        let facts = parse_ffprobe(portrait).unwrap();
        assert_eq!((facts.width, facts.height), (Some(1080), Some(1920)));
        assert_eq!(facts.rotation, 90);
        assert!((facts.fps.unwrap() - 29.97).abs() < 0.01);
        assert_eq!(facts.duration_s, Some(3.003));
        let tagged = br#"{"streams": [{"width": 640, "height": 480, "avg_frame_rate": "0/0",
            "tags": {"rotate": "180"}}], "format": {"duration": "12.5"}}"#;
        let facts = parse_ffprobe(tagged).unwrap();
        assert_eq!(
            (facts.width, facts.height, facts.rotation),
            (Some(640), Some(480), 180)
        );
        assert_eq!((facts.fps, facts.duration_s), (None, Some(12.5)));
        assert_eq!(parse_ffprobe(br#"{"streams": []}"#), None);
        assert_eq!(parse_ffprobe(b"not json"), None);
    }
}
