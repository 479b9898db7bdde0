# A throwaway PostgreSQL server for the benchmarks, sourced by scripts/benchmark.sh and
# scripts/benchmark-inventory.sh. Debian's initdb and pg_ctl of the newest installed major version
# (/usr/lib/postgresql/*/bin) make a cluster in a directory of the caller's, run as the postgres account when the
# script runs as root (PostgreSQL refuses to run as root), listening on 127.0.0.1 only, with trust authentication
# for its superuser certbroker.
#
# Durability is PostgreSQL's default: fsync, synchronous_commit and full_page_writes on, so every commit waits for
# its WAL flush, as in production. The benchmarks report production figures, not what a test server with fsync off
# would do. max_connections is raised from 100 to 300 so that two brokers' pools fit (Npgsql opens up to 100 each).
# PG_SETTINGS adds server settings as `-c name=value` words, to try one without editing this file.
#
# postgres_start sets pg_bin, pg_root, pg_port and pg_pid (the postmaster, parent of every backend).

pg_bin=""
pg_root=""
pg_port=""
pg_pid=""

postgres_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Starts the server with its cluster in $1 (made there first when it is not), on port $2.
postgres_start() {
  local dir="$1" port="$2"
  pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
  if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    echo "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); apt-get install postgresql" >&2
    return 2
  fi
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "the postgres account cannot write to $dir: every directory above it must be searchable by others (o+x)" >&2
      return 2
    fi
  fi
  if [[ ! -e "$dir/data/PG_VERSION" ]]; then
    postgres_as_owner "$pg_bin/initdb" -D "$dir/data" -A trust -U certbroker -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; return 2; }
  fi
  # The socket directory is the cluster's own, so nothing else on the machine is touched.
  if ! postgres_as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_SETTINGS:-}" start >/dev/null; then
    tail -20 "$dir/server.log" >&2
    return 2
  fi
  pg_root="$dir"
  pg_port="$port"
  pg_pid="$(head -1 "$dir/data/postmaster.pid")"
}

postgres_stop() {
  if [[ -n "$pg_root" ]]; then
    postgres_as_owner "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast -w stop >/dev/null 2>&1 || true
    pg_root=""
    pg_pid=""
  fi
}

# psql on database $1 as certbroker, stopping at the first error; further arguments go to psql.
postgres_psql() {
  local database="$1"
  shift
  PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U certbroker \
    -d "$database" "$@"
}

postgres_database_exists() {
  [[ "$(postgres_psql postgres -At -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

# A new, empty database $1 (dropped first when it exists).
postgres_create_database() {
  postgres_psql postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\""
}

# The Npgsql connection string of database $1.
postgres_connection() {
  echo "Host=127.0.0.1;Port=$pg_port;Username=certbroker;Database=$1"
}

# CPU clock ticks of the postmaster and all its children, live or reaped: for idle checks, where a child that exits
# between two readings does not matter (certbroker-loadgen --measure counts the timed runs exactly).
postgres_cpu_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v pid="$pg_pid" '
    { p = $1; sub(/^.*\) /, "") }
    p == pid || $2 == pid { t += $12 + $13 + $14 + $15 }
    END { print t + 0 }'
}

# "found|rows": how many serials of file $2 (hex, one a line) are certificates of database $1, and how many
# certificates it holds ("0|0" when it has no certificates table). Compared as lower-case hex without leading zeros:
# the certificate's DER integer may carry a sign byte that the store leaves out.
postgres_count_issued() {
  postgres_psql "$1" -At -F'|' <<SQL || echo "0|0"
CREATE TEMP TABLE issued(serial TEXT);
\copy issued FROM '$2'
SELECT (SELECT count(*) FROM issued i
          JOIN (SELECT DISTINCT ltrim(lower(serial::text), '0') AS s FROM certificates) c ON c.s = ltrim(lower(i.serial), '0')),
       (SELECT count(*) FROM certificates);
SQL
}
