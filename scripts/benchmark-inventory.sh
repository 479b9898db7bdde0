#!/usr/bin/env bash
# Inventory at scale (issue 5): fills a SQLite inventory with a fleet of certificates (1,000,000 by default; rows
# inserted directly, not through SCEP, see tests/CertBroker.InventoryBench/InventoryFiller.cs), starts the broker on
# it, waits for its start-up jobs (renewal sweep, expiry alerts) to finish and measures, one after the other on an
# otherwise idle broker:
#   - the expiry report streamed in full as CSV and as JSON (target under 10 s, broker VmHWM under 300 MB),
#   - metrics scrapes with the default monitoring options (target under 100 ms and 1 MB; the median of 10 is given,
#     with the number of series),
#   - inventory searches by serial and by subject text (target p99 under 50 ms).
# With --store postgres the filled SQLite inventory is copied into a fresh PostgreSQL database with `certbroker db
# copy` (timed), the broker runs on PostgreSQL (CertBroker:Storage:Provider=Postgres) for the same measurements, and
# one renewal sweep of a day's due certificates (1/365 of --count, tests/CertBroker.RenewalBench --due-days 1) is
# timed over the PostgreSQL renewal store in a database of its own; a summary then judges the figures against the
# scale-out targets: expiry CSV under 10 s, metrics scrape under 1 s, search p99 under 50 ms, sweep under 2 s.
# PostgreSQL is a throwaway server under the data directory with its default durability (scripts/benchmark-postgres.bash).
# Prints a markdown table for docs/benchmarks.md. A measurement, not a test: exits 0 whatever the figures say.
#
# Usage: scripts/benchmark-inventory.sh [--count N] [--samples N] [--data DIR] [--metrics-only] [--no-build]
#                                       [--store sqlite|postgres]
#   --count    certificates to insert (default 1000000; two per device)
#   --samples  search requests of each kind (default 500)
#   --metrics-only  scrape /metrics only, without the reports and the searches
#   --data     data directory to use; a database already there is measured as it is, without filling it again
#              (default a new temp directory, removed afterwards); with --store postgres, a PostgreSQL cluster there
#              and its database certbroker are reused the same way
#   --store    sqlite (default) or postgres
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_dir="$repo_root/src/CertBroker.Server/bin/Release/net10.0"
bench="$repo_root/tests/CertBroker.InventoryBench/bin/Release/net10.0/certbroker-inventory-bench"
renewal_bench="$repo_root/tests/CertBroker.RenewalBench/bin/Release/net10.0/certbroker-renewal-bench"
# shellcheck source=scripts/benchmark-postgres.bash
source "$repo_root/scripts/benchmark-postgres.bash"

count=1000000
samples=500
data=""
build=1
metrics_only=0
store=sqlite
while (($# > 0)); do
  case "$1" in
    --count) count="${2:?}"; shift 2 ;;
    --samples) samples="${2:?}"; shift 2 ;;
    --data) data="${2:?}"; shift 2 ;;
    --metrics-only) metrics_only=1; shift ;;
    --no-build) build=0; shift ;;
    --store) store="${2:?}"; shift 2 ;;
    -h | --help) sed -n '/^# Usage:/,/^#   --store/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "benchmark-inventory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

[[ "$store" == sqlite || "$store" == postgres ]] || { echo "benchmark-inventory.sh: --store is sqlite or postgres" >&2; exit 2; }

if ((build)); then
  dotnet build -c Release "$repo_root/src/CertBroker.Server" >/dev/null
  dotnet build -c Release "$repo_root/tests/CertBroker.InventoryBench" >/dev/null
  [[ "$store" == sqlite ]] || dotnet build -c Release "$repo_root/tests/CertBroker.RenewalBench" >/dev/null
fi

remove_data=0
if [[ -z "$data" ]]; then
  data="$(mktemp -d -t certbroker-inventory.XXXXXX)"
  remove_data=1
fi
mkdir -p "$data"
database="$data/certbroker.db"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  postgres_stop
  if ((remove_data)); then
    rm -rf "$data"
  fi
}
trap cleanup EXIT

if [[ ! -e "$database" ]]; then
  fill_started=$SECONDS
  "$bench" fill --database "$database" --count "$count"
  echo "fill took $((SECONDS - fill_started)) s" >&2
fi

# A port nothing listens on, from $1 up.
free_port() {
  local port
  for port in $(seq "$1" $(($1 + 500))); do
    [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]] || { echo "$port"; return 0; }
  done
  echo "benchmark-inventory.sh: no free port from $1" >&2
  exit 2
}

store_args=()
if [[ "$store" == postgres ]]; then
  # The postgres account runs the server from a directory under the data directory.
  chmod o+x "$data"
  postgres_start "$data/postgres" "$(free_port $((20000 + RANDOM % 20000)))" || exit 2
  echo "$("$pg_bin/postgres" --version), port $pg_port, fsync $(postgres_psql postgres -At -c 'SHOW fsync'), synchronous_commit $(postgres_psql postgres -At -c 'SHOW synchronous_commit')" >&2
  if ! postgres_database_exists certbroker; then
    postgres_create_database certbroker
    copy_started=$(date +%s.%N)
    (cd "$server_dir" && dotnet certbroker.dll db copy --from "sqlite:$database" --to "postgres:$(postgres_connection certbroker)") >&2
    copy_seconds="$(awk -v a="$copy_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    echo "db copy took $copy_seconds s" >&2
  fi
  store_args=("--CertBroker:Storage:Provider=Postgres" "--CertBroker:Storage:Postgres:ConnectionString=$(postgres_connection certbroker)")
