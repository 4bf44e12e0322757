//! The command contract between the UI and the Rust side, checked.
//!
//! `contract/commands.rs` is the one list of the app's commands with their argument and result
//! types. From it this test renders, and compares with the checked-in copies:
//!
//! - `ui/types/contract.d.ts`: the TypeScript declaration of every type a command takes or
//!   returns (ts-rs, from the Rust types themselves) and the `Commands` map that `ui/api.js`
//!   types `invoke` with, so `tsc` catches UI code that no longer fits;
//! - `src-tauri/capabilities/main.json`: one `allow-<command>` per command;
//! - the command table of `docs/app-commands.md`;
//! - `tests/ui-mock/demo-accounts.json` and `form-rules.json`: what the mock backend answers
//!   for `demo_accounts` and `case_form_rules`, taken from the server's demo module and the
//!   core, so the mock holds no copies.
//!
//! and it checks that `generate_handler!` in `src/lib.rs`, `ui/api.js` and the mock backend
//! name exactly the listed commands. Those are hand-written, so they are only compared.
//!
//! `CASEWATCH_BLESS=1 cargo test -p casewatch-app --features ts --test contract` rewrites the
//! generated files instead of failing on them. Without the `ts` feature (which brings the
//! ts-rs derives) there is nothing to compare, so the file is empty then; `make test` runs it
//! with the feature.
#![cfg(all(feature = "ts", feature = "demo"))]

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use ts_rs::{Config, TypeVisitor, TS};

// The aliases `contract/commands.rs` writes its types with.
#[allow(unused_imports)]
use casewatch_api as api;
#[allow(unused_imports)]
use casewatch_app_lib as app;
#[allow(unused_imports)]
use casewatch_client::desk;
#[allow(unused_imports)]
use casewatch_core as domain;

/// A Rust type as the contract needs it: its TypeScript name, a way to collect its
/// declaration and those of the types it refers to, and how the list writes it.
struct TypeRef {
    name: fn(&Config) -> String,
    collect: fn(&mut Collector),
    /// `Option<…>`: Tauri accepts a missing argument for it.
    optional: bool,
    rust: &'static str,
}

fn type_ref<T: TS + 'static>(rust: &'static str) -> TypeRef {
    TypeRef {
        name: <T as TS>::name,
        collect: |c| c.visit::<T>(),
        optional: <T as TS>::IS_OPTION,
        rust,
    }
}

