#!/usr/bin/env bash
# Measures CertBroker's CPU per PKCSReq with certbroker-loadgen: a fresh server per run on a loopback port, once
# with the default request logging (Information) and once with Serilog lowered to Warning, then openssl's RSA-2048
# signing rate for the crypto floor (3 private-key operations per enrolment: decrypt the envelope, sign the
# certificate, sign the CertRep).
#
# Needs a Release build first: dotnet build CertBroker.sln -c Release
# Usage: tests/CertBroker.LoadGen/measure.sh [COUNT] [CONCURRENCY] [RUNS]   (defaults 2000 64 1)
# Environment: PORT (18080), RESULTS_DIR (a new temp dir), LOADGEN_ARGS (extra loadgen options, e.g. "--method get"),
# QUIET_WAIT (seconds to wait, before each run, for the machine to be idle; default 180, 0 = do not wait).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server_dir="$repo_root/src/CertBroker.Server/bin/Release/net10.0"
loadgen="$repo_root/tests/CertBroker.LoadGen/bin/Release/net10.0/certbroker-loadgen"
count="${1:-2000}"
concurrency="${2:-64}"
runs="${3:-1}"
port="${PORT:-18080}"
results="${RESULTS_DIR:-$(mktemp -d -t certbroker-measure.XXXXXX)}"
challenge="measure-$RANDOM$RANDOM"
url="http://127.0.0.1:$port/scep"
server_pid=""

for file in "$server_dir/certbroker.dll" "$loadgen"; do
  [[ -e "$file" ]] || { echo "measure.sh: $file missing; run: dotnet build CertBroker.sln -c Release" >&2; exit 2; }
done
mkdir -p "$results"

stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

# Starts the server with a fresh data directory; its console log goes to a file, as under systemd or a container.
start_server() {
  local data="$1"
  shift
  mkdir -p "$data"
  (cd "$server_dir" && exec dotnet certbroker.dll --urls "http://127.0.0.1:$port" \
    "--CertBroker:DataDir=$data" "--CertBroker:Profiles:default:ChallengePassword=$challenge" "$@" \
    >"$data/console.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS --max-time 2 "$url?operation=GetCACaps" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$data/console.log" >&2; echo "measure.sh: server exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "measure.sh: server not ready on $url after 60 s" >&2
  exit 1
}

# Other processes on the machine take cores from the server and skew throughput and latency (the loadgen reports
# them as "other cores"). Wait, bounded, until the machine has been nearly idle for 3 s.
wait_for_quiet() {
  local limit="${QUIET_WAIT:-180}" waited=0 a b
  while ((waited < limit)); do
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
    sleep 3
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
    # Fewer than 0.25 cores busy on average, in clock ticks over 3 s.
    if (((b - a) * 4 < 3 * $(getconf CLK_TCK))); then
      return 0
    fi
    waited=$((waited + 3))
  done
  echo "   (machine still busy after ${limit} s; measuring anyway)"
}

run_case() {
  local label="$1" run="$2"
  shift 2
  local data="$results/$label-$run"
  wait_for_quiet
  start_server "$data" "$@"
  echo "== $label, run $run: $count PKCSReq, concurrency $concurrency, server pid $server_pid, load average $(cut -d" " -f1-3 /proc/loadavg)"
  # shellcheck disable=SC2086 # LOADGEN_ARGS is a list of options
  timeout 900 "$loadgen" --url "$url" --challenge "$challenge" --count "$count" --concurrency "$concurrency" \
    --server-pid "$server_pid" --json ${LOADGEN_ARGS:-} >"$data.json" 2>"$data.txt" || true
  grep -v '^{' "$data.txt" | sed -n '/^run .*PKCSReq/,$p'
  echo "   server log lines: $(cat "$data"/logs/*.json 2>/dev/null | wc -l) in the file sink, $(wc -l <"$data/console.log") on the console"
  stop_server
}

for run in $(seq 1 "$runs"); do
  run_case logging-information "$run"
  run_case logging-warning "$run" --Serilog:MinimumLevel:Default=Warning
done

echo "== openssl speed -seconds 3 rsa2048"
openssl speed -seconds 3 rsa2048 2>/dev/null | tee "$results/openssl-speed.txt" | tail -2
sign_per_s="$(awk '/^rsa 2048 bits/ {print $6}' "$results/openssl-speed.txt")"
awk -v s="$sign_per_s" 'BEGIN { printf "crypto floor: 3 x %.3f ms = %.2f ms CPU per PKCSReq (one core)\n", 1000 / s, 3000 / s }'

echo
printf '%-22s %8s %7s %7s %7s %7s %15s %13s %13s %12s %6s\n' case "enrol/s" p50_ms p95_ms p99_ms max_ms server_ms/enrol server_cores loadgen_cores other_cores errors
for json in "$results"/*.json; do
  jq -r --arg case "$(basename "$json" .json)" \
    '[$case, (.enrolmentsPerSecond * 10 | round / 10), (.latency.p50Ms | round), (.latency.p95Ms | round), (.latency.p99Ms | round),
      (.latency.maxMs | round), (.serverCpu.msPerEnrolment * 100 | round / 100), (.serverCpu.coresBusy * 100 | round / 100),
      (.clientCpu.coresBusy * 100 | round / 100), ((.machine.otherCoresBusy // 0) * 100 | round / 100),
      ((.errors | add // 0) + (.warmupErrors | add // 0) + .duplicateSerials)] | @tsv' "$json" |
    awk -F'\t' '{ printf "%-22s %8s %7s %7s %7s %7s %15s %13s %13s %12s %6s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
done
echo "results in $results"
