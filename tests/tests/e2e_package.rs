//! End-to-end: the `.deb` a customer admin installs. The package `make package` built is
//! installed with `apt-get install ./…deb` as an admin would, the installed `casewatch` command
//! runs, the installed app opens on its welcome screen (screenshot), and `apt-get remove` takes
//! it all away again.
//!
//! Installing changes the machine, so the test runs only as root (CI runs `make test` as root on a
//! throw-away machine) and is skipped with a message otherwise. Without a built package it is
//! skipped too, unless `CASEWATCH_REQUIRE_PACKAGE=1` (set by `make test` and `make package-test`,
//! which build it first): there a missing package is a failure, not a skip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use casewatch_tests::app::{scenario, target_dir, Options};
use casewatch_tests::{e2e_error, Result};

/// The package's name (the bundler's kebab-case product name).
const PACKAGE: &str = "casewatch";
/// Where the package puts the app and the command line.
const INSTALLED_APP: &str = "/usr/bin/casewatch-app";
const INSTALLED_CLI: &str = "/usr/bin/casewatch";

/// Whether this process runs as root (`Uid:` in `/proc/self/status`; the real uid is enough).
fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next().map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

/// The `.deb` `make package` built: `CASEWATCH_DEB` if set, else the only one in
/// `target/release/bundle/deb/`.
fn built_deb() -> Result<Option<PathBuf>> {
    if let Some(path) = std::env::var_os("CASEWATCH_DEB") {
        return Ok(Some(PathBuf::from(path)));
    }
    let dir = target_dir().join("release/bundle/deb");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(None);
    };
    let mut debs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .collect();
    match debs.len() {
        0 => Ok(None),
        1 => Ok(debs.pop()),
        _ => Err(e2e_error!(
            "{} holds several .deb files ({debs:?}): `make package` removes old ones; \
             set CASEWATCH_DEB to the one to test",
            dir.display()
        )),
    }
}

/// Runs `program args`, failing with its output when it does not succeed.
fn run(program: &str, args: &[&str]) -> Result<Output> {
    let output = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .map_err(|err| e2e_error!("cannot run {program}: {err}"))?;
    if !output.status.success() {
        return Err(e2e_error!(
            "`{program} {}` failed ({}):\n{}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// apt waits for a dpkg lock held by something else (an unattended upgrade) instead of failing.
const APT_LOCK_WAIT: &str = "DPkg::Lock::Timeout=300";

/// Whether dpkg lists the package as installed.
fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", PACKAGE])
        .output()
        .is_ok_and(|out| stdout(&out).contains("install ok installed"))
}

/// Removes the package when dropped, so a failed step never leaves it on the machine.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        if installed() {
            if let Err(err) = run("apt-get", &["-o", APT_LOCK_WAIT, "remove", "-y", PACKAGE]) {
                eprintln!("e2e_package: could not remove {PACKAGE}: {err}");
            }
        }
    }
}

/// What the package declares and holds, read from the file before installing it.
fn check_package_contents(deb: &Path) -> Result<()> {
    let deb = deb.to_string_lossy();
    let depends = stdout(&run("dpkg-deb", &["--field", &deb, "Depends"])?);
    for needed in ["libwebkit2gtk-4.1-0", "libayatana-appindicator3-1"] {
        if !depends.contains(needed) {
            return Err(e2e_error!(
                "the package does not depend on {needed}: Depends: {depends}"
            ));
        }
    }
    let recommends = stdout(&run("dpkg-deb", &["--field", &deb, "Recommends"])?);
    if !recommends.contains("gnome-keyring") {
        return Err(e2e_error!(
            "the package does not recommend a Secret Service provider: Recommends: {recommends}"
        ));
    }
    let contents = stdout(&run("dpkg-deb", &["--contents", &deb])?);
    for path in [
        "usr/bin/casewatch-app",
        "usr/bin/casewatch",
        "usr/share/applications/Casewatch.desktop",
        "usr/share/doc/casewatch/copyright",
        "usr/share/doc/casewatch/changelog.gz",
        "usr/share/icons/hicolor/32x32/apps/casewatch-app.png",
        "usr/share/icons/hicolor/128x128/apps/casewatch-app.png",
        "usr/share/icons/hicolor/512x512/apps/casewatch-app.png",
    ] {
        // Entries are listed as `./usr/…` or `usr/…` depending on the tool that built the archive.
        let listed = contents.lines().any(|line| {
            line.split_whitespace()
                .last()
                .is_some_and(|entry| entry.trim_start_matches("./") == path)
        });
        if !listed {
            return Err(e2e_error!("the package does not hold {path}:\n{contents}"));
        }
    }
    Ok(())
}

