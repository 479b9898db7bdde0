# The real-device mode of scripts/benchmark.sh (issue #14); sourced by it, not run on its own.
#
# A device enrols the way micromdm's scepclient does: a new process, a key it has never used, a new TCP connection
# (scepclient sends its GetCACert, GetCACaps and PKIOperation on that one connection; strace shows one connect()),
# and no warm client state. This mode runs real scepclient processes, --device-parallel at a time and then one at a
# time, against CertBroker (embedded default CA) and scepserver 2.1.0, both running for the whole mode, in batches
# of --device-batch enrolments alternated between the two servers. Server CPU is the utime + stime delta of the
# server process over a batch (/proc/PID/stat, all threads), divided by the batch's enrolments. Device keys (RSA-2048,
# PKCS#1 as scepclient needs) are made with openssl before each batch, outside the measured window; a round's keys
# serve both servers, each of which sees them for the first time, since scepclient derives the transactionID from
# the key.
#
# Uses from benchmark.sh: $results, $challenge, $server_dir, $server_env, free_port, wait_for_quiet, stop_pid.

device_dir=""
device_cb_pid=""
device_peer_pid=""
clk_tck="$(getconf CLK_TCK)"

# utime + stime of process $1 in clock ticks (fields 14 and 15; the command names here have no spaces).
process_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Busy ticks of the whole machine (user, nice, system, irq, softirq, steal).
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# $2 fresh device keys in $1/1 .. $1/$2, made two at a time.
make_device_keys() {
  local dir="$1" count="$2"
  mkdir -p "$dir"
  seq 1 "$count" | xargs -P 2 -I{} sh -c 'mkdir -p "$1/$2" && openssl genrsa -traditional -out "$1/$2/key.pem" 2048 2>/dev/null' \
    _ "$dir" {}
}

# enrol_batch PHASE ROUND SYSTEM URL PID KEYS PARALLEL: one scepclient per key directory under KEYS, PARALLEL at a
# time, each writing its certificate into a fresh directory; appends one line to device.tsv:
#   phase, round, system, attempts, certificates, server CPU ms, client CPU ms, other processes' CPU ms, wall s
enrol_batch() {
  local phase="$1" round="$2" system="$3" url="$4" pid="$5" keys="$6" parallel="$7"
  local dir="$device_dir/$phase-$round-${system,,}" count s0 s1 m0 m1 t0 t1 client ok
  count="$(find "$keys" -mindepth 1 -maxdepth 1 -type d | wc -l)"
  mkdir -p "$dir"
  # Each server's clients get their own copy of the key: scepclient keeps its CSR beside it and would reuse it.
  (cd "$keys" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n') | while read -r name; do
    mkdir -p "$dir/$name" && cp "$keys/$name/key.pem" "$dir/$name/key.pem"
  done
  wait_for_quiet
  s0="$(process_ticks "$pid")"
  m0="$(machine_ticks)"
  t0="$(date +%s.%N)"
  # Empty O, OU and C: scepclient would add its own, which a profile's default name policy refuses.
  # The subshell's children's CPU (field 16 + 17 of its stat), read after xargs has reaped every scepclient, is the
  # clients' CPU.
  client="$( (cd "$keys" && find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n') |
    (xargs -P "$parallel" -I{} timeout 60 scepclient -server-url "$url" -challenge "$challenge" \
      -private-key "$dir/{}/key.pem" -certificate "$dir/{}/cert.pem" -cn "device-$phase-$round-{}" -organization "" -ou "" -country "" \
      >>"$dir/clients.log" 2>&1 || true
     awk '{ print $16 + $17 }' "/proc/$BASHPID/stat"))"
  t1="$(date +%s.%N)"
  m1="$(machine_ticks)"
  s1="$(process_ticks "$pid")"
  ok="$(find "$dir" -name cert.pem | wc -l)"
  awk -v p="$phase" -v r="$round" -v s="$system" -v n="$count" -v ok="$ok" -v t="$clk_tck" -v s0="$s0" -v s1="$s1" \
    -v m0="$m0" -v m1="$m1" -v c="$client" -v t0="$t0" -v t1="$t1" \
    'BEGIN { srv = (s1 - s0) * 1000 / t; cli = c * 1000 / t; oth = (m1 - m0) * 1000 / t - srv - cli
             printf "%s\t%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.3f\n", p, r, s, n, ok, srv, cli, (oth > 0 ? oth : 0), t1 - t0 }' \
    >>"$device_dir/device.tsv"
  awk -v s="$system" -v n="$count" -v ok="$ok" -v p="$parallel" -v t="$clk_tck" -v s0="$s0" -v s1="$s1" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf "   %-10s %4d enrolments, %d at a time: %d certificates, %.2f ms server CPU per enrolment, %.1f s\n",
             s, n, p, ok, (ok > 0 ? (s1 - s0) * 1000 / t / ok : 0), t1 - t0 }'
}

