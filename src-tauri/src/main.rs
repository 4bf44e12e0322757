//! The `casewatch-app` binary: opens the Casewatch window.
//!
//! Everything lives in the library (`casewatch_app_lib`) so the commands can be unit-tested
//! without a webview; this file only hands control to it.

// Release builds on Windows should not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    casewatch_app_lib::run();
}
