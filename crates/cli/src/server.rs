//! `casewatch server`: runs the support centre (`casewatch-server`) and its administrative
//! commands. This is the only async part of the CLI: a tokio runtime is built here, inside the
//! subcommand, and nowhere else.

use crate::output::{stderr_line, stdout_line, stdout_text};
use casewatch_core::calendar::Calendar;
use casewatch_core::quote::DEFAULT_HOURS;
use casewatch_core::Contract;
use casewatch_server::ops::{redact_database_url, Cidr};
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
    // Boxed: the flags make these the largest of the CLI's commands (clippy large_enum_variant).
    #[command(flatten)]
    run: Box<RunArgs>,
}

/// Every flag of the running server also reads an environment variable (shown in `--help`),
/// so that a systemd `EnvironmentFile`, a container or a secret store can configure it without
/// putting the database password on a command line that `ps` shows. A flag wins over its
/// variable.
#[derive(Debug, Args)]
struct RunArgs {
    /// Load the demonstration organisations, accounts, knowledge base and cases.
    #[arg(long, env = "CASEWATCH_DEMO")]
    demo: bool,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "CASEWATCH_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Data directory (default: the XDG data dir, e.g. ~/.local/share/casewatch/server): the
    /// SQLite database and attachments, or only local files with --database.
    #[arg(long, env = "CASEWATCH_DATA")]
    data: Option<PathBuf>,
    /// PostgreSQL to store everything in, e.g. postgres://casewatch:PASSWORD@db:5432/casewatch
    /// (add ?sslmode=require for TLS); absent: SQLite in the data directory.
    #[arg(
        long,
        env = "CASEWATCH_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// The community forum the apps link to (for general discussion; SPEC §9).
    #[arg(long, env = "CASEWATCH_COMMUNITY_URL", value_name = "URL")]
    community_url: Option<String>,
    /// Directory of the desktop app's updates (`latest.json` and the signed packages), served
    /// under /desktop-updates/.
    #[arg(long, env = "CASEWATCH_DESKTOP_UPDATES", value_name = "DIR")]
    desktop_updates: Option<PathBuf>,
    /// The SMTP relay outgoing mail goes through: smtp://host:25, smtp://host:587?tls=required
    /// (STARTTLS), smtps://user:PASSWORD@host:465 (TLS); absent: e-mail is off.
    #[arg(
        long,
        env = "CASEWATCH_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// The support centre's address: the sender of every mail (required with --smtp-url).
    #[arg(long, env = "CASEWATCH_MAIL_FROM", value_name = "ADDRESS")]
    mail_from: Option<String>,
    /// The portal's public address, for links in mails (e.g. https://support.vendor.example).
    #[arg(long, env = "CASEWATCH_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// A file holding the secret `casewatch server mailgate` must send with incoming mail
    /// (at least 16 characters, e.g. `openssl rand -hex 32`); absent: incoming mail is off.
    /// Needs --mail-from. Wins over $CASEWATCH_MAILGATE_SECRET.
    #[arg(long, value_name = "FILE")]
    mailgate_secret_file: Option<PathBuf>,
    /// The mailgate secret itself, as a variable (a flag would show in `ps`); see
    /// --mailgate-secret-file.
    #[arg(
        long,
        env = "CASEWATCH_MAILGATE_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    mailgate_secret: Option<String>,
    /// A reverse proxy whose X-Forwarded-For is believed, as an address block (10.0.0.0/8,
    /// 192.0.2.7, fd00::/8); repeat the flag, or separate blocks with commas in the variable.
    #[arg(
        long = "trusted-proxy",
        env = "CASEWATCH_TRUSTED_PROXY",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<String>,
    /// Log lines on standard error as text, or as one JSON object per line.
    #[arg(long, env = "CASEWATCH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Which log events to keep, as a tracing filter (e.g. info, debug, warn,casewatch_server=info);
    /// else $RUST_LOG, else info.
    #[arg(long, env = "CASEWATCH_LOG", value_name = "FILTER")]
    log_filter: Option<String>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (timestamp, level, target, fields), for a log collector.
    Json,
}