# fresh_calls ROUND SYSTEM URL PID OPERATION: $device_calls GET requests for OPERATION, each from its own curl process
# on its own connection, as devices arrive: the server goes idle between calls, and its threads' wake-ups and idle
# spinning are part of the cost (one curl process sending the calls back to back on new connections costs either
# server a fraction as much). Appends to device.tsv as enrol_batch does, "certificates" being the calls answered 200
# on a new connection (curl's num_connects).
fresh_calls() {
  local round="$1" system="$2" url="$3" pid="$4" operation="$5" replies s0 s1 m0 m1 t0 t1 ok
  replies="$device_dir/$operation-$round-${system,,}.replies"
  wait_for_quiet
  s0="$(process_ticks "$pid")"
  m0="$(machine_ticks)"
  t0="$(date +%s.%N)"
  for _ in $(seq 1 "$device_calls"); do
    curl -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$url?operation=$operation" || true
  done >"$replies" 2>&1
  t1="$(date +%s.%N)"
  m1="$(machine_ticks)"
  s1="$(process_ticks "$pid")"
  ok="$(grep -c '^200 1$' "$replies" || true)"
  awk -v p="$operation" -v r="$round" -v s="$system" -v n="$device_calls" -v ok="$ok" -v t="$clk_tck" -v s0="$s0" \
    -v s1="$s1" -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" \
    'BEGIN { srv = (s1 - s0) * 1000 / t; oth = (m1 - m0) * 1000 / t - srv
             printf "%s\t%s\t%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.3f\n", p, r, s, n, ok, srv, 0, (oth > 0 ? oth : 0), t1 - t0 }' \
    >>"$device_dir/device.tsv"
  awk -v s="$system" -v n="$device_calls" -v ok="$ok" -v o="$operation" -v t="$clk_tck" -v s0="$s0" -v s1="$s1" \
    'BEGIN { printf "   %-10s %d %s, one curl process and connection each: %d answered, %.3f ms server CPU per call\n", s, n, o, ok, (s1 - s0) * 1000 / t / n }'
}

stop_device_servers() {
  stop_pid "$device_cb_pid"
  stop_pid "$device_peer_pid"
  device_cb_pid=""
  device_peer_pid=""
}

