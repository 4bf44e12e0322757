//! Processes under `/proc`: the app is started by WebKitWebDriver under tauri-driver, so the
//! tests and the benchmark find it (and its WebKit helpers) as descendants of the driver.

use std::collections::HashMap;
use std::fs;

/// Fields of `/proc/<pid>/stat` after the command name (field 3 onwards).
pub fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 2..];
    Some(after.split_whitespace().map(str::to_owned).collect())
}

/// The command name of `pid` (empty if it is gone).
pub fn comm(pid: u32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Process start, in seconds since boot (field 22, in clock ticks; USER_HZ is 100 on Linux).
pub fn start_time(pid: u32) -> Option<f64> {
    let ticks: f64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    Some(ticks / 100.0)
}

/// Parent of every live process.
pub fn parents() -> HashMap<u32, u32> {
    let mut map = HashMap::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if let Some(ppid) = stat_fields(pid).and_then(|f| f.get(1)?.parse().ok()) {
                map.insert(pid, ppid);
            }
        }
    }
    map
}

/// `root` and all its descendants.
pub fn tree(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        let mut children: Vec<u32> = parents
            .iter()
            .filter(|(_, ppid)| **ppid == parent)
            .map(|(pid, _)| *pid)
            .collect();
        children.sort_unstable();
        found.extend(children);
        i += 1;
    }
    found
}

/// The first descendant of `root` whose command name is `name`.
pub fn find_descendant(root: u32, name: &str) -> Option<u32> {
    tree(root).into_iter().find(|pid| comm(*pid) == name)
}
