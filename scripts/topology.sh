#!/usr/bin/env bash
# A cluster of separate hosts on one machine (root): a Linux network namespace per host, joined by
# one bridge, with addresses from 10.77.0.0/24 that exist only inside the topology (the bridge
# holds 10.77.0.1, the control address from which this machine's tests reach the hosts). Each host
# runs its own process: a 3-member etcd cluster, Redis, FerretDB, and the normal main.ts roles
# (services, two gates, three lobbies), configured for their host's address; the client host runs
# nothing until bots are run there.
#
#   scripts/topology.sh up                 make every host and start every process
#   scripts/topology.sh down               remove everything `up` made, also after a failed `up`
#   scripts/topology.sh status             each host: address, link, process
#   scripts/topology.sh start|stop HOST    start or kill (SIGKILL) one host's process
#   scripts/topology.sh cut|restore HOST   take one host's link down or bring it back
#   scripts/topology.sh exec HOST CMD...   run a command on a host
#
# Environment: TOPOLOGY_DIR (run directory, default .tmp/topology), TOPOLOGY_NAME (prefix of every
# namespace and link, default tsr, at most 4 characters), TOPOLOGY_SUBNET (first three bytes of the
# /24, default 10.77.0), TOPOLOGY_LATENCY_MS (delay
# added by tc netem to every packet a host sends, default 0), TOPOLOGY_GAME (the lobbies' game,
# default examples/inventory), TOPOLOGY_ARGS (flags every main.ts process gets after its own),
# TOPOLOGY_LEASE_TTL (etcd lease of every server, seconds, default 2), TOPOLOGY_GATE_LEASE_TTL
# (the gates' own, default the same).
# Everything made is written to $TOPOLOGY_DIR/state before it is made, so `down` finds it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUN=${TOPOLOGY_DIR:-$ROOT/.tmp/topology}
STATE=$RUN/state
PREFIX=${TOPOLOGY_NAME:-tsr}
BRIDGE=$PREFIX-br
SUBNET=${TOPOLOGY_SUBNET:-10.77.0}
CONTROL=$SUBNET.1
LATENCY_MS=${TOPOLOGY_LATENCY_MS:-0}
GAME=${TOPOLOGY_GAME:-examples/inventory}
HTTP_PORT=8080
RPC_PORT=7000
LEASE_TTL=${TOPOLOGY_LEASE_TTL:-2}
GATE_LEASE_TTL=${TOPOLOGY_GATE_LEASE_TTL:-$LEASE_TTL}
ETCD_PREFIX=/topology/
DATABASE=topology
READY_SECONDS=${TOPOLOGY_READY_SECONDS:-180}

# host → last byte of its address, in start order
HOSTS=(etcd-1 etcd-2 etcd-3 redis ferretdb services gate-1 gate-2 lobby-1 lobby-2 lobby-3 client)
declare -A OCTET=([etcd-1]=11 [etcd-2]=12 [etcd-3]=13 [redis]=21 [ferretdb]=22 [services]=31
  [gate-1]=41 [gate-2]=42 [lobby-1]=51 [lobby-2]=52 [lobby-3]=53 [client]=61)

say() { printf '[topology] %s\n' "$*"; }
die() { printf '[topology] %s\n' "$*" >&2; exit 1; }
ip_of() { echo "$SUBNET.${OCTET[$1]}"; }
ns_of() { echo "$PREFIX-$1"; }
known() { [ -n "${OCTET[$1]:-}" ] || die "no host named '$1' (hosts: ${HOSTS[*]})"; }
record() { echo "$*" >>"$STATE"; }
in_ns() { local host=$1; shift; ip netns exec "$(ns_of "$host")" "$@"; }