/// What a command's arguments object is.
enum Args {
    /// Named arguments, one key each (Tauri maps keys to parameter names).
    Named(Vec<(&'static str, TypeRef)>),
    /// A raw byte body.
    Raw,
}

/// One command of the list.
struct Command {
    name: &'static str,
    doc: Vec<&'static str>,
    args: Args,
    result: TypeRef,
}

impl Command {
    /// The one-line description (the doc comment's lines joined).
    fn doc(&self) -> String {
        self.doc
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

macro_rules! args {
    () => {
        Args::Named(Vec::new())
    };
    (raw) => {
        Args::Raw
    };
    ($($arg:ident : $t:ty),+ $(,)?) => {
        Args::Named(vec![$((stringify!($arg), type_ref::<$t>(stringify!($t)))),+])
    };
}

macro_rules! casewatch_commands {
    ($( $(#[doc = $doc:literal])* $name:ident ( $($args:tt)* ) -> $result:ty ; )*) => {
        vec![$(Command {
            name: stringify!($name),
            doc: vec![$($doc),*],
            args: args!($($args)*),
            result: type_ref::<$result>(stringify!($result)),
        }),*]
    };
}

fn commands() -> Vec<Command> {
    include!("../contract/commands.rs")
}

/// Collects declarations, following each type's dependencies; one entry per TypeScript name
/// so that two Rust types claiming the same name are caught instead of one silently winning.
struct Collector {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, Vec<(&'static str, String)>>,
}

impl TypeVisitor for Collector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Only named types have a declaration; primitives, `Vec`, `Option`… are written inline.
        if T::output_path().is_some() {
            let mut text = T::docs().unwrap_or_default();
            text.push_str("export ");
            text.push_str(&T::decl(&self.cfg));
            self.decls
                .entry(T::ident(&self.cfg))
                .or_default()
                .push((std::any::type_name::<T>(), text));
        }
        T::visit_dependencies(self);
        // A wrapper's own type argument (`Option<OpenTarget>` as a result) is one of its
        // generics, not one of its dependencies: without this it would never be declared.
        T::visit_generics(self);
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("src-tauri has a parent")
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_default()
}

fn blessing() -> bool {
    std::env::var("CASEWATCH_BLESS").is_ok_and(|v| v == "1")
}

/// The contract's TypeScript: declarations (sorted by name), then `Commands`.
fn render_types(list: &[Command], problems: &mut Vec<String>) -> String {
    // i64 ids and counts stay far below 2^53, and JSON.parse gives numbers, not bigints.
    let mut collector = Collector {
        cfg: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    collector.visit::<desk::DeskError>();
    for command in list {
        match &command.args {
            Args::Named(args) => args.iter().for_each(|(_, t)| (t.collect)(&mut collector)),
            Args::Raw => {}
        }
        (command.result.collect)(&mut collector);
    }
    let cfg = &collector.cfg;
    let mut out = String::from(
        "// GENERATED by src-tauri/tests/contract.rs from src-tauri/contract/commands.rs: do not edit.\n\
         // Regenerate: CASEWATCH_BLESS=1 cargo test -p casewatch-app --features ts --test contract\n\
         //\n\
         // Every type a command of the desktop app takes or returns, as the Rust side serialises it\n\
         // (ts-rs): instants are RFC 3339 strings, 64-bit integers are numbers.\n\n",
    );
    for (name, variants) in &collector.decls {
        if variants.len() > 1 {
            let rust: Vec<_> = variants.iter().map(|(r, _)| *r).collect();
            problems.push(format!(
                "two Rust types are both called `{name}` in TypeScript: {}. Rename one with \
                 #[cfg_attr(feature = \"ts\", ts(rename = \"…\"))].",
                rust.join(", ")
            ));
        }
        out.push_str(&layout(&variants[0].1));
        out.push_str("\n\n");
    }
    out.push_str(
        "/** What every command rejects with: a stable snake_case `code` and English detail. */\n\
         export type CommandError = DeskError;\n\n\
         /** Every command of the app: the arguments object `invoke` sends and what it resolves to. */\n\
         export interface Commands {\n",
    );
    for command in list {
        out.push_str(&format!(
            "  /** {} */\n  {}: {{ args: {}; result: {} }};\n",
            command.doc(),
            command.name,
            args_ts(&command.args, cfg),
            (command.result.name)(cfg)
        ));
    }
    out.push_str(
        "}\n\n/** A command's name. */\nexport type CommandName = keyof Commands;\n\n\
         /** What `invoke(name, …)` takes after the name: nothing for commands without arguments. */\n\
         export type InvokeArgs<K extends CommandName> =\n  \
         Commands[K]['args'] extends Record<string, never> ? [args?: Commands[K]['args']] : [args: Commands[K]['args']];\n",
    );
    out
}

/// Lays out a ts-rs declaration for reading (whitespace only: ts-rs writes the fields of an
/// object type flush left, with trailing spaces and the closing brace on the last field's line).
fn layout(decl: &str) -> String {
    let lines: Vec<&str> = decl.lines().map(str::trim_end).collect();
    // The type's own doc comment comes first; the declaration starts at `export`.
    let Some(start) = lines.iter().position(|l| l.starts_with("export ")) else {
        return lines.join("\n");
    };
    if start + 1 == lines.len() || !lines[start].ends_with('{') {
        return lines.join("\n");
    }
    let mut out: Vec<String> = lines[..=start].iter().map(|l| l.to_string()).collect();
    for line in &lines[start + 1..] {
        match line.strip_suffix(" };") {
            Some(last) => {
                out.push(format!("  {last}"));
                out.push("};".to_string());
            }
            None => out.push(format!("  {line}")),
        }
    }
    out.join("\n")
}

fn args_ts(args: &Args, cfg: &Config) -> String {
    match args {
        Args::Named(args) if args.is_empty() => "Record<string, never>".into(),
        Args::Named(args) => {
            let fields: Vec<_> = args
                .iter()
                .map(|(n, t)| {
                    let key = if t.optional {
                        format!("{n}?")
                    } else {
                        n.to_string()
                    };
                    format!("{key}: {}", (t.name)(cfg))
                })
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Args::Raw => "Uint8Array".into(),
    }
}

/// The capability file: Tauri's core defaults and the listed commands, nothing else.
fn render_capability(list: &[Command]) -> String {
    let mut permissions = vec!["core:default".to_string()];
    permissions.extend(
        list.iter()
            .map(|c| format!("allow-{}", c.name.replace('_', "-"))),
    );
    let value = serde_json::json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "main-window",
        "description": "What the main window may do: Tauri's core defaults and the app's own commands, nothing else. Generated from contract/commands.rs by tests/contract.rs.",
        "windows": ["main"],
        "permissions": permissions,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON renders");
    text.push('\n');
    text
}

const DOC_BEGIN: &str =
    "<!-- BEGIN GENERATED by src-tauri/tests/contract.rs from src-tauri/contract/commands.rs -->";
const DOC_END: &str = "<!-- END GENERATED -->";

/// The command table of `docs/app-commands.md`.
fn render_doc_table(list: &[Command]) -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = format!(
        "{DOC_BEGIN}\n\n| command | arguments | result | what it does |\n|---|---|---|---|\n"
    );
    for command in list {
        let args = match &command.args {
            Args::Named(args) if args.is_empty() => "–".to_string(),
            other => format!("`{}`", args_ts(other, &cfg)),
        };
        out.push_str(&format!(
            "| `{}` | {} | `{}` | {} |\n",
            command.name,
            args.replace('|', "\\|"),
            (command.result.name)(&cfg).replace('|', "\\|"),
            command.doc().replace('|', "\\|")
        ));
    }
    out.push('\n');
    out.push_str(DOC_END);
    out
}

/// Compares a generated file with the checked-in one, or rewrites it when blessing.
fn compare(path: &str, expected: &str, problems: &mut Vec<String>) {
    let actual = read(path);
    if actual == expected {
        return;
    }
    if blessing() {
        let full = root().join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).expect("create the directory");
        }
        std::fs::write(&full, expected).expect("write the generated file");
        eprintln!("contract: rewrote {path}");
    } else {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()))
            + 1;
        problems.push(format!(
            "{path} is out of date with src-tauri/contract/commands.rs (first difference at line \
             {line}). Regenerate it: CASEWATCH_BLESS=1 cargo test -p casewatch-app --features ts \
             --test contract"
        ));
    }
}

/// Compares a set of command names found in a hand-written file with the list.
fn agree(what: &str, found: &BTreeSet<String>, list: &[Command], problems: &mut Vec<String>) {
    let listed: BTreeSet<String> = list.iter().map(|c| c.name.to_string()).collect();
    let missing: Vec<_> = listed.difference(found).cloned().collect();
    let extra: Vec<_> = found.difference(&listed).cloned().collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{what} lacks commands of src-tauri/contract/commands.rs: {}",
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        problems.push(format!(
            "{what} has commands that src-tauri/contract/commands.rs does not list: {} (add them \
             to the list, or remove them)",
            extra.join(", ")
        ));
    }
}

/// The command names in `tauri::generate_handler![…]` (the last segment of each path).
fn handler_names(lib_rs: &str) -> Option<BTreeSet<String>> {
    let start = lib_rs.find("generate_handler![")? + "generate_handler![".len();
    let end = start + lib_rs[start..].find(']')?;
    Some(
        lib_rs[start..end]
            .split(',')
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| p.rsplit("::").next().unwrap_or(p).trim().to_string())
            .collect(),
    )
}

/// The names of the commands a JavaScript file invokes: every `invoke('name'`.
fn invoked_names(js: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = js;
    while let Some(at) = rest.find("invoke(") {
        rest = &rest[at + "invoke(".len()..];
        let trimmed = rest.trim_start();
        if let Some(quoted) = trimmed.strip_prefix('\'') {
            if let Some(end) = quoted.find('\'') {
                let name = &quoted[..end];
                if name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    names.insert(name.to_string());
                }
            }
        }
    }
    names
}

