//! The systemd unit in `deploy/` is one systemd accepts: `systemd-analyze verify` (installed by
//! `scripts/install-deps.sh`) checks it in a scratch root holding systemd's own units and a
//! `/usr/bin/casewatch` that runs the binary under test. `verify` exits 0 even on unknown keys
//! and unparsable values (it only warns), so any word it says counts as a failure — and a
//! deliberately broken copy proves that this check can fail.

use std::path::{Path, PathBuf};
use std::process::Command;

const UNIT: &str = "casewatch-server.service";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A scratch root for `systemd-analyze --root`: systemd's units (the targets the unit orders
/// itself after), `/usr/bin/casewatch`, and `unit_text` as the unit under test.
fn scratch_root(unit_text: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let units = root.path().join("usr/lib/systemd/system");
    std::fs::create_dir_all(&units).unwrap();
    let system = Path::new("/usr/lib/systemd/system");
    for entry in std::fs::read_dir(system).expect("systemd's units are installed") {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let dest = units.join(entry.file_name());
        if kind.is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(target, dest).unwrap();
        } else if kind.is_file() {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
    let bin = root.path().join("usr/bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A wrapper, not a symlink: an absolute link would be resolved inside the scratch root.
    let exe = bin.join("casewatch");
    std::fs::write(
        &exe,
        format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_casewatch")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let etc = root.path().join("etc/systemd/system");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(etc.join(UNIT), unit_text).unwrap();
    root
}

/// `systemd-analyze verify` on `unit_text`: its exit code and everything it said.
fn verify(unit_text: &str) -> (i32, String) {
    let root = scratch_root(unit_text);
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg("--man=no")
        .arg(format!("--root={}", root.path().display()))
        .arg(format!("/etc/systemd/system/{UNIT}"))
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .expect("systemd-analyze is installed (scripts/install-deps.sh installs systemd)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), said.trim().to_string())
}

fn unit_text() -> String {
    std::fs::read_to_string(repo().join("deploy").join(UNIT)).unwrap()
}

#[test]
fn the_systemd_unit_verifies_cleanly() {
    let text = unit_text();
    let (code, said) = verify(&text);
    assert_eq!(code, 0, "systemd-analyze verify failed:\n{said}");
    assert_eq!(said, "", "systemd-analyze verify complained:\n{said}");
}

#[test]
fn a_broken_unit_fails_the_check() {
    let text = unit_text();
    for (broken, expect) in [
        (
            text.replace("Restart=on-failure", "Restart=sometimes"),
            "sometimes",
        ),
        (
            text.replace("NoNewPrivileges=yes", "NoNewPrivilege=yes"),
            "NoNewPrivilege",
        ),
        (
            text.replace("/usr/bin/casewatch", "/usr/bin/casewatch-missing"),
            "casewatch-missing",
        ),
    ] {
        assert_ne!(broken, text, "the unit no longer has what this test breaks");
        let (code, said) = verify(&broken);
        assert!(
            code != 0 || !said.is_empty(),
            "a broken unit passed verification"
        );
        assert!(said.contains(expect), "{said}");
    }
}

#[test]
fn the_unit_runs_the_server_hardened_from_its_environment_file() {
    let text = unit_text();
    let settings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .collect();
    for wanted in [
        "ExecStart=/usr/bin/casewatch server",
        "EnvironmentFile=/etc/casewatch/server.env",
        "User=casewatch",
        "StateDirectory=casewatch",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "Restart=on-failure",
    ] {
        assert!(settings.contains(&wanted), "the unit lacks {wanted}");
    }
    // Its ExecStart is a command the binary understands.
    let out = Command::new(env!("CARGO_BIN_EXE_casewatch"))
        .args(["server", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
}
