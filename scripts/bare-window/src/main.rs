//! A bare Tauri window with an empty page: what no Tauri app on this machine can go under in
//! start-up time and memory. `scripts/bench-app.sh` measures it the same way as Casewatch
//! (tests/benches/app.rs), as the floor of the comparison in docs/benchmarks.md.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
