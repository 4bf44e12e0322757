//! The reply corpus: real-world reply layouts as whole messages (`replies/<name>.eml`),
//! each with the comment the support centre must store (`replies/<name>.expected.txt`).
//! Each message goes through the same two steps as on the server: parse, then strip.

use std::fs;
use std::path::Path;

#[test]
fn every_sample_reply_comes_out_as_its_expected_comment() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/replies");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "the corpus is missing: {names:?}");
    let mut failures = Vec::new();
    for path in &names {
        let raw = fs::read(path).unwrap();
        let expected_path = path.with_extension("expected.txt");
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no expected result", path.display()));
        let message =
            casewatch_mail::parse(&raw).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!message.automatic, "{} is a person's reply", path.display());
        let got = casewatch_mail::reply_text(&message.text);
        if got != expected.trim_end() {
            failures.push(format!(
                "--- {}\nexpected:\n{}\ngot:\n{}",
                path.file_name().unwrap().to_string_lossy(),
                expected.trim_end(),
                got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
