#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers an anonymous client reaches, with afl++ and SharpFuzz.
#
#   scripts/fuzz.sh TARGET [SECONDS]     TARGET: message, csr, get, names or all (each in turn); SECONDS default 60
#
# Installs what is missing (afl++ from Debian, as root; the sharpfuzz tool into artifacts/fuzz/tools), publishes
# tests/CertBroker.Fuzz, instruments the CertBroker assemblies, and runs afl-fuzz for SECONDS per target from the
# committed corpus and regressions. Findings stay in artifacts/fuzz/findings/TARGET. Prints afl's execs/s, paths and
# crashes per target, replays every crash to show its exception, and exits non-zero when any target crashed or hung.
# The test suite's in-process smoke run (FuzzSmokeTests) needs none of this.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

target="${1:-}"
seconds="${2:-60}"
targets=(message csr get names)
if [[ "$target" == "all" ]]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $target "* ]]; then
  selected=("$target")
else
  echo "usage: scripts/fuzz.sh {message|csr|get|names|all} [SECONDS]" >&2
  exit 2
fi

work="$repo_root/artifacts/fuzz"
tools="$work/tools"
bin="$work/bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "fuzz.sh: afl-fuzz is missing; install afl++ (apt-get install afl++) or run as root" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y afl++
fi

if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools"
fi

# A fresh publish each time: sharpfuzz refuses an assembly it has already instrumented.
rm -rf "$bin"
dotnet publish tests/CertBroker.Fuzz/CertBroker.Fuzz.csproj -c Release -o "$bin" --nologo -v quiet
for assembly in CertBroker.Scep CertBroker.Core CertBroker.Crypto; do
  "$tools/sharpfuzz" "$bin/$assembly.dll"
done

# afl-fuzz runs `dotnet`, which carries no afl instrumentation of its own: SharpFuzz reports coverage from the
# instrumented assemblies through afl's shared memory, so the binary check is skipped.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

status=0
summary=()
for name in "${selected[@]}"; do
  seeds="$work/seeds/$name"
  findings="$work/findings/$name"
  rm -rf "$seeds" "$findings"
  mkdir -p "$seeds" "$work/findings"
  cp tests/CertBroker.Fuzz/corpus/"$name"/* "$seeds"/
  if [[ -d tests/CertBroker.Fuzz/regressions/$name ]]; then
    cp tests/CertBroker.Fuzz/regressions/"$name"/* "$seeds"/
  fi

  echo "fuzz.sh: $name for $seconds s"
  # -t 5000: the first input pays for the runtime's start and JIT; -m none: the CLR reserves far more than it uses.
  afl-fuzz -V "$seconds" -t 5000 -m none -i "$seeds" -o "$findings" -- dotnet "$bin/certbroker-fuzz.dll" "$name" >"$work/afl-$name.log" 2>&1 || {
    echo "fuzz.sh: afl-fuzz failed for $name, see $work/afl-$name.log" >&2
    tail -20 "$work/afl-$name.log" >&2
    status=1
    continue
  }

  stats="$findings/default/fuzzer_stats"
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  crashes="$(stat saved_crashes)"
  hangs="$(stat saved_hangs)"
  summary+=("$name: $(stat run_time) s, $(stat execs_done) execs, $(stat execs_per_sec) execs/s, $(stat corpus_count) paths, coverage $(stat bitmap_cvg), $crashes crashes, $hangs hangs")
  if ((crashes > 0)); then
    # Instrumented assemblies only run under afl (they write to its shared memory): replay with a plain build.
    dotnet build tests/CertBroker.Fuzz/CertBroker.Fuzz.csproj -c Release --nologo -v quiet >/dev/null
    dotnet tests/CertBroker.Fuzz/bin/Release/net10.0/certbroker-fuzz.dll "$name" "$findings"/default/crashes/id:* || true
    status=1
  fi
  if ((hangs > 0)); then
    echo "fuzz.sh: hangs for $name in $findings/default/hangs" >&2
    status=1
  fi
done

printf '%s\n' "${summary[@]}"
exit "$status"