fi

token="inventory-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The first start creates the Administrator with this password; a reused data directory keeps it.
if [[ ! -e "$data/bench-admin-password" ]]; then
  (umask 077 && echo "Bench-Admin-$RANDOM$RANDOM-x" >"$data/bench-admin-password")
fi
password="$(cat "$data/bench-admin-password")"
port="$(free_port $((20000 + RANDOM % 20000)))"
(cd "$server_dir" && exec dotnet certbroker.dll --urls "http://127.0.0.1:$port" "--CertBroker:DataDir=$data" "${store_args[@]}" \
  "--CertBroker:Monitoring:Token=$token" "--CertBroker:Admin:BootstrapPassword=$password" \
  "--CertBroker:Profiles:default:ChallengePassword=bench-$RANDOM" >"$data/console.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 1200); do
  curl -fsS --max-time 2 "http://127.0.0.1:$port/scep?operation=GetCACaps" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$data/console.log" >&2; echo "benchmark-inventory.sh: the broker exited" >&2; exit 2; }
  sleep 0.1
done

# `dotnet certbroker.dll` is exec'd in the subshell, so $server_pid is the broker itself.
# The lifecycle jobs run once at start; on a freshly filled inventory that is a large first renewal sweep and expiry
# alert round. Wait (at most 10 minutes) until the broker has been idle for 3 s, under 5% of a core, so they are not
# measured along with the report. On PostgreSQL the jobs' statements run in its backends while the broker waits for
# them, so its CPU counts too.
cpu_ticks() {
  local broker
  broker="$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")"
  if [[ "$store" == postgres ]]; then echo $((broker + $(postgres_cpu_ticks))); else echo "$broker"; fi
}
idle=0
for _ in $(seq 1 600); do
  before=$(cpu_ticks)
  sleep 1
  if (($(cpu_ticks) - before <= 5)); then
    idle=$((idle + 1))
    ((idle >= 3)) && break
  else
    idle=0
  fi
done
if [[ "$store" == postgres ]]; then
  echo "Inventory: $(postgres_psql certbroker -At -c 'SELECT count(*) FROM certificates') certificates in PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
else
  echo "Inventory: $(sqlite3 -batch "$database" 'SELECT count(*) FROM certificates' 2>/dev/null || echo "$count") certificates; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
fi
# The serials and device names searched for are sampled from the SQLite file, which on PostgreSQL holds the same
# certificates: the copy's source.
"$bench" measure --database "$database" --url "http://127.0.0.1:$port" --token "$token" --admin-password "$password" \
  --pid "$server_pid" --samples "$samples" --metrics-only "$metrics_only" | tee "$data/measure.md"
[[ "$store" == postgres ]] || exit 0

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# A day's due certificates: with one-year certificates renewed evenly over the year, 1/365 of the fleet.
postgres_create_database renewal_sweep
"$renewal_bench" --store postgres --connection-string "$(postgres_connection renewal_sweep)" --count "$count" --due-days 1 | tee "$data/sweep.txt"
echo "| Renewal sweep of a day's due certificates, PostgreSQL | $(sed -n 's/^sweep: \([0-9,]*\) due.* in \([0-9.]*\) s wall.*/\2 s for \1 certificates/p' "$data/sweep.txt") |"

echo
echo "Against the scale-out targets (PostgreSQL, $count certificates${copy_seconds:+; db copy took $copy_seconds s}):"
awk -v metrics_only="$metrics_only" '
  function judge(label, value, limit, unit) {
    if (value == "") { printf "  %-38s n/a\n", label; return }
    printf "  %-38s %8.2f %-2s (target < %s %s) %s\n", label, value, unit, limit, unit, (value + 0 < limit ? "PASS" : "FAIL")
  }
  FILENAME ~ /measure/ && /^\| Expiry report, CSV, all certificates \|/ { split($0, f, "|"); split(f[3], w, " "); csv = w[1] }
  FILENAME ~ /measure/ && /^\| Metrics scrape/ { if (match($0, /median [0-9.]+ ms/)) scrape = substr($0, RSTART + 7, RLENGTH - 10) }
  FILENAME ~ /measure/ && /^\| Search by/ { if (match($0, /p99 [0-9.]+ ms/)) { p = substr($0, RSTART + 4, RLENGTH - 7) + 0; if (p > search) search = p } }
  FILENAME ~ /sweep/ && /^sweep:/ { if (match($0, /in [0-9.]+ s wall/)) sweep = substr($0, RSTART + 3, RLENGTH - 10) }
  END {
    if (!metrics_only) judge("expiry report, CSV, all", csv, 10, "s")
    judge("metrics scrape, median", scrape, 1000, "ms")
    if (!metrics_only) judge("search p99, slower of serial and text", search, 50, "ms")
    judge("renewal sweep, a day due", sweep, 2, "s")
  }' "$data/measure.md" "$data/sweep.txt"