/// The keys of the mock backend's `const handlers = { … };` (one `name:` per line, two spaces in).
fn mock_handler_names(js: &str) -> Option<BTreeSet<String>> {
    let start = js.find("const handlers = {")?;
    let end = start + js[start..].find("\n};")?;
    Some(
        js[start..end]
            .lines()
            .filter_map(|line| {
                let key = line.strip_prefix("  ")?;
                if key.starts_with(' ') {
                    return None;
                }
                let (name, _) = key.split_once(':')?;
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
                    .then(|| name.to_string())
            })
            .collect(),
    )
}

/// Every `.rs` file under `src-tauri/src`, as text.
fn app_sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path, text));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("src-tauri/src"), &mut out);
    out
}

/// A type as written, without spaces and module paths: `Vec<api::Window>` → `Vec<Window>`.
fn bare_type(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
    let mut word = String::new();
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear();
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&word);
    out
}

/// Splits at the commas that are not inside `<>`, `()` or `[]`.
fn split_top(text: &str) -> Vec<String> {
    let (mut depth, mut parts, mut part) = (0i32, Vec::new(), String::new());
    for c in text.chars() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(part);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// The arguments the UI sends and the result type of `#[tauri::command] fn name(…)`, as written
/// in the app's sources (Tauri's own parameters, such as `State`, left out).
fn rust_signature(
    sources: &[(PathBuf, String)],
    name: &str,
) -> Option<(Vec<(String, String)>, String)> {
    for (_, text) in sources {
        for needle in [format!("async fn {name}("), format!(" fn {name}(")] {
            let Some(at) = text.find(&needle) else {
                continue;
            };
            // The attributes between the previous item's closing brace and this function.
            let item_start = text[..at].rfind("\n}").unwrap_or(0);
            let attributes = &text[item_start..at];
            if !attributes.contains("tauri::command") {
                continue;
            }
            // Tauri expects camelCase keys unless the command says otherwise; the UI sends the
            // parameter names as written.
            let snake_case = attributes.contains("rename_all = \"snake_case\"");
            let open = at + needle.len();
            let mut depth = 1;
            let close = text[open..].char_indices().find_map(|(i, c)| {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(open + i)
            })?;
            let args = split_top(&text[open..close])
                .into_iter()
                .filter_map(|p| {
                    let (n, t) = p.split_once(':')?;
                    let t = bare_type(t);
                    let tauri_own = ["State<", "AppHandle", "Request<", "Window", "Webview"]
                        .iter()
                        .map(|w| w.trim_end_matches('<'))
                        .any(|w| t == w || t.starts_with(&format!("{w}<")));
                    (!tauri_own).then(|| {
                        let name = n.trim().trim_start_matches("mut ");
                        let key = if snake_case {
                            name.to_string()
                        } else {
                            camel_case(name)
                        };
                        (key, t)
                    })
                })
                .collect();
            let rest = &text[close + 1..];
            let body = rest.find('{').unwrap_or(rest.len());
            let ret = rest[..body]
                .trim()
                .strip_prefix("->")
                .unwrap_or("()")
                .trim();
            let ret = bare_type(ret);
            let ret = match ret.strip_prefix("Result<") {
                Some(inner) => split_top(inner.strip_suffix('>').unwrap_or(inner))
                    .first()
                    .cloned()
                    .unwrap_or_default(),
                None => ret,
            };
            return Some((args, ret));
        }
    }
    None
}

/// `attachment_ids` → `attachmentIds`: the key Tauri expects by default.
fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The list's arguments and result must be those of the Rust function the command runs.
fn check_signatures(list: &[Command], problems: &mut Vec<String>) {
    let sources = app_sources();
    for command in list {
        let Some((args, result)) = rust_signature(&sources, command.name) else {
            problems.push(format!(
                "no `#[tauri::command] fn {}(…)` in src-tauri/src",
                command.name
            ));
            continue;
        };
        let listed: Vec<(String, String)> = match &command.args {
            Args::Named(a) => a
                .iter()
                .map(|(n, t)| (n.to_string(), bare_type(t.rust)))
                .collect(),
            // A raw body: the function reads it from Tauri's `Request`.
            Args::Raw => Vec::new(),
        };
        if listed != args {
            problems.push(format!(
                "{}: src-tauri/contract/commands.rs lists the arguments ({}) but the Rust function \
                 takes ({}) (keys as Tauri reads them: camelCase unless #[tauri::command(rename_all = \
                 \"snake_case\")])",
                command.name,
                listed.iter().map(|(n, t)| format!("{n}: {t}")).collect::<Vec<_>>().join(", "),
                args.iter().map(|(n, t)| format!("{n}: {t}")).collect::<Vec<_>>().join(", ")
            ));
        }
        let listed_result = bare_type(command.result.rust);
        if listed_result != result {
            problems.push(format!(
                "{}: src-tauri/contract/commands.rs lists the result `{listed_result}` but the Rust \
                 function returns `{result}`",
                command.name
            ));
        }
    }
}

#[test]
fn the_command_contract_agrees_everywhere() {
    let list = commands();
    let mut problems = Vec::new();

    let mut names = HashSet::new();
    for command in &list {
        if !names.insert(command.name) {
            problems.push(format!("{} is listed twice", command.name));
        }
        if command.doc.is_empty() {
            problems.push(format!(
                "{} has no /// line saying what it does",
                command.name
            ));
        }
    }

    check_signatures(&list, &mut problems);

    let types = render_types(&list, &mut problems);
    compare("ui/types/contract.d.ts", &types, &mut problems);
    compare(
        "src-tauri/capabilities/main.json",
        &render_capability(&list),
        &mut problems,
    );

    let doc = read("docs/app-commands.md");
    match (doc.find(DOC_BEGIN), doc.find(DOC_END)) {
        (Some(begin), Some(end)) if begin < end => {
            let generated = format!(
                "{}{}{}",
                &doc[..begin],
                render_doc_table(&list),
                &doc[end + DOC_END.len()..]
            );
            compare("docs/app-commands.md", &generated, &mut problems);
        }
        _ => problems.push(format!(
            "docs/app-commands.md needs the markers `{DOC_BEGIN}` and `{DOC_END}` around its \
             command table"
        )),
    }

    match handler_names(&read("src-tauri/src/lib.rs")) {
        Some(found) => agree(
            "generate_handler! in src-tauri/src/lib.rs",
            &found,
            &list,
            &mut problems,
        ),
        None => problems.push("no generate_handler![…] in src-tauri/src/lib.rs".into()),
    }
    agree(
        "ui/api.js (its invoke('…') calls)",
        &invoked_names(&read("ui/api.js")),
        &list,
        &mut problems,
    );
    match mock_handler_names(&read("tests/ui-mock/mock-backend.js")) {
        Some(found) => agree(
            "tests/ui-mock/mock-backend.js (its `handlers`)",
            &found,
            &list,
            &mut problems,
        ),
        None => problems.push("no `const handlers = {` in tests/ui-mock/mock-backend.js".into()),
    }

    // The mock backend's demo accounts are the server's: one list, in the server's demo module.
    let accounts = app::demo::DemoPortal::accounts().expect("the demo build lists its accounts");
    let mut accounts =
        serde_json::to_string_pretty(&accounts.accounts).expect("the demo accounts serialise");
    accounts.push('\n');
    compare("tests/ui-mock/demo-accounts.json", &accounts, &mut problems);

    // And its form rules are the core's.
    let mut rules = serde_json::to_string_pretty(&domain::case_form::form_rules())
        .expect("the form rules serialise");
    rules.push('\n');
    compare("tests/ui-mock/form-rules.json", &rules, &mut problems);

    assert!(
        problems.is_empty(),
        "the command contract disagrees with src-tauri/contract/commands.rs:\n- {}\n",
        problems.join("\n- ")
    );
}

#[test]
fn the_handler_list_is_read_from_lib_rs() {
    let names = handler_names(
        "x.invoke_handler(tauri::generate_handler![\n  commands::a,\n  commands::cases::b_c,\n])",
    )
    .expect("found");
    assert_eq!(names, ["a", "b_c"].into_iter().map(String::from).collect());
}

#[test]
fn rust_signatures_are_read_without_tauris_own_parameters() {
    let source = "use x;\n}\n\n/// Doc.\n#[tauri::command(rename_all = \"snake_case\")]\n\
                  pub async fn case_callback(\n    state: State<'_, AppState>,\n    app: AppHandle,\n    \
                  number: i64,\n    windows: Vec<casewatch_api::Window>,\n) -> Result<Callback, AppError> {\n}\n";
    let sources = vec![(PathBuf::from("x.rs"), source.to_string())];
    let (args, result) = rust_signature(&sources, "case_callback").expect("found");
    assert_eq!(
        args,
        vec![
            ("number".to_string(), "i64".to_string()),
            ("windows".to_string(), "Vec<Window>".to_string())
        ]
    );
    assert_eq!(result, "Callback");
    // Without `rename_all = "snake_case"` Tauri reads camelCase keys.
    let camel = "}\n#[tauri::command]\npub fn outbox_discard(outbox_id: String) {\n}\n";
    let sources = vec![(PathBuf::from("z.rs"), camel.to_string())];
    let (args, result) = rust_signature(&sources, "outbox_discard").expect("found");
    assert_eq!(args, vec![("outboxId".to_string(), "String".to_string())]);
    assert_eq!(result, "()");
    // A function without `#[tauri::command]` is not a command.
    let helper = "}\npub fn case_callback(number: i64) -> u8 {\n}\n";
    let sources = vec![(PathBuf::from("y.rs"), helper.to_string())];
    assert!(rust_signature(&sources, "case_callback").is_none());
}

#[test]
fn the_mock_and_the_ui_are_read_for_their_command_names() {
    let api = "export const a = () => invoke('kb_search', { q });\n\
               await core.invoke('attachment_stage', bytes);\nreturn await core.invoke(command, args);";
    assert_eq!(
        invoked_names(api),
        ["attachment_stage", "kb_search"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    let mock = "const handlers = {\n  logout: () => null,\n  case_get: ({ number }) => {\n    \
                nested: 1,\n  },\n};\n";
    assert_eq!(
        mock_handler_names(mock).expect("found"),
        ["case_get", "logout"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn declarations_are_laid_out_without_changing_them() {
    let decl = "/**\n * A pair.\n */\nexport type Pair = { \n/**\n * Left.\n */\na: string, \nb: number, };";
    assert_eq!(
        layout(decl),
        "/**\n * A pair.\n */\nexport type Pair = {\n  /**\n   * Left.\n   */\n  a: string,\n  b: number,\n};"
    );
    assert_eq!(
        layout("export type Unit = \"a\" | \"b\";"),
        "export type Unit = \"a\" | \"b\";"
    );
}
