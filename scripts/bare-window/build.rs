//! Build script: lets tauri-build embed the configuration (an empty page, no commands).

fn main() {
    tauri_build::build();
}
