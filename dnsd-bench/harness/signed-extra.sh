#!/usr/bin/env bash
# signed-extra.sh presigned|signing - dnsd as the harness's "extra" server for the signed set
# (signed-set.sh), to be named by EXTRA_START (see BENCHMARKS.md):
#
#   presigned  dnsd serves the zones dnssec-signzone signed ($ZONES_DIR, the signed set) as they
#              are: the RRSIGs and NSEC chain of the files, as NSD, Knot and BIND serve them.
#   signing    dnsd signs the unsigned zones of the std set itself at start (--dnssec ZONE for each
#              zone of $ZONES_LIST: a generated ECDSAP256SHA256 CSK, NSEC), then serves them; the
#              harness counts the signing in the time to ready.
#
# Environment from the harness: PORT, ZONES_LIST, ZONES_DIR, NTHREADS. Others: DNSD_JAR (default:
# this repository's dnsd-server/target/dnsd.jar), JAVA (java), JAVA_OPTS (the flags of
# BENCHMARKS.md's "JVM flags, and why").
set -euo pipefail
: "${PORT:?run by the harness (EXTRA_START), which sets PORT, ZONES_LIST, ZONES_DIR and NTHREADS}"
HERE=$(cd "$(dirname "$0")" && pwd)
DNSD_JAR=${DNSD_JAR:-$HERE/../../dnsd-server/target/dnsd.jar}
JAVA=${JAVA:-java}
read -r -a OPTS <<< "${JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx1g -Xmn8m -Xss256k -XX:TrimNativeHeapInterval=1000}"
[ -f "$DNSD_JAR" ] || { echo "no $DNSD_JAR: build it (mvn -B -q -DskipTests package) or set DNSD_JAR" >&2; exit 2; }
case ${1:-} in
  presigned)
    exec "$JAVA" "${OPTS[@]}" -jar "$DNSD_JAR" --memory --zones "$ZONES_DIR" \
      --listen "127.0.0.1:$PORT" --threads "$NTHREADS" ;;
  signing)
    # The unsigned files of the std set beside this set: data/signed/zones -> data/std/zones.
    std=$(dirname "$(dirname "$ZONES_DIR")")/std/zones
    [ -d "$std" ] || { echo "no $std: the signing mode signs the std set's zones" >&2; exit 2; }
    sign=()
    while read -r zone _; do sign+=(--dnssec "$zone"); done < "$ZONES_LIST"
    exec "$JAVA" "${OPTS[@]}" -jar "$DNSD_JAR" --memory --zones "$std" "${sign[@]}" \
      --listen "127.0.0.1:$PORT" --threads "$NTHREADS" ;;
  *)
    echo "usage: EXTRA_START='exec $0 presigned|signing' SET=signed ./run.sh ..." >&2; exit 2 ;;
esac
