//! Keeps docs/ARCHITECTURE.md honest: every crate in the workspace must be named there.

use std::path::Path;

#[test]
fn architecture_doc_names_every_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let mut crates: Vec<String> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    assert!(crates.len() >= 6, "{crates:?}");
    for name in crates {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/ARCHITECTURE.md does not name the crate `{name}`"
        );
    }
}
