#!/usr/bin/env bash
# Inventory at scale (issue 5): fills a SQLite inventory with a fleet of certificates (1,000,000 by default; rows
# inserted directly, not through SCEP, see tests/CertBroker.InventoryBench/InventoryFiller.cs), starts the broker on
# it, waits for its start-up jobs (renewal sweep, expiry alerts) to finish and measures, one after the other on an
# otherwise idle broker:
#   - the expiry report streamed in full as CSV and as JSON (target under 10 s, broker VmHWM under 300 MB),
#   - metrics scrapes with the default monitoring options (target under 100 ms and 1 MB; the median of 10 is given,
#     with the number of series),
#   - inventory searches by serial and by subject text (target p99 under 50 ms).
# Prints a markdown table for docs/benchmarks.md. A measurement, not a test: exits 0 whatever the figures say.
#
# Usage: scripts/benchmark-inventory.sh [--count N] [--samples N] [--data DIR] [--metrics-only] [--no-build]
#   --count    certificates to insert (default 1000000; two per device)
#   --samples  search requests of each kind (default 500)
#   --metrics-only  scrape /metrics only, without the reports and the searches
#   --data     data directory to use; a database already there is measured as it is, without filling it again
#              (default a new temp directory, removed afterwards)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_dir="$repo_root/src/CertBroker.Server/bin/Release/net10.0"
bench="$repo_root/tests/CertBroker.InventoryBench/bin/Release/net10.0/certbroker-inventory-bench"

count=1000000
samples=500
data=""
build=1
metrics_only=0
while (($# > 0)); do
  case "$1" in
    --count) count="${2:?}"; shift 2 ;;
    --samples) samples="${2:?}"; shift 2 ;;
    --data) data="${2:?}"; shift 2 ;;
    --metrics-only) metrics_only=1; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '/^# Usage:/,/^#              (default/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "benchmark-inventory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ((build)); then
  dotnet build -c Release "$repo_root/src/CertBroker.Server" >/dev/null
  dotnet build -c Release "$repo_root/tests/CertBroker.InventoryBench" >/dev/null
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

token="inventory-bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The first start creates the Administrator with this password; a reused data directory keeps it.
if [[ ! -e "$data/bench-admin-password" ]]; then
  (umask 077 && echo "Bench-Admin-$RANDOM$RANDOM-x" >"$data/bench-admin-password")
fi
password="$(cat "$data/bench-admin-password")"
port=$((20000 + RANDOM % 20000))
(cd "$server_dir" && exec dotnet certbroker.dll --urls "http://127.0.0.1:$port" "--CertBroker:DataDir=$data" \
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
# measured along with the report.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
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
echo "Inventory: $(sqlite3 -batch "$database" 'SELECT count(*) FROM certificates' 2>/dev/null || echo "$count") certificates; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
"$bench" measure --database "$database" --url "http://127.0.0.1:$port" --token "$token" --admin-password "$password" \
  --pid "$server_pid" --samples "$samples" --metrics-only "$metrics_only"
