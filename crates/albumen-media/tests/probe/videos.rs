//! Video facts: MP4/MOV/3GP through the `moov` box, AVI from its main header, Matroska/WebM
//! where nom-exif reads them.

use albumen_media::{
    CaptureTime, Details, Dimensions, Limit, Limits, MediaType, Probe, ProbeError, VideoFacts,
    probe, probe_reader,
};
use time::macros::{datetime, offset};

use crate::samples::{self, Movie, ftyp};

fn video(found: &Probe) -> &VideoFacts {
    match &found.details {
        Details::Video(v) => v,
        Details::Photo(_) => panic!("expected video facts"),
    }
}

#[test]
fn an_mp4_reports_size_duration_fps_and_creation_time() {
    let found = probe(&samples::movie(&Movie::default()), &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Mp4);
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 1920,
            height: 1080
        })
    );
    assert_eq!(
        found.capture_time,
        Some(CaptureTime {
            local: datetime!(2024-01-02 03:04:05),
            offset: Some(offset!(UTC)),
        })
    );
    let facts = video(&found);
    assert_eq!(facts.duration_s, Some(2.5));
    let fps = facts.fps.unwrap();
    assert!((fps - 29.970_03).abs() < 1e-4, "{fps}");
    assert_eq!(facts.rotation_degrees, 0);
}

#[test]
fn a_portrait_phone_video_reports_displayed_dimensions() {
    let rotated = Movie {
        matrix: (0, 0x1_0000, -0x1_0000, 0),
        ..Movie::default()
    };
    let found = probe(&samples::movie(&rotated), &Limits::default()).unwrap();
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 1080,
            height: 1920
        })
    );
    assert_eq!(video(&found).rotation_degrees, 90);
}

#[test]
fn a_quicktime_movie_without_ftyp_reports_apple_metadata() {
    let mov = Movie {
        ftyp: None,
        mdat_first: true,
        keys: vec![
            ("com.apple.quicktime.make", "Apple"),
            ("com.apple.quicktime.model", "iPhone 15 Pro"),
            (
                "com.apple.quicktime.creationdate",
                "2024-05-06T07:08:09+0200",
            ),
            (
                "com.apple.quicktime.location.ISO6709",
                "+48.8577+002.2950+035.000/",
            ),
        ],
        ..Movie::default()
    };
    let found = probe(&samples::movie(&mov), &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Mov);
    assert_eq!(found.camera_make.as_deref(), Some("Apple"));
    assert_eq!(found.camera_model.as_deref(), Some("iPhone 15 Pro"));
    assert_eq!(
        found.capture_time,
        Some(CaptureTime {
            local: datetime!(2024-05-06 07:08:09),
            offset: Some(offset!(+2)),
        })
    );
    let location = found.location.unwrap();
    assert!((location.latitude - 48.8577).abs() < 1e-6, "{location:?}");
    assert!((location.longitude - 2.295).abs() < 1e-6, "{location:?}");
    assert_eq!(video(&found).duration_s, Some(2.5));
}

#[test]
fn a_3gp_is_probed_like_an_mp4() {
    let three_gp = Movie {
        ftyp: Some(ftyp(b"3gp5", &[b"3gp5", b"isom"])),
        width: 176,
        height: 144,
        ..Movie::default()
    };
    let found = probe(&samples::movie(&three_gp), &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::ThreeGp);
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 176,
            height: 144
        })
    );
}

#[test]
fn an_unset_creation_time_is_no_capture_time() {
    let undated = Movie {
        creation_1904: 0,
        ..Movie::default()
    };
    let found = probe(&samples::movie(&undated), &Limits::default()).unwrap();
    assert_eq!(found.capture_time, None);
}

#[test]
fn a_movie_without_a_video_track_is_unsupported() {
    let audio = Movie {
        handler: *b"soun",
        ..Movie::default()
    };
    assert!(matches!(
        probe(&samples::movie(&audio), &Limits::default()),
        Err(ProbeError::Unsupported)
    ));
}

#[test]
fn an_mp4_cut_before_its_moov_is_corrupt() {
    let mp4 = samples::movie(&Movie {
        mdat_first: true,
        ..Movie::default()
    });
    let cut = &mp4[..mp4.len() - 20];
    let err = probe(cut, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ProbeError::Corrupt {
                media_type: MediaType::Mp4,
                ..
            }
        ),
        "{err:?}"
    );
    let only_ftyp = ftyp(b"isom", &[b"isom"]);
    assert!(matches!(
        probe(&only_ftyp, &Limits::default()),
        Err(ProbeError::Corrupt { .. })
    ));
}

