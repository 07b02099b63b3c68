//! `fake-alter`: runs the loopback Alter backend as a process, for the Python SDK check,
//! benchmarks and manual runs. Prints the environment a client needs on stdout, then serves
//! until interrupted.

use std::io::Write;
use std::process::ExitCode;

use alter_mcp_e2e::{Backend, TEST_AGENT_ID};

const USAGE: &str = "usage: fake-alter [--port PORT] [--key AGENT_KEY] [--user TOKEN=EMAIL]...

Serves a loopback Alter backend on 127.0.0.1:PORT (default 0: any free port) that verifies
signatures like the real one and answers /sdk/proxy with canned Google Calendar and Slack data.
--user knows an end user (protocol 9): calls whose body carries user_token TOKEN use that user's
grant, whose Google calendar belongs to EMAIL; other user tokens get 401 jwt_validation_error.
Prints ALTER_BASE_URL=... and ALTER_MCP_AGENT_KEY=... on stdout.
Control API (unsigned): POST /__test/faults, DELETE /__test/faults, GET|DELETE /__test/requests.";

struct Args {
    port: u16,
    key: Option<String>,
    /// (user token, email)
    users: Vec<(String, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 0,
        key: None,
        users: Vec::new(),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--port" => {
                let value = iter.next().ok_or("--port needs a value")?;
                args.port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number"))?;
            }
            "--key" => args.key = Some(iter.next().ok_or("--key needs a value")?),
            "--user" => {
                let value = iter.next().ok_or("--user needs TOKEN=EMAIL")?;
                let (token, email) = value
                    .split_once('=')
                    .filter(|(t, e)| !t.is_empty() && !e.is_empty())
                    .ok_or("--user expects TOKEN=EMAIL")?;
                args.users.push((token.to_owned(), email.to_owned()));
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("fake-alter: {message}");
            }
            eprintln!("{USAGE}");
            return if message.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let mut builder = Backend::builder();
    if let Some(key) = &args.key {
        builder = builder.key(key, TEST_AGENT_ID);
    }
    for (token, email) in &args.users {
        builder = builder.user(token, email);
    }
    let backend = match builder.start_on(args.port).await {
        Ok(backend) => backend,
        Err(error) => {
            eprintln!(
                "fake-alter: cannot listen on 127.0.0.1:{}: {error}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    // A test tool: printing the (test) key is how callers learn which key to use.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "ALTER_BASE_URL={}", backend.base_url());
    let _ = writeln!(stdout, "ALTER_MCP_AGENT_KEY={}", backend.key());
    let _ = stdout.flush();
    drop(stdout);
    eprintln!(
        "fake-alter: serving on {} (agent {}); export the two lines above, then run the client. Ctrl-C stops.",
        backend.base_url(),
        backend.agent_id()
    );
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
