#!/usr/bin/env bash
# Side-by-side SCEP benchmark: CertBroker on its embedded default CA against micromdm's scepserver (Debian package
# scep, CA made with `scepserver ca -init -keySize 2048`, so both sign with RSA-2048), in two modes:
#   keepalive (issue #3): both driven by certbroker-loadgen with the same load over keep-alive connections,
#     alternating, with a fresh server and a fresh store for every run;
#   device (issue #14): real scepclient processes, each with a fresh key on a new connection, in batches alternated
#     between the two servers, and GetCACaps/GetCACert on fresh connections (scripts/benchmark-device.bash).
# With --store postgres (scale-out), keep-alive mode only and without scepserver, it measures instead:
#   - CertBroker on SQLite against CertBroker on PostgreSQL, the same load, each on a fresh store, alternating
#     within every round: broker CPU per PKCSReq on PostgreSQL at most 1.25x SQLite's of the same round, with
#     PostgreSQL's own CPU per PKCSReq beside it (the postmaster and all its backends, certbroker-loadgen --measure);
#   - two broker nodes on one PostgreSQL database behind nginx (node B started with a copy of node A's CA
#     directory), against one node behind the same nginx, each a fresh database: 0 errors and 0 duplicate serials
#     at --concurrency connections (64), combined enrolments/s against one node's, CPU per node.
#   PostgreSQL is a throwaway cluster under the results directory, started inside the private network namespace,
#   with PostgreSQL's default durability (fsync and synchronous_commit on: production figures), a fresh database per
#   run (scripts/benchmark-postgres.bash).
# Prints a table per mode of medians over the rounds (min-max) with the CertBroker/peer ratios and a PASS/FAIL
# against each target, and writes the tables as markdown for docs/benchmarks.md.
#
# A measurement, not a test: exits 0 whatever the figures say, non-zero only when something could not run.
#
# Usage: scripts/benchmark.sh [--mode keepalive|device|both] [--output FILE] [--no-build]
#                             [--count N] [--concurrency C] [--rounds R] [--method post|get] [--warmup W]
#                             [--verify-sample S] [--store sqlite|postgres] [--cluster-rounds R]
#                             [--device-rounds R] [--device-batch N] [--device-parallel P] [--device-warmup W]
#                             [--device-cold N] [--device-calls N]
#   --mode       which modes run (default both, keepalive first); the markdown goes to a new temp file by default
#   keepalive:   3000 PKCSReq per timed run (--count), 64 connections, 3 rounds, POST, 1000 warm-up requests before
#                each timed run, every 25th reply fully verified after the run
#   --store      sqlite (default): CertBroker on SQLite against scepserver, as above; postgres: SQLite against
#                PostgreSQL, then the two-node cluster, in keep-alive mode with the same load options;
#                --cluster-rounds (default --rounds; 0 = no cluster) rounds of one node then two nodes behind nginx
#   device:      3 rounds (--device-rounds), each a batch of 120 enrolments (--device-batch) per server with 4
#                scepclient processes at a time (--device-parallel, at least 2), then a batch one at a time, then
#                1000 GetCACaps and 1000 GetCACert per server, each on a new connection (--device-calls, 0 = none);
#                before the rounds CertBroker gets 960 enrolments (--device-warmup), 4 at a time, of which the
#                first 100 after its start (--device-cold) are reported apart as its cold start
# Environment:
#   QUIET_WAIT   seconds to wait, before each run (device mode: each batch), for the machine to be nearly idle
#                (default 120; 0 = do not wait)
#   MAX_OTHER_CORES, RETRIES  a run in which other processes kept more than MAX_OTHER_CORES busy on average (default
#                0.25) is repeated with a fresh server, at most RETRIES times (default 2); the least disturbed
#                attempt counts
#   RESULTS_DIR  where server logs and per-run results go (default a new temp directory)
#   SETTLE_BATCH, SETTLE_MIN, SETTLE_MAX  before its timed run CertBroker gets batches of SETTLE_BATCH requests
#                (default 1000) until its CPU per PKCSReq settles after .NET's tiered compilation, at least
#                SETTLE_MIN (default 3) and at most SETTLE_MAX batches (default 8; 0 = none); see settle_jit
#   SERVER_ENV   extra environment for CertBroker in both modes, as NAME=value words, to try runtime settings
#                without a rebuild (e.g. SERVER_ENV="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0")
#   PG_SETTINGS  extra PostgreSQL server settings with --store postgres, as -c name=value words
#   SERVER_DIR   the CertBroker build to run (default src/CertBroker.Server/bin/Release/publish: the ReadyToRun
#                `dotnet publish` for linux-x64 this script makes, as deployed; bin/Release/net10.0 runs the plain build)
#
# Runs as root (apt-get when the scep package is missing, and a private network namespace so that scepserver, which
# listens on every interface, only has a loopback interface to listen on; with --store postgres, PostgreSQL and
# nginx run in it too, as the postgres account and as root).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_dir="${SERVER_DIR:-$repo_root/src/CertBroker.Server/bin/Release/publish}"
read -r -a server_env <<<"${SERVER_ENV:-}"
loadgen="$repo_root/tests/CertBroker.LoadGen/bin/Release/net10.0/certbroker-loadgen"

