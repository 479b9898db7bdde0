# Scale-out measurements of scripts/benchmark.sh --store postgres, sourced by it (it uses its variables and its
# functions measure, settle_jit, drive, free_port, wait_ready_pid, stop_pid and the awk tables' functions):
#   store mode:  CertBroker on SQLite against CertBroker on PostgreSQL, the same load, alternating which goes first
#                from round to round, each on a fresh store;
#   cluster:     one node, then two nodes, on one PostgreSQL database behind nginx, each a fresh database.
# PostgreSQL is the throwaway server of scripts/benchmark-postgres.bash, under the results directory.

target_store_cpu_ratio=1.25   # broker CPU per PKCSReq on PostgreSQL / on SQLite of the same round, at most

cluster_pids=()
nginx_pid=""
node_pid=""
node_port=""
nginx_port=""
nginx_config_source=""

stop_cluster() {
  local pid
  if [[ -n "$nginx_pid" ]]; then
    stop_pid "$nginx_pid"
    nginx_pid=""
  fi
  for pid in "${cluster_pids[@]}"; do
    stop_pid "$pid"
  done
  cluster_pids=()
}

run_store_mode() {
  local round
  # The postgres account runs the server from a directory under the results.
  chmod o+x "$results"
  postgres_start "$results/postgres" "$(free_port 15432)" || exit 2
  echo "== $("$pg_bin/postgres" --version) in $results/postgres, port $pg_port, postmaster pid $pg_pid;" \
    "fsync $(postgres_psql postgres -At -c 'SHOW fsync'), synchronous_commit $(postgres_psql postgres -At -c 'SHOW synchronous_commit')," \
    "full_page_writes $(postgres_psql postgres -At -c 'SHOW full_page_writes')${PG_SETTINGS:+, $PG_SETTINGS}"
  for round in $(seq 1 "$rounds"); do
    if ((round % 2)); then
      measure SQLite "$round"
      measure PostgreSQL "$round"
    else
      measure PostgreSQL "$round"
      measure SQLite "$round"
    fi
  done

  awk -v t_ratio="$target_store_cpu_ratio" -v markdown="$output" -v repeated="$repeated" -v warmup="$warmup" \
    -v settle_batch="$settle_batch" -v header="$started_at, $cores cores ($cpu_model), commit $commit" \
    -v database="$("$pg_bin/postgres" --version | awk '{print $3}'), PostgreSQL's default durability (fsync and synchronous_commit on)${PG_SETTINGS:+, with $PG_SETTINGS}" \
    -v load="$count PKCSReq per timed run after $warmup warm-up, $concurrency connections, ${method^^}, AES-128, RSA-2048 CA and RA; rounds: $rounds, SQLite and PostgreSQL alternating which goes first, a fresh server and store for every run" \
    "$table_functions_awk"$'\n'"$run_functions_awk"$'\n'"$emit_awk"$'\n'"$store_table_awk" "$results/errors.tsv" "$results/runs.tsv"

  if ((cluster_rounds > 0)); then
    : >"$results/cluster.tsv"
    : >"$results/cluster-errors.tsv"
    for round in $(seq 1 "$cluster_rounds"); do
      run_cluster 1 "$round"
      run_cluster 2 "$round"
    done
    awk -v markdown="$output" -v header="$started_at, $cores cores ($cpu_model), commit $commit" \
      -v load="$count PKCSReq per timed run after $warmup warm-up, $concurrency connections to nginx, ${method^^}, AES-128; rounds: $cluster_rounds, one node then two, a fresh database and fresh nodes for every run, each node's JIT settled on it directly first${PG_SETTINGS:+; PostgreSQL with $PG_SETTINGS}" \
      -v nginx_config="$nginx_config_source" \
      "$table_functions_awk"$'\n'"$run_functions_awk"$'\n'"$emit_awk"$'\n'"$cluster_table_awk" "$results/cluster-errors.tsv" "$results/cluster.tsv"
  fi
}

# Starts a broker node $1 with data directory $2 on PostgreSQL database $3; sets node_pid and node_port.
start_node() {
  local name="$1" data="$2" database="$3"
  mkdir -p "$data"
  node_port="$(free_port 18080)"
  (cd "$server_dir" && exec env "${server_env[@]}" dotnet certbroker.dll --urls "http://127.0.0.1:$node_port" "--CertBroker:DataDir=$data" \
    "--CertBroker:Storage:Provider=Postgres" "--CertBroker:Storage:Postgres:ConnectionString=$(postgres_connection "$database")" \
    "--CertBroker:NodeName=$name" "--CertBroker:ForwardedHeaders:KnownProxies:0=127.0.0.1" \
    "--CertBroker:Profiles:default:ChallengePassword=$challenge" >"$data/console.log" 2>&1) &
  node_pid=$!
  cluster_pids+=("$node_pid")
  wait_ready_pid "$node_pid" "http://127.0.0.1:$node_port/scep" "$data/console.log"
}