/// The menu entry the package installed: named "Casewatch", starting the installed app with the
/// link it was given, and registered for `casewatch://` links.
fn check_menu_entry() -> Result<()> {
    let path = "/usr/share/applications/Casewatch.desktop";
    let entry = fs::read_to_string(path)
        .map_err(|err| e2e_error!("the menu entry {path} is not installed: {err}"))?;
    for line in [
        "Name=Casewatch",
        "Exec=casewatch-app %u",
        "MimeType=x-scheme-handler/casewatch;",
        "Icon=casewatch-app",
    ] {
        if !entry.lines().any(|l| l.trim() == line) {
            return Err(e2e_error!("{path} lacks `{line}`:\n{entry}"));
        }
    }
    Ok(())
}

#[test]
fn deb_installs_runs_and_removes() {
    let required = std::env::var_os("CASEWATCH_REQUIRE_PACKAGE").is_some_and(|v| v == "1");
    if !is_root() {
        eprintln!(
            "e2e_package: SKIPPED: installing the .deb needs root (CI runs `make test` as root \
             on a throw-away machine); run `sudo make package-test` to try it here"
        );
        return;
    }
    let deb = match built_deb() {
        Ok(Some(deb)) => deb,
        Ok(None) if !required => {
            eprintln!(
                "e2e_package: SKIPPED: no .deb in target/release/bundle/deb (build it with \
                 `make package`; `make test` does)"
            );
            return;
        }
        Ok(None) => panic!(
            "e2e_package: no .deb in {}: `make package` should have built it",
            target_dir().join("release/bundle/deb").display()
        ),
        Err(err) => panic!("e2e_package: {err}"),
    };
    let deb = fs::canonicalize(&deb)
        .unwrap_or_else(|err| panic!("e2e_package: {}: {err}", deb.display()));
    if let Err(err) = check_package_contents(&deb) {
        panic!("e2e_package: {}: {err}", deb.display());
    }

    let guard = Installed;
    let deb_arg = deb.to_string_lossy().into_owned();
    if let Err(err) = run(
        "apt-get",
        &[
            "-o",
            APT_LOCK_WAIT,
            "install",
            "-y",
            "--no-install-recommends",
            &deb_arg,
        ],
    ) {
        panic!("e2e_package: installing {deb_arg}: {err}");
    }
    assert!(
        installed(),
        "dpkg does not list {PACKAGE} after apt-get install"
    );
    if let Err(err) = check_menu_entry() {
        panic!("e2e_package: {err}");
    }

    // The command line from /usr/bin, as a user's shell finds it.
    let version =
        run(INSTALLED_CLI, &["--version"]).unwrap_or_else(|err| panic!("e2e_package: {err}"));
    let version = stdout(&version);
    let expected = format!("casewatch {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        version.trim(),
        expected,
        "`casewatch --version` of the installed command"
    );
    let help = stdout(&run(INSTALLED_CLI, &["--help"]).unwrap_or_else(|err| panic!("{err}")));
    assert!(
        help.contains("Usage: casewatch"),
        "`casewatch --help` of the installed command shows no usage:\n{help}"
    );

    // The installed app, started by WebDriver from /usr/bin, opens on the welcome screen.
    let name = "package-installed-app";
    scenario(name, Options::default().application(INSTALLED_APP), |app| {
        let exe = fs::read_link(format!("/proc/{}/exe", app.app_pid()?))?;
        if exe != Path::new(INSTALLED_APP) {
            return Err(e2e_error!(
                "the running app is {}, not the installed {INSTALLED_APP}",
                exe.display()
            ));
        }
        for id in ["login-email", "login-submit", "nav-calculator"] {
            if !app.is_displayed(id)? {
                return Err(e2e_error!(
                    "{id} is not visible on the installed app's first screen"
                ));
            }
        }
        let shot = app.screenshot(name)?;
        eprintln!("screenshot: {}", shot.display());
        Ok(())
    });

    // Removal takes the app and the command away.
    drop(guard);
    assert!(
        !installed(),
        "{PACKAGE} is still installed after apt-get remove"
    );
    for path in [INSTALLED_APP, INSTALLED_CLI] {
        assert!(
            !Path::new(path).exists(),
            "{path} is still there after apt-get remove"
        );
    }
}