ETCD_HOSTS=$(for h in etcd-1 etcd-2 etcd-3; do printf 'http://%s:2379,' "$(ip_of "$h")"; done)
ETCD_HOSTS=${ETCD_HOSTS%,}
INITIAL_CLUSTER=$(for h in etcd-1 etcd-2 etcd-3; do printf '%s=http://%s:2380,' "$h" "$(ip_of "$h")"; done)
INITIAL_CLUSTER=${INITIAL_CLUSTER%,}
REDIS_URL="redis://$(ip_of redis):6379"
MONGO_URL="mongodb://$(ip_of ferretdb):27017/"
LOGIN_URL="http://$(ip_of services):$HTTP_PORT"

# ---------------------------------------------------------------- what each host runs
command_of() { # host → the arguments of its process, one a line (none for the client)
  local host=$1 addr lease=$LEASE_TTL
  addr=$(ip_of "$host")
  case $host in gate-*) lease=$GATE_LEASE_TTL ;; esac
  local main=(node --conditions=tessera-source --import tsx "$ROOT/main.ts" --log.console.colors false --log.file.enabled false
    --server.host "$addr" --rpc.host "$addr" --rpc.port "$RPC_PORT" --http.host "$addr" --http.port "$HTTP_PORT"
    --etcd.hosts "$ETCD_HOSTS" --etcd.prefix "$ETCD_PREFIX" --etcd.leaseTtlSeconds "$lease"
    --hub.backend redis --redis.url "$REDIS_URL" --redis.prefix "$DATABASE:" --game "$GAME")
  local store=(--store.backend mongodb --store.mongodb.url "$MONGO_URL" --store.mongodb.database "$DATABASE")
  # shellcheck disable=SC2206 # TOPOLOGY_ARGS is a list of flags, split on spaces on purpose
  local extra=(${TOPOLOGY_ARGS:-})
  case $host in
    etcd-*) lines etcd --name "$host" --data-dir "$RUN/data/$host" \
      --listen-client-urls "http://$addr:2379" --advertise-client-urls "http://$addr:2379" \
      --listen-peer-urls "http://$addr:2380" --initial-advertise-peer-urls "http://$addr:2380" \
      --initial-cluster "$INITIAL_CLUSTER" --initial-cluster-state new --initial-cluster-token tessera-topology \
      --log-level error --logger zap ;;
    redis) lines redis-server --bind "$addr" --port 6379 --dir "$RUN/data/redis" --save '' --appendonly no --protected-mode no --loglevel warning ;;
    ferretdb) lines ferretdb --handler=sqlite "--sqlite-url=file:$RUN/data/ferretdb/" "--state-dir=$RUN/data/ferretdb" \
      "--listen-addr=$addr:27017" --debug-addr=- --telemetry=disable --log-level=warn ;;
    services) lines "${main[@]}" --role services "${store[@]}" --login.rateLimit.exempt "$(ip_of client)" "${extra[@]}" ;;
    gate-*) lines "${main[@]}" --role gate --gate.host "$addr" --gate.identityKeyPath "$RUN/data/$host.key" \
      --gate.onlineIndex redis --auth.jwksUrl "$LOGIN_URL/.well-known/jwks.json" "${extra[@]}" ;;
    lobby-*) lines "${main[@]}" --role lobby "${store[@]}" \
      --store.claimTtlMs $((2000 * LEASE_TTL)) --store.claimRenewMs $((500 * LEASE_TTL)) "${extra[@]}" ;;
    client) ;;
  esac
}

lines() { printf '%s\n' "$@"; }

ready_probe() { # host → succeeds once its process answers
  local host=$1 addr
  addr=$(ip_of "$host")
  case $host in
    etcd-*) in_ns "$host" curl -fsS -m 2 "http://$addr:2379/health" 2>/dev/null | grep -q '"health":"true"' ;;
    redis) in_ns "$host" bash -c "exec 3<>/dev/tcp/$addr/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG" 2>/dev/null ;;
    ferretdb) in_ns "$host" bash -c "exec 3<>/dev/tcp/$addr/27017" 2>/dev/null ;;
    services|gate-*|lobby-*) in_ns "$host" curl -fsS -m 2 -o /dev/null "http://$addr:$HTTP_PORT/ready" 2>/dev/null ;;
    *) return 0 ;;
  esac
}