run_device_mode() {
  local cb_port peer_port cb_url peer_url cb_data round phase parallel keys warm_rest ready_ticks peer_ready_ticks
  device_dir="$results/device"
  mkdir -p "$device_dir"
  : >"$device_dir/device.tsv"
  cb_data="$device_dir/certbroker-data"
  mkdir -p "$cb_data"

  echo "== device mode: scepclient processes, $device_parallel at a time and one at a time, batches of $device_batch alternated, $device_rounds rounds"
  echo "== device keys for CertBroker's first $device_cold enrolments"
  make_device_keys "$device_dir/keys-cold" "$device_cold"

  cb_port="$(free_port 18080)"
  cb_url="http://127.0.0.1:$cb_port/scep"
  (cd "$server_dir" && exec env "${server_env[@]}" dotnet certbroker.dll --urls "http://127.0.0.1:$cb_port" "--CertBroker:DataDir=$cb_data" \
    "--CertBroker:Profiles:default:ChallengePassword=$challenge" >"$cb_data/console.log" 2>&1) &
  device_cb_pid=$!
  wait_ready_pid "$device_cb_pid" "$cb_url" "$cb_data/console.log"
  ready_ticks="$(process_ticks "$device_cb_pid")"
  printf '   CertBroker started (pid %s): %.0f ms of CPU from process start to its first GetCACaps answer\n' \
    "$device_cb_pid" "$(awk -v a="$ready_ticks" -v t="$clk_tck" 'BEGIN { print a * 1000 / t }')"
  printf 'startup\t0\tCertBroker\t0\t0\t%.0f\t0\t0\t0\n' "$(awk -v a="$ready_ticks" -v t="$clk_tck" 'BEGIN { print a * 1000 / t }')" \
    >>"$device_dir/device.tsv"

  echo "== CertBroker cold: its first $device_cold enrolments after start, $device_parallel at a time"
  enrol_batch cold 0 CertBroker "$cb_url" "$device_cb_pid" "$device_dir/keys-cold" "$device_parallel"
  warm_rest=$((device_warmup > device_cold ? device_warmup - device_cold : 0))
  if ((warm_rest > 0)); then
    echo "== CertBroker warm-up: $warm_rest more enrolments, $device_parallel at a time"
    make_device_keys "$device_dir/keys-warmup" "$warm_rest"
    enrol_batch warmup 0 CertBroker "$cb_url" "$device_cb_pid" "$device_dir/keys-warmup" "$device_parallel"
  fi

  # scepserver needs no warm-up (Go, compiled ahead of time), and its cost per enrolment grows with every certificate
  # it has issued (it scans its index.txt), so it starts fresh here and gets only the measured batches.
  peer_port="$(free_port 18580)"
  peer_url="http://127.0.0.1:$peer_port/scep"
  mkdir -p "$device_dir/scepserver-data"
  scepserver ca -init -depot "$device_dir/scepserver-data/depot" -keySize 2048 >"$device_dir/scepserver-data/ca-init.log" 2>&1
  scepserver -depot "$device_dir/scepserver-data/depot" -port "$peer_port" -challenge "$challenge" \
    >"$device_dir/scepserver-data/console.log" 2>&1 &
  device_peer_pid=$!
  wait_ready_pid "$device_peer_pid" "$peer_url" "$device_dir/scepserver-data/console.log"
  peer_ready_ticks="$(process_ticks "$device_peer_pid")"
  printf 'startup\t0\tscepserver\t0\t0\t%.0f\t0\t0\t0\n' "$(awk -v a="$peer_ready_ticks" -v t="$clk_tck" 'BEGIN { print a * 1000 / t }')" \
    >>"$device_dir/device.tsv"

  for round in $(seq 1 "$device_rounds"); do
    for parallel in "$device_parallel" 1; do
      phase="parallel"
      ((parallel > 1)) || phase="serial"
      echo "== round $round of $device_rounds, $parallel at a time (load average $(cut -d' ' -f1-3 /proc/loadavg))"
      keys="$device_dir/keys-$phase-$round"
      make_device_keys "$keys" "$device_batch"
      enrol_batch "$phase" "$round" CertBroker "$cb_url" "$device_cb_pid" "$keys" "$parallel"
      enrol_batch "$phase" "$round" scepserver "$peer_url" "$device_peer_pid" "$keys" "$parallel"
      rm -rf "$keys"
    done
    if ((device_calls > 0)); then
      echo "== round $round of $device_rounds, GetCACaps and GetCACert on fresh connections"
      fresh_calls "$round" CertBroker "$cb_url" "$device_cb_pid" GetCACaps
      fresh_calls "$round" scepserver "$peer_url" "$device_peer_pid" GetCACaps
      fresh_calls "$round" CertBroker "$cb_url" "$device_cb_pid" GetCACert
      fresh_calls "$round" scepserver "$peer_url" "$device_peer_pid" GetCACert
    fi
  done
  stop_device_servers
  rm -rf "$device_dir/keys-cold" "$device_dir/keys-warmup"

  # Every certificate CertBroker handed a device must be a row of its store.
  find "$device_dir" -path '*-certbroker/*/cert.pem' -exec openssl x509 -noout -serial -in {} \; |
    sed 's/^serial=//' >"$device_dir/certbroker.serials"
  IFS='|' read -r device_found device_rows < <(sqlite3 -batch "$cb_data/certbroker.db" <<SQL
CREATE TEMP TABLE issued(serial TEXT);
.import '$device_dir/certbroker.serials' issued
SELECT (SELECT count(*) FROM issued WHERE ltrim(lower(serial), '0') IN (SELECT ltrim(lower(serial), '0') FROM certificates)),
       (SELECT count(*) FROM certificates);
SQL
  )
  device_issued="$(wc -l <"$device_dir/certbroker.serials")"
  device_duplicates="$(sort "$device_dir/certbroker.serials" | uniq -d | wc -l)"
  echo "   store           $device_found of $device_issued certificates CertBroker issued found, $device_rows rows in certificates, $device_duplicates duplicate serials"
  device_table
}