#[test]
fn video_limits_are_the_video_byte_limit_and_the_frame_size() {
    let mp4 = samples::movie(&Movie::default());
    let small_photos_only = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert!(probe(&mp4, &small_photos_only).is_ok());
    let tiny_videos = Limits {
        max_video_bytes: 10,
        ..Limits::default()
    };
    assert!(matches!(
        probe(&mp4, &tiny_videos),
        Err(ProbeError::TooLarge {
            what: Limit::Bytes,
            ..
        })
    ));
    let narrow = Limits {
        max_width: 1280,
        ..Limits::default()
    };
    assert!(matches!(
        probe(&mp4, &narrow),
        Err(ProbeError::TooLarge {
            what: Limit::Width,
            ..
        })
    ));
}

#[test]
fn probing_a_video_through_a_reader_matches_probing_bytes() {
    let mp4 = samples::movie(&Movie {
        mdat_first: true,
        ..Movie::default()
    });
    let limits = Limits::default();
    assert_eq!(
        probe_reader(std::io::Cursor::new(&mp4), &limits).unwrap(),
        probe(&mp4, &limits).unwrap()
    );
}

#[test]
fn an_avi_reports_its_main_header() {
    let found = probe(&samples::avi(40_000, 250, 640, 480), &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Avi);
    assert_eq!(
        found.dimensions,
        Some(Dimensions {
            width: 640,
            height: 480
        })
    );
    assert_eq!(video(&found).fps, Some(25.0));
    assert_eq!(video(&found).duration_s, Some(10.0));
}

#[test]
fn an_avi_takes_its_exact_frame_rate_from_the_video_stream_header() {
    // The main header rounds 1001/30000 s to 33366 µs; the stream header keeps the fraction.
    let avi = samples::avi_with_stream(33_366, 90, 640, 360, Some((1001, 30_000, 90)));
    let found = probe(&avi, &Limits::default()).unwrap();
    let facts = video(&found);
    assert_eq!(facts.fps, Some(30_000.0 / 1001.0));
    assert_eq!(facts.duration_s, Some(3.003));
}

#[test]
fn an_avi_without_a_main_header_is_a_video_of_unknown_facts() {
    let mut bare = b"RIFF\x04\0\0\0AVI ".to_vec();
    bare.extend_from_slice(b"JUNK\0\0\0\0");
    let found = probe(&bare, &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Avi);
    assert_eq!(found.dimensions, None);
    assert_eq!(video(&found), &VideoFacts::default());
}

#[test]
fn webm_and_matroska_report_size_and_duration_from_their_header() {
    for (doc_type, expected) in [("webm", MediaType::Webm), ("matroska", MediaType::Mkv)] {
        let found = probe(&samples::matroska(doc_type, 4500.0), &Limits::default()).unwrap();
        assert_eq!(found.media_type, expected);
        assert_eq!(
            found.dimensions,
            Some(Dimensions {
                width: 640,
                height: 480
            })
        );
        let facts = video(&found);
        assert_eq!(facts.duration_s, Some(4.5));
        // Matroska has no cheap frame rate: ffprobe's job.
        assert_eq!(facts.fps, None);
    }
}

#[test]
fn a_matroska_file_nom_exif_cannot_read_is_a_video_of_unknown_facts() {
    let mut bare = samples::matroska("webm", 1000.0);
    bare.truncate(40);
    let found = probe(&bare, &Limits::default()).unwrap();
    assert_eq!(found.media_type, MediaType::Webm);
    assert_eq!(found.dimensions, None);
    assert_eq!(video(&found), &VideoFacts::default());
}

#[test]
fn a_moov_box_over_64_mib_is_too_large_to_read() {
    let mut mp4 = ftyp(b"isom", &[b"isom"]);
    let moov_len: u32 = 65 * 1024 * 1024;
    mp4.extend_from_slice(&moov_len.to_be_bytes());
    mp4.extend_from_slice(b"moov");
    mp4.resize(mp4.len() + moov_len as usize - 8, 0);
    assert!(matches!(
        probe(&mp4, &Limits::default()),
        Err(ProbeError::TooLarge {
            what: Limit::HeaderBytes,
            ..
        })
    ));
}