has_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
pid_of() { [ -f "$RUN/pids/$1" ] && cat "$RUN/pids/$1"; }
# Alive only while that pid is still inside the host's namespace: a reused pid is never taken for it.
alive() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && [ "$(ip netns identify "$pid" 2>/dev/null)" = "$(ns_of "$1")" ]; }

start_host() {
  local host=$1 pid
  local -a cmd
  mapfile -t cmd < <(command_of "$host")
  [ ${#cmd[@]} -gt 0 ] || return 0
  alive "$host" && die "$host already runs (pid $(pid_of "$host"))"
  mkdir -p "$RUN/data/$host" "$RUN/logs" "$RUN/pids"
  RPC_SECRET=$(cat "$RUN/secret")
  export RPC_SECRET
  # ip netns exec executes the command in place, so $! is the server itself.
  ip netns exec "$(ns_of "$host")" "${cmd[@]}" </dev/null >>"$RUN/logs/$host.log" 2>&1 &
  pid=$!
  echo "$pid" >"$RUN/pids/$host"
}

wait_ready() {
  local host=$1 deadline=$((SECONDS + READY_SECONDS))
  until ready_probe "$host"; do
    alive "$host" || die "$host exited before it was ready; its log ($RUN/logs/$host.log) ends:
$(tail -n 20 "$RUN/logs/$host.log" 2>/dev/null)"
    [ $SECONDS -lt $deadline ] || die "$host not ready within ${READY_SECONDS}s (log: $RUN/logs/$host.log)"
    sleep 0.5
  done
}

stop_pid() { # pid: SIGTERM (SIGKILL with `kill`), then SIGKILL after a grace
  local pid=$1 signal=${2:-TERM} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -s "$signal" "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -s KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

stop_host() { # host [signal]
  if alive "$1"; then stop_pid "$(pid_of "$1")" "${2:-KILL}"; fi
  rm -f "$RUN/pids/$1"
}

# ---------------------------------------------------------------- up, down, status
make_host() {
  local host=$1 ns link peer
  ns=$(ns_of "$host"); link=$PREFIX-$host; peer=${PREFIX}p-$host
  record "netns $ns"
  ip netns add "$ns"
  in_ns "$host" ip link set lo up
  record "link $link"
  ip link add "$link" type veth peer name "$peer"
  ip link set "$peer" netns "$ns"
  in_ns "$host" ip link set "$peer" name eth0
  in_ns "$host" ip addr add "$(ip_of "$host")/24" dev eth0
  in_ns "$host" ip link set eth0 up
  ip link set "$link" master "$BRIDGE"
  ip link set "$link" up
  if [ "$LATENCY_MS" != 0 ]; then in_ns "$host" tc qdisc add dev eth0 root netem delay "${LATENCY_MS}ms"; fi
}

netem_works() { # in a namespace of its own, removed at once
  local probe=$PREFIX-netem-$$ ok=0
  ip netns add "$probe" || return 1
  ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms 2>/dev/null || ok=1
  ip netns del "$probe"
  return $ok
}

up() {
  [ "$(id -u)" -eq 0 ] || die "up needs root (network namespaces)"
  [[ $PREFIX =~ ^[a-z]{1,4}$ ]] || die "TOPOLOGY_NAME must be 1 to 4 small letters (link names are at most 15 characters)"
  [ ! -s "$STATE" ] || die "a topology is already recorded in $STATE: run 'scripts/topology.sh down' first"
  ip -4 route show | grep -q "^$SUBNET\.0/24" && die "$SUBNET.0/24 is already routed on this machine"
  [ "$LATENCY_MS" = 0 ] || netem_works || die "TOPOLOGY_LATENCY_MS needs tc netem, which this kernel lacks (sch_netem); nothing was made"
  rm -rf "$RUN/logs"   # each run's logs only; `down` keeps them for a look after a failure
  mkdir -p "$RUN/data" "$RUN/logs" "$RUN/pids"
  : >"$STATE"
  # On a failure the trap removes what was made, so `up` never leaves a half topology running.
  trap 'status=$?; [ $status -eq 0 ] || { say "up failed; removing what it made"; down; }; exit $status' EXIT
  trap 'exit 130' INT TERM
  [ -f "$RUN/secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN/secret"
  record "link $BRIDGE"
  ip link add "$BRIDGE" type bridge
  ip addr add "$CONTROL/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for host in "${HOSTS[@]}"; do make_host "$host"; done
  say "hosts made on $SUBNET.0/24 (latency ${LATENCY_MS} ms)"
  for group in "etcd-1 etcd-2 etcd-3" "redis ferretdb" "services" "gate-1 gate-2 lobby-1 lobby-2 lobby-3"; do
    for host in $group; do start_host "$host"; done
    for host in $group; do wait_ready "$host"; done
    say "ready: $group"
  done
  trap - EXIT INT TERM
  say "up; login at $LOGIN_URL"
}

# Removes what the state file names and every name `up` uses, so that it also clears what an `up`
# interrupted before it could write its state. Processes are found by namespace: every process
# inside one of ours is one we started (a pid alone could have been reused by now).
down() {
  local kind name pid ns
  local -a namespaces=() links=()
  set +e
  for host in "${HOSTS[@]}"; do namespaces+=("$(ns_of "$host")"); links+=("$PREFIX-$host"); done
  links+=("$BRIDGE")
  # A netem probe of an `up` interrupted before it recorded anything.
  while read -r ns _; do case $ns in "$PREFIX"-netem-*) namespaces+=("$ns") ;; esac; done < <(ip netns list 2>/dev/null)
  if [ -f "$STATE" ]; then
    while read -r kind name; do
      case $kind in netns) namespaces+=("$name") ;; link) links+=("$name") ;; esac
    done <"$STATE"
  fi
  for signal in TERM KILL; do
    for ns in "${namespaces[@]}"; do
      has_ns "$ns" || continue
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -s "$signal" "$pid" 2>/dev/null; done
    done
    for _ in $(seq 1 100); do
      local left=0
      for ns in "${namespaces[@]}"; do has_ns "$ns" && [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && left=1; done
      [ $left -eq 0 ] && break
      sleep 0.1
    done
  done
  for name in "${links[@]}"; do ip link show "$name" >/dev/null 2>&1 && ip link del "$name"; done
  for ns in "${namespaces[@]}"; do has_ns "$ns" && ip netns del "$ns"; done
  rm -rf "$RUN/pids" "$RUN/data" "$STATE" "$RUN/secret"
  set -e
  say "down"
}

status() {
  local host ns link state proc
  printf '%-10s %-12s %-6s %s\n' host address link process
  for host in "${HOSTS[@]}"; do
    ns=$(ns_of "$host")
    if ! has_ns "$ns"; then printf '%-10s %-12s %-6s %s\n' "$host" "$(ip_of "$host")" - -; continue; fi
    link=$(ip -br link show "$PREFIX-$host" 2>/dev/null | awk '{print $2}')
    if [ "$host" = client ]; then proc=-; elif alive "$host"; then proc="running (pid $(pid_of "$host"))"; else proc=stopped; fi
    printf '%-10s %-12s %-6s %s\n' "$host" "$(ip_of "$host")" "${link:-none}" "$proc"
  done
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  start) known "${2:-}"; start_host "$2"; wait_ready "$2" ;;
  stop) known "${2:-}"; stop_host "$2" "${3:-KILL}" ;;
  cut) known "${2:-}"; ip link set "$PREFIX-$2" down ;;
  restore) known "${2:-}"; ip link set "$PREFIX-$2" up ;;
  # In place of this script, so that a signal sent to it reaches the command.
  exec) known "${2:-}"; host=$2; shift 2; exec ip netns exec "$(ns_of "$host")" "$@" ;;
  *) die "usage: scripts/topology.sh up|down|status|start HOST|stop HOST [SIGNAL]|cut HOST|restore HOST|exec HOST CMD..." ;;
esac