# The device table from device.tsv: medians over the rounds (min-max), ratios taken round by round.
device_table() {
  awk -v t_ratio="$target_device_cpu_ratio" -v t_cold="$target_cold_multiple" -v markdown="$output" \
    -v parallel="$device_parallel" -v cold_n="$device_cold" -v calls="$device_calls" \
    -v found="$device_found" -v issued="$device_issued" -v rows_in_store="$device_rows" -v dups="$device_duplicates" \
    -v header="$started_at, $cores cores ($cpu_model), commit $commit" -v quiet="${QUIET_WAIT:-120}" \
    -v load="scepclient 2.1.0 processes, each with a fresh RSA-2048 key, $device_parallel at a time and one at a time, in batches of $device_batch alternated between the servers; CertBroker warmed up with $device_warmup enrolments first; $device_calls GetCACaps and $device_calls GetCACert per server and round, each from its own curl process on a new connection; $device_rounds rounds" \
    "$table_functions_awk"$'\n'"$device_awk" "$device_dir/device.tsv"
}

device_awk=$(cat <<'AWK'
BEGIN { FS = "\t"; cb = "CertBroker"; peer = "scepserver" }
{
  key = $1 SUBSEP $3 SUBSEP $2
  N[key] = $4; OK[key] = $5; SRV[key] = $6; CLI[key] = $7; OTH[key] = $8; WALL[key] = $9
  if ($2 + 0 > rounds) rounds = $2 + 0
  if ($1 == "GetCACaps" || $1 == "GetCACert") { calls_n[$3] += $4; calls_ok[$3] += $5 } else if ($1 != "startup") { enrol_n[$3] += $4; enrol_ok[$3] += $5 }
}
# Per-round value of a figure for (phase, system): server CPU ms per enrolment or call ("cpu"), client CPU ms per
# enrolment ("client"), enrolments per second ("rate"), other processes' cores ("other").
function value(phase, sys, r, what,    k) {
  k = phase SUBSEP sys SUBSEP r
  if (!(k in N) || OK[k] == 0) return ""
  if (what == "cpu") return SRV[k] / OK[k]
  if (what == "client") return CLI[k] / OK[k]
  if (what == "rate") return WALL[k] > 0 ? OK[k] / WALL[k] : ""
  if (what == "other") return WALL[k] > 0 ? OTH[k] / 1000 / WALL[k] : ""
}
function stat(phase, sys, what, dec, suffix,    r, n, x) {
  split("", vals); n = 0
  for (r = 1; r <= rounds; r++) { x = value(phase, sys, r, what); if (x != "") vals[++n] = x }
  return cell(summarize(n), dec, suffix)
}
# The peer's server CPU over CertBroker's, round by round, then the median (in MED).
function ratio(phase,    r, n, a, b) {
  split("", vals); n = 0
  for (r = 1; r <= rounds; r++) {
    a = value(phase, cb, r, "cpu"); b = value(phase, peer, r, "cpu")
    if (a != "" && b != "" && a > 0) vals[++n] = b / a
  }
  return cell(summarize(n), 2, "x")
}
function single(phase, sys, what, dec,    x) { x = value(phase, sys, 0, what); return x == "" ? "n/a" : sprintf("%." dec "f", x) }
END {
  r = ratio("parallel"); ok = MED != "" && MED >= t_ratio
  row("server CPU ms per enrolment, " parallel " in parallel", stat("parallel", cb, "cpu", 2), stat("parallel", peer, "cpu", 2), r, ">= " t_ratio "x (peer/CertBroker)", verdict(ok))
  steady = ""; split("", vals); n = 0
  for (i = 1; i <= rounds; i++) { x = value("parallel", cb, i, "cpu"); if (x != "") vals[++n] = x }
  if (summarize(n)) steady = MED
  r = ratio("serial"); ok = MED != "" && MED >= t_ratio
  row("server CPU ms per enrolment, one at a time", stat("serial", cb, "cpu", 2), stat("serial", peer, "cpu", 2), r, ">= " t_ratio "x (peer/CertBroker)", verdict(ok))
  r = ratio("GetCACaps"); ok = MED != "" && MED >= 1
  row("GetCACaps on a fresh connection, server CPU ms per call", stat("GetCACaps", cb, "cpu", 3), stat("GetCACaps", peer, "cpu", 3), r, ">= 1x (peer/CertBroker)", verdict(ok))
  r = ratio("GetCACert"); ok = MED != "" && MED >= 1
  row("GetCACert on a fresh connection, server CPU ms per call", stat("GetCACert", cb, "cpu", 3), stat("GetCACert", peer, "cpu", 3), r, ">= 1x (peer/CertBroker)", verdict(ok))
  cold = value("cold", cb, 0, "cpu")
  cold_multiple = (cold != "" && steady != "") ? sprintf("%.2fx", cold / steady) : "n/a"
  row("first " cold_n " enrolments after start, server CPU ms per enrolment", single("cold", cb, "cpu", 2), "n/a", cold_multiple " of steady", "<= " t_cold "x steady (" parallel " in parallel)", verdict(cold != "" && steady != "" && cold / steady <= t_cold))
  row("  the warm-up enrolments after them", single("warmup", cb, "cpu", 2), "n/a", "", "", "")
  row("CPU ms from process start to the first answer", sprintf("%.0f", SRV["startup" SUBSEP cb SUBSEP 0]), sprintf("%.0f", SRV["startup" SUBSEP peer SUBSEP 0]), "", "", "")
  row("enrolments/s, " parallel " in parallel (wall clock)", stat("parallel", cb, "rate", 1), stat("parallel", peer, "rate", 1), "", "", "")
  row("enrolments/s, one at a time (wall clock)", stat("serial", cb, "rate", 1), stat("serial", peer, "rate", 1), "", "", "")
  row("scepclient CPU ms per enrolment, " parallel " in parallel", stat("parallel", cb, "client", 1), stat("parallel", peer, "client", 1), "", "", "")
  row("other processes, cores busy, " parallel " in parallel", stat("parallel", cb, "other", 2), stat("parallel", peer, "other", 2), "", "", "")
  row("enrolments without a certificate, all batches", (enrol_n[cb] - enrol_ok[cb]) " of " enrol_n[cb], (enrol_n[peer] - enrol_ok[peer]) " of " enrol_n[peer], "", "0", verdict(enrol_n[cb] > 0 && enrol_n[cb] == enrol_ok[cb]))
  row("fresh-connection calls not answered 200 on a new connection", (calls_n[cb] - calls_ok[cb]) " of " calls_n[cb], (calls_n[peer] - calls_ok[peer]) " of " calls_n[peer], "", "0", verdict(calls_n[cb] == calls_ok[cb]))
  row("issued certificates found in the store", found " of " issued " (" rows_in_store " rows)", "n/a", "", "all", verdict(issued > 0 && found == issued))
  row("duplicate serials", dups, "n/a", "", "0", verdict(dups == 0))

  M[0] = "metric"; A[0] = cb; B[0] = peer; R[0] = "ratio"; T[0] = "target"; V[0] = "result"
  for (i = 0; i <= rows; i++) {
    if (length(M[i]) > wm) wm = length(M[i]); if (length(A[i]) > wa) wa = length(A[i]); if (length(B[i]) > wb) wb = length(B[i])
    if (length(R[i]) > wr) wr = length(R[i]); if (length(T[i]) > wt) wt = length(T[i])
  }
  note = quiet > 0 ? "" : " (QUIET_WAIT=0: no wait for an idle machine, figures taken with other work on the cores)"
  print ""
  print "SCEP real-device benchmark, " header note
  print "load: " load
  print ""
  for (i = 0; i <= rows; i++)
    printf "%-" wm "s  %" wa "s  %" wb "s  %" wr "s  %-" wt "s  %s\n", M[i], A[i], B[i], R[i], T[i], V[i]
  print ""
  print "Medians over the rounds, (min-max) when they differ. CPU ratios are peer/CertBroker, taken round by round, then the"
  print "median, so above 1 favours CertBroker. A measurement, not a test: the verdicts judge the medians."

  print "" >> markdown
  print "**Real-device flow, " header note "**" >> markdown
  print "" >> markdown
  print "Load: " load "." >> markdown
  print "" >> markdown
  print "| metric | CertBroker | scepserver | ratio | target | result |" >> markdown
  print "| --- | ---: | ---: | ---: | --- | --- |" >> markdown
  for (i = 1; i <= rows; i++) {
    metric = M[i]
    if (substr(metric, 1, 2) == "  ") metric = "&emsp;" substr(metric, 3)
    print "| " metric " | " A[i] " | " B[i] " | " R[i] " | " T[i] " | " V[i] " |" >> markdown
  }
}
AWK
)