#[derive(Debug, Subcommand)]
enum ServerCommand {
    /// Import knowledge-base articles from a JSON Lines file (id, locale, title, body,
    /// section, kind, version, source), keeping their ids.
    ImportKb {
        /// The .jsonl file.
        file: PathBuf,
        /// Data directory.
        #[arg(long, env = "CASEWATCH_DATA")]
        data: Option<PathBuf>,
        /// PostgreSQL to administer (as `casewatch server --database`); absent: SQLite in --data.
        #[arg(
            long,
            env = "CASEWATCH_DATABASE_URL",
            value_name = "URL",
            hide_env_values = true
        )]
        database: Option<String>,
    },
    /// Create a customer organisation, its contract and its key contact.
    AddOrg(Box<AddOrgArgs>),
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
        #[arg(long, env = "CASEWATCH_DATA")]
        data: Option<PathBuf>,
        /// PostgreSQL to administer (as `casewatch server --database`); absent: SQLite in --data.
        #[arg(
            long,
            env = "CASEWATCH_DATABASE_URL",
            value_name = "URL",
            hide_env_values = true
        )]
        database: Option<String>,
    },
    /// Copy a SQLite data directory into a new, empty PostgreSQL database (organisations,
    /// accounts, sessions, articles, cases, comments, attachments, callbacks, idempotency
    /// records, login failures); refuses a target that holds data.
    CopyData {
        /// The SQLite data directory to copy from.
        #[arg(long, env = "CASEWATCH_DATA")]
        data: Option<PathBuf>,
        /// The PostgreSQL database to copy to (postgres://user:password@host:port/db).
        #[arg(
            long,
            env = "CASEWATCH_DATABASE_URL",
            value_name = "URL",
            hide_env_values = true
        )]
        to: String,
    },
    /// Read one e-mail message on standard input and post it to the support centre, for an
    /// MTA's pipe transport. Exit status: 0 taken (also when refused), 75 try again later,
    /// 77 secret refused, 65 empty or unreadable message.
    Mailgate(crate::mailgate::MailgateArgs),
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
    #[arg(long, env = "CASEWATCH_DATA")]
    data: Option<PathBuf>,
    /// PostgreSQL to administer (as `casewatch server --database`); absent: SQLite in --data.
    #[arg(
        long,
        env = "CASEWATCH_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
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
        None => run_server(*args.run),
        Some(ServerCommand::ImportKb {
            file,
            data,
            database,
        }) => {
            let result = Admin::open_with(&data_dir(data), database, PasswordCost::Default)
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
        Some(ServerCommand::AddOrg(a)) => add_org(*a),
        Some(ServerCommand::CopyData { data, to }) => copy_data(&data_dir(data), &to),
        Some(ServerCommand::Mailgate(a)) => crate::mailgate::run(a),
        Some(ServerCommand::AddEngineer {
            email,
            name,
            password: given,
            data,
            database,
        }) => {
            let result = Admin::open_with(&data_dir(data), database, PasswordCost::Default)
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

/// `casewatch server copy-data`: the copy runs in the server crate (`store::copy`); this only
/// reports it.
fn copy_data(data: &std::path::Path, to: &str) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&ApiError::internal(e)),
    };
    match runtime.block_on(casewatch_server::store::copy::copy_data(data, to)) {
        Ok(report) => {
            stdout_line(format_args!(
                "copied {} to {}:\n{report}",
                data.display(),
                redact_database_url(to)
            ));
            ExitCode::SUCCESS
        }
        Err(e) => fail(&ApiError::from(e)),
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
    let result =
        Admin::open_with(&data_dir(a.data), a.database, PasswordCost::Default).and_then(|admin| {
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
    let filter = match &args.log_filter {
        Some(f) => match tracing_subscriber::EnvFilter::try_new(f) {
            Ok(f) => f,
            Err(e) => {
                return fail(&ApiError::invalid(format!(
                    "--log-filter expects a filter such as info or warn,casewatch_server=debug: {e}"
                )))
            }
        },
        None => tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "info,tower_http=warn".into()),
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match args.log_format {
        LogFormat::Text => logs.try_init(),
        LogFormat::Json => logs.json().try_init(),
    };
    let mut trusted_proxies = Vec::new();
    for block in args.trusted_proxies.iter().filter(|b| !b.trim().is_empty()) {
        match block.parse::<Cidr>() {
            Ok(c) => trusted_proxies.push(c),
            Err(e) => return fail(&ApiError::invalid(format!("--trusted-proxy: {e}"))),
        }
    }
    if let Some(url) = &args.community_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
            return fail(&ApiError::invalid(format!(
                "--community-url expects an http(s) address such as https://community.example.com/, not '{url}'"
            )));
        }
    }
    if let Some(dir) = &args.desktop_updates {
        if !dir.join("latest.json").is_file() {
            return fail(&ApiError::invalid(format!(
                "--desktop-updates expects a directory holding latest.json; {} has none",
                dir.display()
            )));
        }
    }
    let mut config = ServerConfig::new(listen, data_dir(args.data));
    config.desktop_updates = args.desktop_updates;
    config.demo = args.demo;
    config.community_url = args.community_url;
    config.database = args.database;
    config.trusted_proxies = trusted_proxies;
    config.smtp_url = args.smtp_url.filter(|u| !u.trim().is_empty());
    config.mail_from = args.mail_from.filter(|a| !a.trim().is_empty());
    config.public_url = args.public_url.filter(|u| !u.trim().is_empty());
    if let Some(url) = &config.public_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return fail(&ApiError::invalid(format!(
                "--public-url expects an http(s) address such as https://support.vendor.example, not '{url}'"
            )));
        }
    }
    config.mailgate_secret = match (&args.mailgate_secret_file, args.mailgate_secret) {
        (Some(path), _) => match std::fs::read_to_string(path) {
            Ok(s) => Some(s.trim().to_string()),
            Err(e) => {
                return fail(&ApiError::invalid(format!(
                    "--mailgate-secret-file: cannot read {}: {e}",
                    path.display()
                )))
            }
        },
        (None, Some(secret)) if !secret.trim().is_empty() => Some(secret.trim().to_string()),
        (None, _) => None,
    };
    // Refused before the server starts, with the usual exit status for bad settings.
    if let Err(e) = config.check_mail() {
        return fail(&ApiError::invalid(e));
    }
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
        let storage = match &config.database {
            // The URL may carry the database password: never print it.
            Some(url) => format!("database: {}", redact_database_url(url)),
            None => format!("data: {}", config.data_dir.display()),
        };
        stdout_line(format_args!(
            "casewatch server listening on {} ({storage})",
            server.base_url()
        ));
        tracing::info!(
            address = %server.addr(),
            database = %config.database.as_deref().map(redact_database_url).unwrap_or_else(|| "sqlite".into()),
            data = %config.data_dir.display(),
            trusted_proxies = ?config.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "casewatch server started"
        );
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