# Keep-alive targets (issue #3), judged on the medians over the rounds (errors, duplicates and the store on every
# run). CertBroker's multiple of the crypto floor is printed but is no longer a target (issue #14 withdrew it).
target_cpu_ratio=3            # peer CPU per PKCSReq / CertBroker's, at least
target_throughput_ratio=2.5   # CertBroker enrolments/s / peer's, at least
target_p99_ms=100             # CertBroker p99 latency, under
target_rss_mb=200             # CertBroker steady-state VmRSS, under (MB of 10^6 bytes)
# Real-device targets (issue #14).
target_device_cpu_ratio=3.5   # peer server CPU per enrolment / CertBroker's, at least, in parallel and one at a time
target_cold_multiple=2        # CertBroker's first enrolments after start, at most this multiple of steady state

count=3000
concurrency=64
rounds=3
method=post
warmup=1000
verify_sample=25
output=""
build=1
mode=both
device_rounds=3
device_batch=120
device_parallel=4
device_warmup=960
device_cold=100
device_calls=1000
store=sqlite
cluster_rounds=""
mode_given=0
original_args=("$@")

usage() {
  sed -n '/^# Usage:/,/^#$/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit "$1"
}

while (($# > 0)); do
  case "$1" in
    --count) count="${2:?}"; shift 2 ;;
    --concurrency) concurrency="${2:?}"; shift 2 ;;
    --rounds) rounds="${2:?}"; shift 2 ;;
    --method) method="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --verify-sample) verify_sample="${2:?}"; shift 2 ;;
    --output) output="${2:?}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --mode) mode="${2:?}"; mode_given=1; shift 2 ;;
    --store) store="${2:?}"; shift 2 ;;
    --cluster-rounds) cluster_rounds="${2:?}"; shift 2 ;;
    --device-rounds) device_rounds="${2:?}"; shift 2 ;;
    --device-batch) device_batch="${2:?}"; shift 2 ;;
    --device-parallel) device_parallel="${2:?}"; shift 2 ;;
    --device-warmup) device_warmup="${2:?}"; shift 2 ;;
    --device-cold) device_cold="${2:?}"; shift 2 ;;
    --device-calls) device_calls="${2:?}"; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "benchmark.sh: unknown option $1" >&2; usage 2 ;;
  esac
done
cluster_rounds="${cluster_rounds:-$rounds}"
for number in "$count" "$concurrency" "$rounds" "$warmup" "$verify_sample" "$device_rounds" "$device_batch" \
  "$device_parallel" "$device_warmup" "$device_cold" "$device_calls" "$cluster_rounds"; do
  [[ "$number" =~ ^[0-9]+$ ]] || { echo "benchmark.sh: '$number' is not a number" >&2; exit 2; }
done
((count > 0 && concurrency > 0 && rounds > 0)) || { echo "benchmark.sh: count, concurrency and rounds must be above 0" >&2; exit 2; }
[[ "$method" == post || "$method" == get ]] || { echo "benchmark.sh: --method is post or get" >&2; exit 2; }
[[ "$mode" == keepalive || "$mode" == device || "$mode" == both ]] || { echo "benchmark.sh: --mode is keepalive, device or both" >&2; exit 2; }
((device_rounds > 0 && device_batch > 0 && device_parallel >= 2 && device_cold > 0)) ||
  { echo "benchmark.sh: --device-rounds, --device-batch and --device-cold must be above 0, --device-parallel at least 2" >&2; exit 2; }
[[ "$store" == sqlite || "$store" == postgres ]] || { echo "benchmark.sh: --store is sqlite or postgres" >&2; exit 2; }
if [[ "$store" == postgres ]]; then
  if ((mode_given)) && [[ "$mode" != keepalive ]]; then
    echo "benchmark.sh: --store postgres measures the keep-alive mode only" >&2
    exit 2
  fi
  mode=keepalive
fi

