#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need (Debian 12, as root),
# restores, builds the solution in Release and runs all test projects. The last line it
# prints is "N passed, N failed, N skipped", counted from the TRX files the run wrote.
# Exits non-zero when the build fails, any test fails, or no test ran.
#
# Extra arguments go to `dotnet test`, e.g. scripts/test.sh --filter Category=Interop
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

results_dir="$repo_root/TestResults/run"
passed=0
failed=0
skipped=0

# Reads one attribute of a TRX <Counters .../> element.
counter() {
  local value
  value="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")"
  echo "${value:-0}"
}

# Sums the Counters element of every TRX file: skipped tests count in total but not in executed.
count_results() {
  local trx counters
  shopt -s nullglob
  for trx in "$results_dir"/*.trx; do
    counters="$(grep -o '<Counters [^>]*>' "$trx" || true)"
    [[ -n "$counters" ]] || continue
    passed=$((passed + $(counter passed "$counters")))
    failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters")))
    skipped=$((skipped + $(counter total "$counters") - $(counter executed "$counters")))
  done
  shopt -u nullglob
}

print_summary() {
  echo "$passed passed, $failed failed, $skipped skipped"
}

# Names each failed test with the first lines of its message, so the end of the log says what broke.
print_failures() {
  local trx
  shopt -s nullglob
  for trx in "$results_dir"/*.trx; do
    awk '
      /<UnitTestResult / && /outcome="Failed"/ {
        match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11)
        print "FAILED " name; failing = 1; lines = 0; next
      }
      /<UnitTestResult / { failing = 0 }
      failing && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
      failing && inmsg {
        done = sub(/<\/Message>.*/, "")
        if (lines < 4) print "  " $0
        lines++
        if (done) { inmsg = 0; failing = 0 }
      }
    ' "$trx" | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
  done
  shopt -u nullglob
}

# Names what failed outside any test (a fixture's set-up or clean-up, a test host that stopped), from the TRX run
# information: dotnet test fails the run for these although every test may have passed.
print_run_errors() {
  local trx
  shopt -s nullglob
  for trx in "$results_dir"/*.trx; do
    awk '
      /<RunInfo / && /outcome="Error"/ { error = 1; next }
      error && /<Text>/ { sub(/.*<Text>/, ""); sub(/<\/Text>.*/, ""); print "RUN ERROR " $0; error = 0 }
    ' "$trx" | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
  done
  shopt -u nullglob
}

scripts/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! dotnet restore CertBroker.sln || ! dotnet build CertBroker.sln -c Release --no-restore; then
  echo "test.sh: build failed, no test ran" >&2
  print_summary
  exit 1
fi

rm -rf "$results_dir"
test_status=0
dotnet test CertBroker.sln -c Release --no-build \
  --results-directory "$results_dir" \
  --logger "trx" \
  --logger "console;verbosity=normal" \
  "$@" || test_status=$?

# The test hosts start throwaway PostgreSQL servers (tests/Shared/PostgresServer.cs) and stop them when they exit; a
# host that is ended rather than exiting leaves its server behind. Stop those whose host is gone.
shopt -s nullglob
for server in "${TMPDIR:-/tmp}"/certbroker-pg-*; do
  owner="$(basename "$server" | cut -d- -f3)"
  if [[ "$owner" =~ ^[0-9]+$ ]] && ! kill -0 "$owner" 2>/dev/null; then
    if [[ -e "$server/data/postmaster.pid" ]]; then
      kill -INT "$(head -1 "$server/data/postmaster.pid")" 2>/dev/null || true
      sleep 1
    fi
    rm -rf "$server"
  fi
done
shopt -u nullglob

count_results
echo
if ((failed > 0)); then
  print_failures
fi
if ((test_status != 0)); then
  print_run_errors
fi
if ((passed + failed + skipped == 0)); then
  echo "test.sh: no test ran" >&2
  test_status=1
fi
print_summary

if ((test_status != 0 || failed > 0)); then
  exit 1
fi