# nginx.conf for nginx in directory $1, listening on port $2, in front of the node ports $3 (and $4): the shipped
# deploy/nginx/certbroker-cluster.conf (a complete nginx.conf) with the run's directory for its pid file and logs, its
# listen port and its upstream servers replaced by these (the second and later upstream servers dropped for one node),
# or, while the repository has none, round-robin over the nodes with keep-alive connections to them. Either way the
# access log names the upstream of every request, to count what each node served.
nginx_config() {
  local dir="$1" port="$2" a="$3" b="${4:-}" shipped="$repo_root/deploy/nginx/certbroker-cluster.conf"
  if [[ -e "$shipped" ]]; then
    awk -v dir="$dir" -v port="$port" -v a="$a" -v b="$b" '
      BEGIN { print "user root;"; print "pid " dir "/nginx.pid;"; print "error_log " dir "/error.log warn;" }
      { line = $0; opens = gsub(/[{]/, "{", line); closes = gsub(/[}]/, "}", line) }
      depth == 0 && $1 ~ /^(user|pid|error_log)$/ { next }
      $1 == "access_log" { next }
      upstream && $1 == "server" {
        servers++
        if (servers > 2 || (servers == 2 && b == "")) next
        sub(/server[ \t]+[^ \t;]+/, "server 127.0.0.1:" (servers == 1 ? a : b), line)
      }
      $1 == "listen" { sub(/listen[ \t]+[^;]+;/, "listen 127.0.0.1:" port ";", line) }
      { print line }
      $1 == "upstream" { upstream = 1; upstream_depth = depth + opens }
      $1 == "http" {
        print "    client_body_temp_path " dir "/client_body;"
        print "    proxy_temp_path " dir "/proxy;"
        print "    fastcgi_temp_path " dir "/fastcgi;"
        print "    uwsgi_temp_path " dir "/uwsgi;"
        print "    scgi_temp_path " dir "/scgi;"
        print "    log_format benchmark_upstreams \"$upstream_addr $status\";"
        print "    access_log " dir "/access.log benchmark_upstreams buffer=256k flush=1s;"
      }
      { depth += opens - closes; if (upstream && depth < upstream_depth) upstream = 0 }' "$shipped"
    return
  fi
  cat <<NGINX
user root;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    log_format benchmark_upstreams '\$upstream_addr \$status';
    access_log $dir/access.log benchmark_upstreams buffer=256k flush=1s;
    upstream certbroker {
        server 127.0.0.1:$a;
${b:+        server 127.0.0.1:$b;}
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 1m;
        location / {
            proxy_pass http://certbroker;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
NGINX
}

# nginx in directory $1 in front of the node ports $2 (and $3); sets nginx_pid and nginx_port.
start_nginx() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  nginx_port="$(free_port 18880)"
  nginx_config_source="the script's own (round-robin, keep-alive connections to the nodes)"
  [[ ! -e "$repo_root/deploy/nginx/certbroker-cluster.conf" ]] || nginx_config_source="deploy/nginx/certbroker-cluster.conf"
  nginx_config "$dir" "$nginx_port" "$@" >"$dir/nginx.conf"
  if ! nginx -t -p "$dir" -c "$dir/nginx.conf" >"$dir/check.log" 2>&1; then
    cat "$dir/check.log" "$dir/nginx.conf" >&2
    echo "benchmark.sh: nginx -t refused the configuration" >&2
    exit 2
  fi
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/console.log" 2>&1 &
  nginx_pid=$!
  wait_ready_pid "$nginx_pid" "http://127.0.0.1:$nginx_port/scep" "$dir/error.log"
}

# One run of $1 nodes (1 or 2) behind nginx for round $2, recorded in cluster.tsv.
run_cluster() {
  local nodes="$1" round="$2" data database label a_pid a_port b_pid="" b_port="" settled_total found rows
  local measured=() served_a served_b issued distinct
  label="one node"
  ((nodes == 1)) || label="two nodes"
  data="$results/cluster-$nodes-$round"
  database="cluster_${nodes}_$round"
  mkdir -p "$data"
  postgres_create_database "$database"
  start_node node-a "$data/node-a" "$database"
  a_pid="$node_pid" a_port="$node_port"
  if ((nodes == 2)); then
    # As an operator copies the CA and RA material to every node.
    mkdir -p "$data/node-b"
    cp -a "$data/node-a/ca" "$data/node-b/ca"
    start_node node-b "$data/node-b" "$database"
    b_pid="$node_pid" b_port="$node_port"
  fi

  # Every node settles on its own, straight to it, as a node that has served for a while.
  echo "== cluster, $label, round $round of $cluster_rounds: settling node A (pid $a_pid)"
  server_pid="$a_pid"
  settle_jit "http://127.0.0.1:$a_port/scep" "$data/node-a"
  settled_total="$settled"
  measured=(--measure "node-a=$a_pid")
  if [[ -n "$b_pid" ]]; then
    echo "== cluster, $label, round $round of $cluster_rounds: settling node B (pid $b_pid)"
    server_pid="$b_pid"
    settle_jit "http://127.0.0.1:$b_port/scep" "$data/node-b"
    settled_total=$((settled_total + settled))
    measured+=(--measure "node-b=$b_pid")
  fi
  server_pid=""

  start_nginx "$data/nginx" "$a_port" $b_port
  measured+=(--measure "nginx=$nginx_pid" --measure "postgres=$pg_pid")
  of_rounds="$cluster_rounds" drive "cluster, $label behind nginx" "$round" "http://127.0.0.1:$nginx_port/scep" "$data/run" "${measured[@]}"
  stop_cluster

  served_a="$(awk -v u="127.0.0.1:$a_port" '$1 == u' "$data/nginx/access.log" | wc -l)"
  served_b=0
  [[ -z "$b_port" ]] || served_b="$(awk -v u="127.0.0.1:$b_port" '$1 == u' "$data/nginx/access.log" | wc -l)"
  echo "   nginx           $served_a requests to node A, $served_b to node B (warm-up included)"

  # Every serial issued, settling on each node included, must be a row of the database, and none twice.
  cat "$data/run.serials" "$data"/node-?.settle-*.serials 2>/dev/null >"$data/all.serials" || true
  issued="$(wc -l <"$data/all.serials")"
  distinct="$(sed 's/^0*//' "$data/all.serials" | tr 'A-F' 'a-f' | sort -u | wc -l)"
  IFS='|' read -r found rows < <(postgres_count_issued "$database" "$data/all.serials")
  echo "   store           $found of $issued issued serials found in PostgreSQL (settling included), $rows rows in certificates, $((issued - distinct)) duplicates over all of them"

  jq -r --arg name "$label" --arg round "$round" --arg found "$found" --arg rows "$rows" --arg settled "$settled_total" \
    --arg dups "$((issued - distinct))" --arg a "$served_a" --arg b "$served_b" \
    'def per(p): if p and .requests > 0 then p.totalMs / .requests else "nan" end;
     [$name, $round, .enrolmentsPerSecond, .latency.p50Ms, .latency.p95Ms, .latency.p99Ms,
      ((.errors | add // 0) + (.warmupErrors | add // 0)), ($dups | tonumber), .successResponses, $found, $rows,
      ($settled | tonumber), per(.measuredCpu["node-a"]), per(.measuredCpu["node-b"]), per(.measuredCpu.nginx),
      per(.measuredCpu.postgres), (.machine.otherCoresBusy // "nan"), $a, $b,
      (if .requests > 0 then .clientCpu.totalMs / .requests else "nan" end)]
     | @tsv' "$data/run.json" >>"$results/cluster.tsv"
  jq -r --arg name "$label" '[.errors, .warmupErrors] | map(to_entries[]) | .[] | [$name, .key, .value] | @tsv' \
    "$data/run.json" >>"$results/cluster-errors.tsv"
}

# Prints the rows M, A, B, R, T, V (row() of table_functions_awk) aligned under a title, and appends them as a
# markdown table to the file markdown.
emit_awk=$(cat <<'AWK'
function emit(title, name_a, name_b, notes,    i, metric) {
  M[0] = "metric"; A[0] = name_a; B[0] = name_b; R[0] = "ratio"; T[0] = "target"; V[0] = "result"
  for (i = 0; i <= rows; i++) {
    if (length(M[i]) > wm) wm = length(M[i]); if (length(A[i]) > wa) wa = length(A[i]); if (length(B[i]) > wb) wb = length(B[i])
    if (length(R[i]) > wr) wr = length(R[i]); if (length(T[i]) > wt) wt = length(T[i])
  }
  print ""
  print title ", " header
  print "load: " load
  print ""
  for (i = 0; i <= rows; i++)
    printf "%-" wm "s  %" wa "s  %" wb "s  %" wr "s  %-" wt "s  %s\n", M[i], A[i], B[i], R[i], T[i], V[i]
  print ""
  print notes

  print "**" title ", " header "**" >> markdown
  print "" >> markdown
  print "Load: " load "." >> markdown
  print "" >> markdown
  print "| metric | " name_a " | " name_b " | ratio | target | result |" >> markdown
  print "| --- | ---: | ---: | ---: | --- | --- |" >> markdown
  for (i = 1; i <= rows; i++) {
    metric = M[i]
    if (substr(metric, 1, 2) == "  ") metric = "&emsp;" substr(metric, 3)
    print "| " metric " | " A[i] " | " B[i] " | " R[i] " | " T[i] " | " V[i] " |" >> markdown
  }
  print "" >> markdown
  print notes >> markdown
  print "" >> markdown
}
AWK
)

# runs.tsv as table_awk reads it, with the systems SQLite and PostgreSQL; ratio() divides cb by peer, so cb is
# PostgreSQL. Column 98 is the broker's and PostgreSQL's CPU per PKCSReq together.
store_table_awk=$(cat <<'AWK'
BEGIN { FS = "\t"; cb = "PostgreSQL"; peer = "SQLite" }
FILENAME == ARGV[1] { kind_count[$1 SUBSEP $2] += $3; next }
{
  if ($2 + 0 > rounds) rounds = $2 + 0
  for (c = 3; c <= NF; c++) v[$1, c, $2 + 0] = $c
}
function store_ok(sys,    r, ok) {
  ok = 1
  for (r = 1; r <= rounds; r++) if ((sys, 10, r) in v && (v[sys, 11, r] != v[sys, 10, r] + v[sys, 20, r] || v[sys, 12, r] != v[sys, 10, r] + v[sys, 20, r])) ok = 0
  return ok
}
function found(sys) { return total(sys, 11) " of " (total(sys, 10) + total(sys, 20)) " (" total(sys, 12) " rows)" }
END {
  for (r = 1; r <= rounds; r++) for (s = 0; s < 2; s++) {
    sys = s ? peer : cb
    if ((sys, 19, r) in v && v[sys, 19, r] != "nan") v[sys, 98, r] = v[sys, 19, r] + (v[sys, 22, r] != "nan" && v[sys, 22, r] != "" ? v[sys, 22, r] : 0)
  }
  row("enrolments/s", stat(peer, 3, 0), stat(cb, 3, 0), ratio(3, 0, 2), "", "")
  row("latency p50 ms", stat(peer, 4, 0), stat(cb, 4, 0), "", "", "")
  row("latency p95 ms", stat(peer, 5, 0), stat(cb, 5, 0), "", "", "")
  row("latency p99 ms", stat(peer, 6, 0), stat(cb, 6, 0), "", "", "")
  cpu = ratio(19, 0, 2); cpu_ok = MED != "" && MED <= t_ratio
  row("broker CPU ms per PKCSReq", stat(peer, 19, 2), stat(cb, 19, 2), cpu, "<= " t_ratio "x (PostgreSQL/SQLite)", verdict(cpu_ok))
  row("PostgreSQL CPU ms per PKCSReq (postmaster and backends)", "n/a", stat(cb, 22, 2), "", "", "")
  row("broker and PostgreSQL CPU ms per PKCSReq", stat(peer, 98, 2), stat(cb, 98, 2), ratio(98, 0, 2), "", "")
  row("broker CPU ms per PKCSReq, first " settle_batch " after start (JIT)", stat(peer, 21, 2), stat(cb, 21, 2), "", "", "")
  row("requests before the timed run (settling + warm-up)", stat(peer, 20, 0) " + " warmup, stat(cb, 20, 0) " + " warmup, "", "", "")
  row("errors, all rounds (warm-up included)", total(peer, 8), total(cb, 8), "", "0", verdict(total(peer, 8) == 0 && total(cb, 8) == 0))
  row("duplicate serials, all rounds", total(peer, 9), total(cb, 9), "", "0", verdict(total(peer, 9) == 0 && total(cb, 9) == 0))
  row("issued certificates found in the store", found(peer), found(cb), "", "all", verdict(store_ok(peer) && store_ok(cb)))
  row("broker memory, steady VmRSS MB", stat(peer, 13, 0), stat(cb, 13, 0), "", "", "")
  row("loadgen CPU ms per request", stat(peer, 15, 2), stat(cb, 15, 2), "", "", "")
  row("other processes, cores busy", stat(peer, 16, 2), stat(cb, 16, 2), "", "", "")
  emit("CertBroker on SQLite and on PostgreSQL " database, "SQLite", "PostgreSQL",
    "Errors by kind: SQLite " kinds(peer) "; PostgreSQL " kinds(cb) ". Medians over the rounds, (min-max) when they differ; ratios PostgreSQL/SQLite taken round by round, then the median. PostgreSQL's CPU is the postmaster's with every backend's, live or exited, in the timed run. Runs repeated because other processes took the cores: " repeated ".")
}
AWK
)

# cluster.tsv: label, round, enrolments/s, p50, p95, p99, errors (warm-up included), duplicate serials over every
# issued serial, SUCCESS responses, serials found in the database, rows, settling requests, then CPU ms per PKCSReq
# of node A, node B, nginx and PostgreSQL, other processes' cores, requests nginx sent to node A and to node B,
# loadgen CPU ms per request. cb is the two-node cluster, so ratio() divides it by one node.
cluster_table_awk=$(cat <<'AWK'
BEGIN { FS = "\t"; cb = "two nodes"; peer = "one node" }
FILENAME == ARGV[1] { kind_count[$1 SUBSEP $2] += $3; next }
{
  if ($2 + 0 > rounds) rounds = $2 + 0
  for (c = 3; c <= NF; c++) v[$1, c, $2 + 0] = $c
}
function store_ok(sys,    r, ok) {
  ok = 1
  for (r = 1; r <= rounds; r++) if ((sys, 9, r) in v && (v[sys, 10, r] != v[sys, 9, r] + v[sys, 12, r] || v[sys, 11, r] != v[sys, 9, r] + v[sys, 12, r])) ok = 0
  return ok
}
function found(sys) { return total(sys, 10) " of " (total(sys, 9) + total(sys, 12)) " (" total(sys, 11) " rows)" }
END {
  row("enrolments/s through nginx", stat(peer, 3, 0), stat(cb, 3, 0), ratio(3, 0, 2), "reported (two nodes/one)", "")
  row("latency p50 ms", stat(peer, 4, 0), stat(cb, 4, 0), "", "", "")
  row("latency p99 ms", stat(peer, 6, 0), stat(cb, 6, 0), "", "", "")
  row("errors, all rounds (warm-up included)", total(peer, 7), total(cb, 7), "", "0", verdict(total(cb, 7) == 0 && total(peer, 7) == 0))
  row("duplicate serials, all rounds (settling included)", total(peer, 8), total(cb, 8), "", "0", verdict(total(cb, 8) == 0 && total(peer, 8) == 0))
  row("issued certificates found in the database", found(peer), found(cb), "", "all", verdict(store_ok(peer) && store_ok(cb)))
  row("node A CPU ms per PKCSReq", stat(peer, 13, 2), stat(cb, 13, 2), "", "", "")
  row("node B CPU ms per PKCSReq", "n/a", stat(cb, 14, 2), "", "", "")
  row("nginx CPU ms per PKCSReq", stat(peer, 15, 2), stat(cb, 15, 2), "", "", "")
  row("PostgreSQL CPU ms per PKCSReq", stat(peer, 16, 2), stat(cb, 16, 2), "", "", "")
  row("requests nginx sent to node A / node B, all rounds", total(peer, 18) " / " total(peer, 19), total(cb, 18) " / " total(cb, 19), "", "", "")
  row("loadgen CPU ms per request", stat(peer, 20, 2), stat(cb, 20, 2), "", "", "")
  row("other processes, cores busy", stat(peer, 17, 2), stat(cb, 17, 2), "", "", "")
  emit("Two CertBroker nodes on one PostgreSQL database behind nginx", "one node", "two nodes",
    "Errors by kind: one node " kinds(peer) "; two nodes " kinds(cb) ". nginx configuration: " nginx_config ". CPU per PKCSReq divides each process's CPU in the timed run by all the run's requests. Medians over the rounds, (min-max) when they differ; the throughput ratio is taken round by round, then the median.")
}
AWK
)