# Everything that needs the network happens before the private network namespace is entered.
if [[ -z "${CERTBROKER_BENCHMARK_NETNS:-}" ]]; then
  packages=(scep openssl sqlite3 jq curl iproute2)
  [[ "$store" == sqlite ]] || packages=(openssl sqlite3 jq curl iproute2 postgresql nginx)
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
  done
  if ((${#missing[@]} > 0)); then
    echo "== installing ${missing[*]}"
    [[ $(id -u) -eq 0 ]] || { echo "benchmark.sh: must run as root to install ${missing[*]}" >&2; exit 2; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "benchmark.sh: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 2; }

  if ((build)); then
    echo "== dotnet build CertBroker.sln -c Release"
    build_log="$(mktemp -t certbroker-benchmark-build.XXXXXX)"
    # The server runs as it is deployed: published ReadyToRun for linux-x64 (deploy/Containerfile).
    if ! dotnet build "$repo_root/CertBroker.sln" -c Release -nologo >"$build_log" 2>&1 \
      || ! dotnet publish "$repo_root/src/CertBroker.Server/CertBroker.Server.csproj" -c Release -r linux-x64 --self-contained false \
        -nologo -o "$repo_root/src/CertBroker.Server/bin/Release/publish" >>"$build_log" 2>&1; then
      tail -40 "$build_log" >&2
      echo "benchmark.sh: build failed (log: $build_log)" >&2
      exit 2
    fi
    rm -f "$build_log"
  fi

  if unshare --net true 2>/dev/null; then
    export CERTBROKER_BENCHMARK_NETNS=1
    exec unshare --net -- bash "${BASH_SOURCE[0]}" "${original_args[@]}" --no-build
  fi
  echo "warning: no private network namespace (unshare --net needs root); scepserver listens on every interface while it runs" >&2
else
  ip link set lo up
fi

for file in "$server_dir/certbroker.dll" "$loadgen"; do
  [[ -e "$file" ]] || { echo "benchmark.sh: $file missing" >&2; exit 2; }
done
if [[ "$store" == sqlite ]]; then
  for tool in scepserver scepclient; do
    command -v "$tool" >/dev/null || { echo "benchmark.sh: $tool (Debian package scep) not on PATH" >&2; exit 2; }
  done
fi

results="${RESULTS_DIR:-$(mktemp -d -t certbroker-benchmark.XXXXXX)}"
mkdir -p "$results"
output="${output:-$(mktemp -t certbroker-benchmark-table.XXXXXX.md)}"
challenge="bench-$RANDOM$RANDOM"
max_other_cores="${MAX_OTHER_CORES:-0.25}"
retries="${RETRIES:-2}"
settle_batch="${SETTLE_BATCH:-1000}"
settle_max="${SETTLE_MAX:-8}"
settle_min="${SETTLE_MIN:-3}"
repeated=0
server_pid=""
: >"$results/runs.tsv"
: >"$results/errors.tsv"

stop_pid() {
  local pid="$1"
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    # A graceful stop lets the server finish its writes before the store is counted; 30 s at most.
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

stop_server() {
  stop_pid "$server_pid"
  server_pid=""
}

# shellcheck source=scripts/benchmark-device.bash
source "$repo_root/scripts/benchmark-device.bash"
# shellcheck source=scripts/benchmark-postgres.bash
source "$repo_root/scripts/benchmark-postgres.bash"
# shellcheck source=scripts/benchmark-scaleout.bash
source "$repo_root/scripts/benchmark-scaleout.bash"
trap 'stop_server; stop_device_servers; stop_cluster; postgres_stop' EXIT
trap 'exit 130' INT TERM

# A port nothing listens on, from $1 up.
free_port() {
  local port
  for port in $(seq "$1" $(($1 + 500))); do
    if [[ -z "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]; then
      echo "$port"
      return 0
    fi
  done
  echo "benchmark.sh: no free port from $1" >&2
  exit 2
}

wait_ready_pid() {
  local pid="$1" url="$2" log="$3"
  for _ in $(seq 1 600); do
    curl -fsS --max-time 2 "$url?operation=GetCACaps" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$log" >&2; echo "benchmark.sh: server exited before it was ready" >&2; exit 2; }
    sleep 0.1
  done
  echo "benchmark.sh: server not ready on $url after 60 s" >&2
  exit 2
}

wait_ready() { wait_ready_pid "$server_pid" "$@"; }

# Other engineers' builds and tests share these cores. Wait, bounded, until the machine has been nearly idle
# (under 0.25 cores busy) for 3 s; each run's report says how many cores other processes took anyway.
wait_for_quiet() {
  local limit="${QUIET_WAIT:-120}" waited=0 a b
  ((limit > 0)) || return 0
  while ((waited < limit)); do
    a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
    sleep 3
    b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat)
    if (((b - a) * 4 < 3 * $(getconf CLK_TCK))); then
      return 0
    fi
    waited=$((waited + 3))
  done
  echo "   (machine still busy after ${limit} s; measuring anyway)" >&2
}

# RSA-2048 signatures per second on one core, from `openssl speed`; the column is found by its header because
# OpenSSL 3.2 added encrypt/decrypt columns.
rsa_signs_per_second() {
  local file="$results/openssl-speed-$1.txt"
  wait_for_quiet
  openssl speed -seconds 3 rsa2048 >"$file" 2>/dev/null
  awk '!col && /sign\/s/ { for (i = 1; i <= NF; i++) if ($i == "sign/s") col = i; next }
       col && $1 == "rsa" && $2 == "2048" { print $(3 + col); exit }' "$file"
}

# Drives the running server ($server_pid; none when empty) with the load and prints the load generator's report;
# its JSON, text report and issued serials go to $4.json, $4.txt and $4.serials. Further arguments go to the load
# generator (--measure NAME=PID).
drive() {
  local system="$1" round="$2" url="$3" out="$4" status=0
  shift 4
  local server_args=()
  [[ -z "$server_pid" ]] || server_args=(--server-pid "$server_pid")
  wait_for_quiet
  echo "== $system, round $round of ${of_rounds:-$rounds}: $count PKCSReq after $warmup warm-up, concurrency $concurrency, ${method^^}, pid ${server_pid:-n/a}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # Socket completions on the epoll thread: the load generator's per-reply work is a few microseconds, and not
  # waking a pool thread for each reply leaves more CPU to the server (see tests/CertBroker.LoadGen/README.md).
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 timeout 1800 "$loadgen" --url "$url" --challenge "$challenge" \
    --count "$count" --concurrency "$concurrency" --method "$method" --warmup "$warmup" \
    --verify-sample "$verify_sample" "${server_args[@]}" "$@" --serials-out "$out.serials" --json \
    >"$out.json" 2>"$out.txt" || status=$?
  # 0: every request enrolled; 1: the run completed with errors or duplicates, which are figures; else it broke.
  if ((status > 1)); then
    cat "$out.txt" >&2
    echo "benchmark.sh: certbroker-loadgen exited $status against $system" >&2
    exit 2
  fi
  sed -n '/^run .*PKCSReq/,$p' "$out.txt" | grep -vE '^    (warm-up|timed) ' | sed 's/^/   /'
}

# .NET compiles the hot code a second time, optimised with the profile it gathered, in the background during the
# first few thousand requests (tiered compilation with dynamic PGO). That one-off cost belongs to start-up, not to
# the sustained rate an admin sizes a fleet re-key for. So before its timed run CertBroker gets batches of
# SETTLE_BATCH requests until one batch's CPU per PKCSReq is within 5% of the batch before (at least SETTLE_MIN
# batches, since the first two can agree while the optimised code is still being compiled; at most SETTLE_MAX
# batches; SETTLE_MAX=0 turns this off). The first batch's figure is reported too. scepserver, a Go binary compiled
# ahead of time, needs no such settling, and its cost per enrolment grows with every certificate it has issued (it
# scans its index.txt), so extra requests would only slow it: it gets the common warm-up only.
# Sets $settled (SUCCESS replies in the batches) and $cold_cpu (the first batch's server CPU ms per PKCSReq).
settle_jit() {
  local url="$1" out="$2" previous="" current batch status
  settled=0
  cold_cpu="nan"
  for batch in $(seq 1 "$settle_max"); do
    status=0
    DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 timeout 900 "$loadgen" --url "$url" --challenge "$challenge" \
      --count "$settle_batch" --concurrency "$concurrency" --method "$method" --warmup 0 \
      --server-pid "$server_pid" --serials-out "$out.settle-$batch.serials" --json \
      >"$out.settle-$batch.json" 2>"$out.settle-$batch.txt" || status=$?
    if ((status > 1)); then
      cat "$out.settle-$batch.txt" >&2
      echo "benchmark.sh: certbroker-loadgen exited $status while settling CertBroker" >&2
      exit 2
    fi
    current="$(jq -r 'if .serverCpu and .requests > 0 then .serverCpu.totalMs / .requests else "nan" end' "$out.settle-$batch.json")"
    settled=$((settled + $(jq -r '.successResponses' "$out.settle-$batch.json")))
    ((batch > 1)) || cold_cpu="$current"
    printf '   settling: batch %d of %d requests, %.2f ms server CPU per PKCSReq\n' "$batch" "$settle_batch" "$current"
    if ((batch >= settle_min)) && [[ -n "$previous" ]] && awk -v c="$current" -v p="$previous" 'BEGIN { exit !(c <= p * 1.05 && c >= p * 0.95) }'; then
      break
    fi
    previous="$current"
  done
}

# Appends the run in $3.json to runs.tsv, and its error kinds to errors.tsv; $4 and $5 are the store check (issued
# serials found in the store, rows in the store), empty for scepserver.
record() {
  local system="$1" round="$2" out="$3" found="$4" rows="$5"
  jq -r --arg system "$system" --arg round "$round" --arg found "$found" --arg rows "$rows" \
    --arg settled "${6:-0}" --arg cold "${7:-nan}" \
    '[$system, $round, .enrolmentsPerSecond, .latency.p50Ms, .latency.p95Ms, .latency.p99Ms,
      (.serverCpu.msPerEnrolment // "nan"), ((.errors | add // 0) + (.warmupErrors | add // 0)), .duplicateSerials,
      .successResponses, $found, $rows, (.serverMemory.steadyRssMb // "nan"), (.serverMemory.peakHwmMb // "nan"),
      (if .requests > 0 then .clientCpu.totalMs / .requests else "nan" end), (.machine.otherCoresBusy // "nan"),
      .replyCipherMismatches,
      (.replyCiphers | keys | join("+")), (if .serverCpu and .requests > 0 then .serverCpu.totalMs / .requests else "nan" end),
      ($settled | tonumber), $cold,
      (if .measuredCpu.postgres and .requests > 0 then .measuredCpu.postgres.totalMs / .requests else "nan" end)]
     | @tsv' "$out.json" >>"$results/runs.tsv"
  jq -r --arg system "$system" '[.errors, .warmupErrors] | map(to_entries[]) | .[] | [$system, .key, .value] | @tsv' \
    "$out.json" >>"$results/errors.tsv"
}

# Each run_* starts a fresh server with its data in $1, drives it (results next to $1), stops it, and leaves the
# store check in $run_found and $run_rows.
run_certbroker() {
  local data="$1" port found rows
  mkdir -p "$data"
  port="$(free_port 18080)"
  (cd "$server_dir" && exec env "${server_env[@]}" dotnet certbroker.dll --urls "http://127.0.0.1:$port" "--CertBroker:DataDir=$data" \
    "--CertBroker:Profiles:default:ChallengePassword=$challenge" >"$data/console.log" 2>&1) &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/scep" "$data/console.log"
  settle_jit "http://127.0.0.1:$port/scep" "$data"
  drive CertBroker "$2" "http://127.0.0.1:$port/scep" "$data"
  stop_server

  # Every serial the load generator was issued must be a row of the store. Serials are compared as lower-case hex
  # without leading zeros: the certificate's DER integer may carry a sign byte that the store leaves out.
  cat "$data.serials" "$data".settle-*.serials >"$data.all.serials" 2>/dev/null || cp "$data.serials" "$data.all.serials"
  IFS='|' read -r found rows < <(sqlite3 -batch "$data/certbroker.db" <<SQL
CREATE TEMP TABLE issued(serial TEXT);
.import '$data.all.serials' issued
SELECT (SELECT count(*) FROM issued WHERE ltrim(lower(serial), '0') IN (SELECT ltrim(lower(serial), '0') FROM certificates)),
       (SELECT count(*) FROM certificates);
SQL
  )
  echo "   store           $found of $(wc -l <"$data.all.serials") issued serials found (settling included), $rows rows in certificates"
  run_found="$found"
  run_rows="$rows"
}

# CertBroker on a fresh PostgreSQL database of its own, with PostgreSQL's CPU measured beside it.
run_certbroker_postgres() {
  local data="$1" port database found rows
  mkdir -p "$data"
  database="$(basename "$data" | tr -c 'a-z0-9\n' '_')"
  postgres_create_database "$database"
  port="$(free_port 18080)"
  (cd "$server_dir" && exec env "${server_env[@]}" dotnet certbroker.dll --urls "http://127.0.0.1:$port" "--CertBroker:DataDir=$data" \
    "--CertBroker:Storage:Provider=Postgres" "--CertBroker:Storage:Postgres:ConnectionString=$(postgres_connection "$database")" \
    "--CertBroker:Profiles:default:ChallengePassword=$challenge" >"$data/console.log" 2>&1) &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/scep" "$data/console.log"
  settle_jit "http://127.0.0.1:$port/scep" "$data"
  drive "CertBroker on PostgreSQL" "$2" "http://127.0.0.1:$port/scep" "$data" --measure "postgres=$pg_pid"
  stop_server

  cat "$data.serials" "$data".settle-*.serials >"$data.all.serials" 2>/dev/null || cp "$data.serials" "$data.all.serials"
  IFS='|' read -r found rows < <(postgres_count_issued "$database" "$data.all.serials")
  echo "   store           $found of $(wc -l <"$data.all.serials") issued serials found in PostgreSQL (settling included), $rows rows in certificates"
  run_found="$found"
  run_rows="$rows"
}

run_scepserver() {
  local data="$1" port
  mkdir -p "$data"
  port="$(free_port 18580)"
  scepserver ca -init -depot "$data/depot" -keySize 2048 >"$data/ca-init.log" 2>&1
  scepserver -depot "$data/depot" -port "$port" -challenge "$challenge" >"$data/console.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/scep" "$data/console.log"
  settled=0
  cold_cpu="nan"
  drive scepserver "$2" "http://127.0.0.1:$port/scep" "$data"
  stop_server
  run_found=""
  run_rows=""
}

# One run of $1 (CertBroker or scepserver) for round $2. A run in which other processes kept more than
# MAX_OTHER_CORES busy on average is repeated, with a fresh server, up to RETRIES times; the attempt they disturbed
# least counts.
measure() {
  local system="$1" round="$2" attempt data other best="" best_other="" best_found="" best_rows="" best_settled=0 best_cold=nan
  for attempt in $(seq 1 $((retries + 1))); do
    data="$results/${system,,}-$round"
    ((attempt == 1)) || data="$data-attempt$attempt"
    case "$system" in
      CertBroker | SQLite) run_certbroker "$data" "$round" ;;
      PostgreSQL) run_certbroker_postgres "$data" "$round" ;;
      *) run_scepserver "$data" "$round" ;;
    esac
    other="$(jq '.machine.otherCoresBusy // 0 | . * 100 | round / 100' "$data.json")"
    if [[ -z "$best" ]] || awk -v o="$other" -v b="$best_other" 'BEGIN { exit !(o < b) }'; then
      best="$data" best_other="$other" best_found="$run_found" best_rows="$run_rows" best_settled="$settled" best_cold="$cold_cpu"
    fi
    if awk -v o="$other" -v m="$max_other_cores" 'BEGIN { exit !(o <= m) }' || ((attempt > retries)); then
      break
    fi
    echo "   other processes kept $other cores busy (over $max_other_cores): this run is repeated"
    repeated=$((repeated + 1))
  done
  [[ "$best" == "$data" ]] || echo "   counted: $(basename "$best"), in which other processes kept $best_other cores busy"
  record "$system" "$round" "$best" "$best_found" "$best_rows" "$best_settled" "$best_cold"
}

started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
cores="$(nproc)"
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
commit="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$repo_root" status --porcelain -- src 2>/dev/null)" ]] || commit="$commit with uncommitted changes in src/"
[[ -z "${SERVER_ENV:-}" ]] || commit="$commit, CertBroker run with $SERVER_ENV"
[[ -z "${SERVER_DIR:-}" ]] || commit="$commit, CertBroker from $SERVER_DIR"
echo "== $started_at, $cores cores ($cpu_model), commit $commit, mode $mode, store $store, results in $results"

run_keepalive_mode() {
  local round round_signs signs_before signs_after signs floor_ms
  echo "== keep-alive mode: crypto floor, openssl speed -seconds 3 rsa2048"
  signs_before="$(rsa_signs_per_second before)"
  echo "   $signs_before RSA-2048 signatures/s on one core"

  # The machine's speed drifts by 10% and more within an hour (other guests on the host), so each round measures its
  # own floor right before its CertBroker run, and CertBroker's multiple of the floor is taken within the round.
  : >"$results/floors.tsv"
  for round in $(seq 1 "$rounds"); do
    round_signs="$(rsa_signs_per_second "round-$round")"
    echo "== crypto floor for round $round: $round_signs RSA-2048 signatures/s on one core"
    printf '%s\t%s\n' "$round" "$round_signs" >>"$results/floors.tsv"
    measure CertBroker "$round"
    measure scepserver "$round"
  done

  echo "== crypto floor again, after the runs"
  signs_after="$(rsa_signs_per_second after)"
  echo "   $signs_after RSA-2048 signatures/s on one core"

  # The faster of the two: other processes can only slow openssl down.
  signs="$(awk -v a="$signs_before" -v b="$signs_after" 'BEGIN { print (a > b ? a : b) }')"
  floor_ms="$(awk -v s="$signs" 'BEGIN { printf "%.3f", 3000 / s }')"
  awk -v floor="$floor_ms" -v signs="$signs" -v signs_before="$signs_before" -v signs_after="$signs_after" \
    -v t_cpu="$target_cpu_ratio" -v t_rate="$target_throughput_ratio" \
    -v t_p99="$target_p99_ms" -v t_rss="$target_rss_mb" -v markdown="$output" -v repeated="$repeated" \
    -v settle_batch="$settle_batch" -v warmup="$warmup" \
    -v header="$started_at, $cores cores ($cpu_model), commit $commit" \
    -v load="$count PKCSReq per timed run after $warmup warm-up, $concurrency connections, ${method^^}, AES-128, RSA-2048 CA and RA; rounds: $rounds, each CertBroker then scepserver, a fresh server and store for every run" \
    "$table_functions_awk"$'\n'"$run_functions_awk"$'\n'"$table_awk" "$results/errors.tsv" "$results/floors.tsv" "$results/runs.tsv"
}

# Functions both tables use: the median, minimum and maximum of vals[1..n] (summarize sorts them and sets MED, MIN and
# MAX), a cell of them, and the rows of the table.
table_functions_awk=$(cat <<'AWK'
function summarize(n,    i, j, t) {
  for (i = 2; i <= n; i++) { t = vals[i]; for (j = i - 1; j >= 1 && vals[j] > t; j--) vals[j + 1] = vals[j]; vals[j + 1] = t }
  if (n == 0) { MED = ""; return 0 }
  MED = n % 2 ? vals[(n + 1) / 2] : (vals[n / 2] + vals[n / 2 + 1]) / 2
  MIN = vals[1]; MAX = vals[n]
  return n
}
function cell(n, dec, suffix,    f) {
  if (n == 0) return "n/a"
  f = "%." dec "f" suffix
  if (n == 1 || sprintf(f, MIN) == sprintf(f, MAX)) return sprintf(f, MED)
  return sprintf(f " (" f "-" f ")", MED, MIN, MAX)
}
function verdict(ok) { return ok ? "PASS" : "FAIL" }
function row(metric, a, b, r, target, result) {
  rows++; M[rows] = metric; A[rows] = a; B[rows] = b; R[rows] = r; T[rows] = target; V[rows] = result
}
AWK
)

# One table from runs.tsv (one line per run: system, round, then from column 3: enrolments/s, p50, p95, p99, server
# CPU ms per enrolment, errors, duplicate serials, SUCCESS responses, serials found in the store, store rows, steady
# VmRSS MB, VmHWM MB, loadgen CPU ms per request, other processes' cores, replies not in the request's cipher, reply
# ciphers, server CPU ms per request, settling requests, first settling batch's CPU ms per request, PostgreSQL CPU ms
# per request) and errors.tsv (system, error kind, count). Medians over the rounds with min-max; ratios per round
# (the systems cb and peer of the same round), then their median.
run_functions_awk=$(cat <<'AWK'
function collect(sys, c,    r, n) {
  split("", vals)
  n = 0
  for (r = 1; r <= rounds; r++)
    if (((sys, c, r) in v) && v[sys, c, r] != "nan" && v[sys, c, r] != "") vals[++n] = v[sys, c, r] + 0
  return n
}
function stat(sys, c, dec, suffix) { return cell(summarize(collect(sys, c)), dec, suffix) }
# CertBroker's value over the peer's, round by round; inverted, the peer's over CertBroker's.
function ratio(c, invert, dec,    r, n, a, b) {
  split("", vals)
  n = 0
  for (r = 1; r <= rounds; r++) {
    if (!((cb, c, r) in v) || !((peer, c, r) in v) || v[cb, c, r] == "nan" || v[peer, c, r] == "nan") continue
    a = v[cb, c, r] + 0; b = v[peer, c, r] + 0
    if (a > 0 && b > 0) vals[++n] = invert ? b / a : a / b
  }
  return cell(summarize(n), dec, "x")
}
function total(sys, c,    r, s) { s = 0; for (r = 1; r <= rounds; r++) if ((sys, c, r) in v) s += v[sys, c, r]; return s }
# "matching of SUCCESS replies", and the ciphers seen when some did not match.
function ciphers(sys,    r, names) {
  names = ""
  for (r = 1; r <= rounds; r++) if ((sys, 18, r) in v && index("+" names "+", "+" v[sys, 18, r] "+") == 0) names = names (names == "" ? "" : "+") v[sys, 18, r]
  return (total(sys, 10) - total(sys, 17)) " of " total(sys, 10) (total(sys, 17) > 0 ? " (" names ")" : "")
}
function kinds(sys,    k, text) {
  text = ""
  for (k in kind_count) {
    split(k, parts, SUBSEP)
    if (parts[1] == sys) text = text (text == "" ? "" : ", ") parts[2] " x" kind_count[k]
  }
  return text == "" ? "none" : text
}
AWK
)
table_awk=$(cat <<'AWK'
BEGIN { FS = "\t"; cb = "CertBroker"; peer = "scepserver" }
FILENAME == ARGV[1] { kind_count[$1 SUBSEP $2] += $3; next }
FILENAME == ARGV[2] {
  if ($2 + 0 > 0) { round_floor[$1 + 0] = 3000 / $2; round_signs = round_signs (round_signs == "" ? "" : ", ") $2 }
  next
}
{
  if ($2 + 0 > rounds) rounds = $2 + 0
  for (c = 3; c <= NF; c++) v[$1, c, $2 + 0] = $c
}
END {
  rate = ratio(3, 0, 2); rate_ok = MED != "" && MED >= t_rate
  row("enrolments/s", stat(cb, 3, 0), stat(peer, 3, 0), rate, ">= " t_rate "x (CertBroker/peer)", verdict(rate_ok))
  row("latency p50 ms", stat(cb, 4, 0), stat(peer, 4, 0), "", "", "")
  row("latency p95 ms", stat(cb, 5, 0), stat(peer, 5, 0), "", "", "")
  p99 = stat(cb, 6, 0); p99_ok = MED != "" && MED < t_p99
  row("latency p99 ms", p99, stat(peer, 6, 0), "", "< " t_p99 " ms", verdict(p99_ok))
  # Per PKCSReq, failed ones included, as the targets say: per SUCCESS would charge the peer for its failures.
  cpu_ratio = ratio(19, 1, 2); cpu_ok = MED != "" && MED >= t_cpu
  row("server CPU ms per PKCSReq", stat(cb, 19, 2), stat(peer, 19, 2), cpu_ratio, ">= " t_cpu "x (peer/CertBroker)", verdict(cpu_ok))
  for (r = 1; r <= rounds; r++) for (s = 0; s < 2; s++) {
    sys = s ? peer : cb
    if ((sys, 19, r) in v && v[sys, 19, r] != "nan") v[sys, 99, r] = v[sys, 19, r] / ((r in round_floor) ? round_floor[r] : floor)
  }
  # No longer a target (issue #14): printed so that runs stay comparable with the earlier ones.
  row("  as a multiple of the crypto floor", stat(cb, 99, 2, "x"), stat(peer, 99, 2, "x"), "", "", "")
  row("server CPU ms per enrolment (SUCCESS)", stat(cb, 7, 2), stat(peer, 7, 2), ratio(7, 1, 2), "", "")
  row("  in the first " settle_batch " requests after start (JIT)", stat(cb, 21, 2), "n/a", "", "", "")
  row("requests before the timed run (settling + warm-up)", stat(cb, 20, 0) " + " warmup, warmup, "", "", "")
  row("errors, all rounds (warm-up included)", total(cb, 8), total(peer, 8), "", "0", verdict(total(cb, 8) == 0))
  row("duplicate serials, all rounds", total(cb, 9), total(peer, 9), "", "0", verdict(total(cb, 9) == 0))
  store_ok = 1
  for (r = 1; r <= rounds; r++) if ((cb, 10, r) in v && (v[cb, 11, r] != v[cb, 10, r] + v[cb, 20, r] || v[cb, 12, r] != v[cb, 10, r] + v[cb, 20, r])) store_ok = 0
  row("replies in the request's cipher", ciphers(cb), ciphers(peer), "", "all", verdict(total(cb, 17) == 0))
  row("issued certificates found in the store", total(cb, 11) " of " (total(cb, 10) + total(cb, 20)) " (" total(cb, 12) " rows)", "n/a", "", "all", verdict(store_ok))
  rss = stat(cb, 13, 0); rss_ok = MED != "" && MED < t_rss
  row("server memory, steady VmRSS MB", rss, stat(peer, 13, 0), "", "< " t_rss " MB", verdict(rss_ok))
  row("server memory, peak VmHWM MB", stat(cb, 14, 0), stat(peer, 14, 0), "", "", "")
  row("loadgen CPU ms per request", stat(cb, 15, 2), stat(peer, 15, 2), "", "", "")
  row("other processes, cores busy", stat(cb, 16, 2), stat(peer, 16, 2), "", "", "")

  floor_line = sprintf("crypto floor: 3 RSA-2048 private-key operations = %.2f ms of CPU per enrolment (openssl speed: %s signatures/s on one core; %s before the runs, %s after; right before each round's CertBroker run: %s, against which that round's multiple is taken)", floor, signs, signs_before, signs_after, round_signs)
  M[0] = "metric"; A[0] = cb; B[0] = peer; R[0] = "ratio"; T[0] = "target"; V[0] = "result"
  for (i = 0; i <= rows; i++) {
    if (length(M[i]) > wm) wm = length(M[i]); if (length(A[i]) > wa) wa = length(A[i]); if (length(B[i]) > wb) wb = length(B[i])
    if (length(R[i]) > wr) wr = length(R[i]); if (length(T[i]) > wt) wt = length(T[i])
  }
  print ""
  print "SCEP benchmark, " header
  print "load: " load
  print floor_line
  print ""
  for (i = 0; i <= rows; i++)
    printf "%-" wm "s  %" wa "s  %" wb "s  %" wr "s  %-" wt "s  %s\n", M[i], A[i], B[i], R[i], T[i], V[i]
  print ""
  print "errors by kind: " cb " " kinds(cb) "; " peer " " kinds(peer)
  print "Medians over the rounds, (min-max) when they differ. Ratios are taken round by round, then the median: throughput"
  print "CertBroker/peer, CPU peer/CertBroker, so higher is better for CertBroker in both. Verdicts judge the medians;"
  print "errors, duplicates and the store check count every run. Runs repeated because other processes took the cores: " repeated "."

  print "**" header "**" > markdown
  print "" > markdown
  print "Load: " load "." > markdown
  print "" > markdown
  print toupper(substr(floor_line, 1, 1)) substr(floor_line, 2) "." > markdown
  print "" > markdown
  print "| metric | CertBroker | scepserver | ratio | target | result |" > markdown
  print "| --- | ---: | ---: | ---: | --- | --- |" > markdown
  for (i = 1; i <= rows; i++) {
    metric = M[i]
    if (substr(metric, 1, 2) == "  ") metric = "&emsp;" substr(metric, 3)
    print "| " metric " | " A[i] " | " B[i] " | " R[i] " | " T[i] " | " V[i] " |" > markdown
  }
  print "" > markdown
  print "Errors by kind: " cb " " kinds(cb) "; " peer " " kinds(peer) ". Runs repeated because other processes took the cores: " repeated "." > markdown
}
AWK
)
: >"$output"
if [[ "$store" == postgres ]]; then
  run_store_mode
else
  if [[ "$mode" != device ]]; then run_keepalive_mode; fi
  if [[ "$mode" != keepalive ]]; then run_device_mode; fi
fi

echo
echo "per-run results in $results; markdown tables in $output"
