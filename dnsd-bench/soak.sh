#!/usr/bin/env bash
# Soak test: dnsperf at a fixed rate against dnsd on SQLite for a while (20,000 qps for 10 minutes
# by default) while dnsd commits a change every 10 ms; one line per minute with the queries lost,
# the SERVFAILs, p50/p99 latency and dnsd's RSS. Loopback only.
#
#   mvn -B -q -DskipTests package
#   dnsd-bench/soak.sh [ZONES_DIR QUERIES_FILE]      # default: a small generated set
#
# Environment: QPS (20000), MINUTES (10), COMMIT_MS (10), PORT (10153), JAVA_OPTS (the serving flags
# of README), OUT (a new directory under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
QPS=${QPS:-20000}
MINUTES=${MINUTES:-10}
COMMIT_MS=${COMMIT_MS:-10}
PORT=${PORT:-10153}
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseSerialGC -Xms8m -Xmx1g -Xmn8m -Xss256k"}
OUT=${OUT:-$(mktemp -d /tmp/dnsd-soak.XXXXXX)}
JAR=dnsd-bench/target/benchmarks.jar
command -v dnsperf >/dev/null || { echo "soak.sh needs dnsperf (apt-get install dnsperf)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }

ZONES=${1:-}
QUERIES=${2:-}
if [ -z "$ZONES" ]; then
  # 20 zones of 50 hosts; the queries: hosts (A), missing names (NXDOMAIN), the committed name (TXT)
  # and names in no zone (REFUSED).
  ZONES=$OUT/zones
  QUERIES=$OUT/queries.txt
  mkdir -p "$ZONES"
  : > "$QUERIES"
  for z in $(seq -w 1 20); do
    f=$ZONES/soak$z.test.zone
    { echo '$TTL 300'
      echo '@ SOA ns1 hostmaster 1 3600 600 1209600 300'
      echo '@ NS ns1'
      echo 'ns1 A 192.0.2.1'
      for h in $(seq 1 50); do echo "h$h A 192.0.2.$h"; done; } > "$f"
    for h in $(seq 1 50); do echo "h$h.soak$z.test A"; done >> "$QUERIES"
    for h in $(seq 1 10); do echo "missing$h.soak$z.test A"; done >> "$QUERIES"
  done
  for i in $(seq 1 100); do echo "soak.soak01.test TXT"; done >> "$QUERIES"
  for i in $(seq 1 100); do echo "www$i.example.org A"; done >> "$QUERIES"
fi

java $JAVA_OPTS -cp "$JAR" dev.dnsd.bench.SoakServer "$ZONES" "$PORT" "$OUT/soak.db" "$COMMIT_MS" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "^soak: serving" "$OUT/server.log" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.2
done

echo "# $(date -Is) $(nproc) cpus; $(dnsperf -h 2>&1 | grep Version); $QPS qps for $MINUTES min, a commit every $COMMIT_MS ms"
printf '%-6s %10s %8s %9s %9s %9s %9s\n' minute sent lost servfail p50_ms p99_ms rss_mib
for m in $(seq 1 "$MINUTES"); do
  # One minute of load: the summary gives sent and lost, the per-query lines rcodes and latency.
  dnsperf -s 127.0.0.1 -p "$PORT" -d "$QUERIES" -l 60 -Q "$QPS" -c 8 -v > "$OUT/minute$m.txt" 2>&1
  sent=$(awk '/Queries sent:/ {print $3}' "$OUT/minute$m.txt")
  lost=$(awk '/Queries lost:/ {print $3}' "$OUT/minute$m.txt")
  servfail=$(awk '$1 == ">" && $2 == "SERVFAIL" {n++} END {print n + 0}' "$OUT/minute$m.txt")
  read -r p50 p99 < <(awk '$1 == ">" {print $NF * 1000}' "$OUT/minute$m.txt" | sort -n |
    awk '{v[NR] = $1} END {if (NR) printf "%.3f %.3f\n", v[int(NR * 0.50) + 1], v[int(NR * 0.99) + 1]; else print "- -"}')
  rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' /proc/$SERVER/status)
  printf '%-6s %10s %8s %9s %9s %9s %9s\n' "$m" "$sent" "$lost" "$servfail" "$p50" "$p99" "$rss"
  rm -f "$OUT/minute$m.txt"
done
tail -1 "$OUT/server.log"
echo "# logs in $OUT"
