//! `casewatch server`: runs the support centre (`casewatch-server`) and its administrative
//! commands. This is the only async part of the CLI: a tokio runtime is built here, inside the
//! subcommand, and nowhere else.

use crate::output::{stderr_line, stdout_line, stdout_text};
use casewatch_core::calendar::Calendar;
use casewatch_core::quote::DEFAULT_HOURS;
use casewatch_core::Contract;
use casewatch_server::{Admin, ApiError, NewOrg, PasswordCost, ServerConfig};
use clap::{Args, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Flags of `casewatch server`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServerArgs {
    #[command(subcommand)]
    command: Option<ServerCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Load the demonstration organisations, accounts, knowledge base and cases.
    #[arg(long)]
    demo: bool,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Data directory (default: the XDG data dir, e.g. ~/.local/share/casewatch/server).
    #[arg(long)]
    data: Option<PathBuf>,
    /// The community forum the apps link to (for general discussion; SPEC §9).
    #[arg(long, value_name = "URL")]
    community_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum ServerCommand {
    /// Import knowledge-base articles from a JSON Lines file (id, locale, title, body,
    /// section, kind, version, source), keeping their ids.
    ImportKb {
        /// The .jsonl file.
        file: PathBuf,
        /// Data directory.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Create a customer organisation, its contract and its key contact.
    AddOrg(AddOrgArgs),
    /// Create a vendor engineer account.
    AddEngineer {
        /// E-mail address (the login).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Password (else $CASEWATCH_PASSWORD, else one is generated and printed).
        #[arg(long)]
        password: Option<String>,
        /// Data directory.
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct AddOrgArgs {
    /// Short stable name, e.g. acme (a-z, 0-9, '-').
    #[arg(long)]
    slug: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// cloud or self-managed.
    #[arg(long)]
    deployment: String,
    /// standard, gold, platinum, enterprise or development.
    #[arg(long)]
    subscription: String,
    /// Annual spend on commercial features and support, in USD (advisory above 25,000).
    #[arg(long)]
    annual_spend: Option<f64>,
    /// Carry over an existing legacy contract (self-managed gold); refused otherwise.
    #[arg(long)]
    legacy: bool,
    /// The contract's IANA time zone.
    #[arg(long, default_value = "UTC")]
    tz: String,
    /// Weekly business hours.
    #[arg(long, default_value = DEFAULT_HOURS)]
    hours: String,
    /// A local holiday, YYYY-MM-DD; repeat for more.
    #[arg(long = "holiday")]
    holidays: Vec<String>,
    /// The key contact's e-mail address.
    #[arg(long)]
    key_contact_email: String,
    /// The key contact's name.
    #[arg(long)]
    key_contact_name: String,
    /// The key contact's password (else $CASEWATCH_PASSWORD, else generated and printed).
    #[arg(long)]
    password: Option<String>,
    /// Data directory.
    #[arg(long)]
    data: Option<PathBuf>,
}

fn fail(e: &ApiError) -> ExitCode {
    stderr_line(format_args!("casewatch: {} ({})", e.detail, e.code));
    if e.status.is_client_error() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}

fn data_dir(data: Option<PathBuf>) -> PathBuf {
    data.unwrap_or_else(ServerConfig::default_data_dir)
}

fn password(given: Option<String>) -> Option<String> {
    given.or_else(|| {
        std::env::var("CASEWATCH_PASSWORD")
            .ok()
            .filter(|p| !p.is_empty())
    })
}

/// Runs `casewatch server …`.
pub fn run(args: ServerArgs) -> ExitCode {
    match args.command {
        None => run_server(args.run),
        Some(ServerCommand::ImportKb { file, data }) => {
            let result = Admin::open(&data_dir(data), PasswordCost::Default)
                .and_then(|admin| admin.import_kb(&file));
            match result {
                Ok(r) => {
                    stdout_line(format_args!(
                        "imported {} articles ({} new or changed)",
                        r.read, r.changed
                    ));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Some(ServerCommand::AddOrg(a)) => add_org(a),
        Some(ServerCommand::AddEngineer {
            email,
            name,
            password: given,
            data,
        }) => {
            let result = Admin::open(&data_dir(data), PasswordCost::Default)
                .and_then(|admin| admin.add_engineer(&email, &name, password(given)));
            match result {
                Ok(c) => {
                    stdout_line(format_args!("engineer {email} created (id {})", c.user_id));
                    if let Some(p) = c.generated_password {
                        stdout_line(format_args!("initial password (shown once): {p}"));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
    }
}

fn add_org(a: AddOrgArgs) -> ExitCode {
    let contract = (|| {
        let deployment = a.deployment.parse()?;
        let subscription = a.subscription.parse()?;
        if a.legacy {
            Contract::existing(deployment, subscription, a.annual_spend)
        } else {
            Contract::new_sale(deployment, subscription, a.annual_spend)
        }
    })();
    let calendar = Calendar::parse(&a.tz, &a.hours, &a.holidays, None);
    let (contract, calendar) = match (contract, calendar) {
        (Ok(c), Ok(k)) => (c, k),
        (Err(e), _) | (_, Err(e)) => return fail(&ApiError::from(e)),
    };
    let org = NewOrg {
        slug: a.slug.clone(),
        name: a.name,
        contract,
        calendar,
        demo: false,
    };
    let result = Admin::open(&data_dir(a.data), PasswordCost::Default).and_then(|admin| {
        admin.add_org(
            org,
            &a.key_contact_email,
            &a.key_contact_name,
            password(a.password),
        )
    });
    match result {
        Ok(c) => {
            stdout_line(format_args!(
                "organisation {} created (id {}); key contact {} (id {})",
                a.slug,
                c.org_id.unwrap_or_default(),
                a.key_contact_email,
                c.user_id
            ));
            if let Some(p) = c.generated_password {
                stdout_line(format_args!("initial password (shown once): {p}"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn run_server(args: RunArgs) -> ExitCode {
    let listen: SocketAddr = match args.listen.parse() {
        Ok(a) => a,
        Err(_) => {
            return fail(&ApiError::invalid(format!(
                "--listen expects HOST:PORT such as 127.0.0.1:8080, not '{}'",
                args.listen
            )))
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    if let Some(url) = &args.community_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
            return fail(&ApiError::invalid(format!(
                "--community-url expects an http(s) address such as https://community.example.com/, not '{url}'"
            )));
        }
    }
    let mut config = ServerConfig::new(listen, data_dir(args.data));
    config.demo = args.demo;
    config.community_url = args.community_url;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&ApiError::internal(e)),
    };
    runtime.block_on(async move {
        let server = match casewatch_server::serve(config.clone()).await {
            Ok(s) => s,
            Err(casewatch_server::ServeError::Storage(e)) => return fail(&e),
            Err(e) => {
                stderr_line(format_args!("casewatch: {e}"));
                return ExitCode::FAILURE;
            }
        };
        if let Some(summary) = &server.demo_summary {
            stdout_text(summary);
        }
        stdout_line(format_args!(
            "casewatch server listening on {} (data: {})",
            server.base_url(),
            config.data_dir.display()
        ));
        let stop = server.shutdown_handle();
        tokio::spawn(async move {
            wait_for_signal().await;
            stop.shutdown();
        });
        match server.wait().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                stderr_line(format_args!("casewatch: the server stopped: {e}"));
                ExitCode::FAILURE
            }
        }
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
