#!/bin/bash
# sqlite-start.sh - the benchmark harness's EXTRA_START for dnsd serving from a SQLite store, the
# way a server restarts: the zones are imported into the store once, and every start reads them
# from it (no zone file is parsed while the harness times the start).
#
#   SET=big BENCH_DIR=/tmp/dnsd-bench dnsd-bench/harness/sqlite-start.sh prepare   # once, not timed
#   EXTRA_START=$PWD/dnsd-bench/harness/sqlite-start.sh EXTRA_NAME=dnsd-sqlite ../shared/bench/loadtime.sh big
#
# The store of a zone set is $BENCH_DIR/data/run/$SET/dnsd-store.sqlite: beside the harness's
# RUNDIR, which it empties at every start. It is made again when zones.list is newer. A start that
# finds no store makes it first, inside the timed part, and says so in the server's log: run
# `prepare` before measuring.
#
# sqlite-jdbc's native library: by default the driver unpacks it from the jar into the temp dir
# and runs `uname -o` (its Termux check) at every start, 40-100 ms of CPU. `prepare` unpacks
# it once (glibc x86_64 only) into $BENCH_DIR/data/run/native-<driver version>/, and a start
# that finds that directory points the driver at it with its documented settings
# org.sqlite.lib.path and org.sqlite.lib.name, as an operator would.
#
# env: DNSD_JAR (default: this checkout's dnsd-server/target/dnsd.jar), DNSD_JAVA_OPTS (default:
# the flags BENCHMARKS.md gives for the runnable server), and the harness's PORT, ZONES_LIST,
# NTHREADS, RUNDIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jar=${DNSD_JAR:-$here/../../dnsd-server/target/dnsd.jar}
opts=${DNSD_JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx1g -Xmn8m -Xss256k -XX:TrimNativeHeapInterval=1000}

# import LIST DB: the zone files of LIST ("<zone.> <file>" lines) into a new store DB.
import() {
  local list=$1 db=$2
  rm -f "$db" "$db-wal" "$db-shm" "$db.lock"
  # shellcheck disable=SC2046 # one argument per zone file
  java -Xmx4g -jar "$jar" import --db "$db" $(cut -d' ' -f2 "$list") >&2
}

# fresh LIST DB: make DB from LIST unless it is there and newer.
fresh() {
  local list=$1 db=$2
  if [ ! -s "$db" ] || [ "$list" -nt "$db" ]; then
    import "$list" "$db"
  fi
}

# native DATA: the directory of the driver's library for this jar's sqlite-jdbc version.
native() {
  local version
  version=$(unzip -p "$jar" META-INF/maven/org.xerial/sqlite-jdbc/pom.properties | sed -n 's/^version=//p')
  echo "$1/run/native-$version"
}

if [ "${1:-}" = prepare ]; then
  data=${BENCH_DIR:?set BENCH_DIR as for the harness}/data
  zset=${SET:-std}
  mkdir -p "$data/run/$zset"
  fresh "$data/$zset/zones.list" "$data/run/$zset/dnsd-store.sqlite"
  if [ "$(uname -sm)" = "Linux x86_64" ] && ! ldd --version 2>&1 | grep -qi musl; then
    lib=$(native "$data")
    mkdir -p "$lib"
    unzip -o -q -j "$jar" org/sqlite/native/Linux/x86_64/libsqlitejdbc.so -d "$lib"
  fi
  echo "store ready: $data/run/$zset/dnsd-store.sqlite" >&2
  exit 0
fi

db=$(dirname "$RUNDIR")/dnsd-store.sqlite
if [ ! -s "$db" ] || [ "$ZONES_LIST" -nt "$db" ]; then
  echo "sqlite-start.sh: no store for this zone set yet: importing inside the timed start (run prepare first)" >&2
  import "$ZONES_LIST" "$db"
fi
lib=$(native "$(dirname "$(dirname "$(dirname "$RUNDIR")")")")
if [ -s "$lib/libsqlitejdbc.so" ]; then
  opts="$opts -Dorg.sqlite.lib.path=$lib -Dorg.sqlite.lib.name=libsqlitejdbc.so"
fi
# shellcheck disable=SC2086 # the options are words
exec java $opts -jar "$jar" --db "$db" --listen "127.0.0.1:$PORT" --threads "$NTHREADS"
