#!/usr/bin/env bash
# signed-set.sh - makes the harness's "signed" zone set from its "std" set: every one of the 200
# zones signed by dnssec-signzone as an operator of BIND, NSD or Knot would sign it offline (one
# ECDSAP256SHA256 key per zone used as a CSK, NSEC, dnssec-signzone's default validity of 30
# days), so that run.sh can measure DO=1 queries against every server on the same signed zones.
#
#   BENCH_DIR=/tmp/dnsd-bench dnsd-bench/harness/signed-set.sh
#   SET=signed DNSPERF_OPTS='-c 8 -T 1 -q 200 -D' ./run.sh bind nsd knot extra   # see BENCHMARKS.md
#
# Writes, replacing what was there:
#   $BENCH_DIR/data/signed/zones/ORIGIN.zone   the signed zones, one record per line
#   $BENCH_DIR/data/signed/zones.list          "ORIGIN. /absolute/path" lines, as std's
#   $BENCH_DIR/data/signed/keys/               the keys (K*.key, K*.private), outside zones/ so that
#                                              a server given the zone directory never sees them
# Needs bind9-utils (dnssec-keygen, dnssec-signzone); checks every signed zone with dnssec-verify.
set -euo pipefail
: "${BENCH_DIR:?set BENCH_DIR to the directory of the harness data, as for run.sh}"
STD=$BENCH_DIR/data/std
OUT=$BENCH_DIR/data/signed
for tool in dnssec-keygen dnssec-signzone dnssec-verify; do
  command -v "$tool" > /dev/null || { echo "signed-set.sh needs $tool (apt-get install bind9-utils)" >&2; exit 2; }
done
[ -s "$STD/zones.list" ] || { echo "no $STD/zones.list: run the harness's setup.sh first" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT/zones" "$OUT/keys"
chmod 700 "$OUT/keys"
n=0
while read -r zone file; do
  signed=$OUT/zones/$(basename "$file")
  # -f KSK: the key's DNSKEY has the SEP flag (257), as a CSK's; -z: it signs every RRset too.
  dnssec-keygen -q -K "$OUT/keys" -a ECDSAP256SHA256 -f KSK "$zone" > /dev/null
  # -S: the key is found in keys/ and its DNSKEY added to the zone; -O full: one record per line.
  # -d: its dsset- file (the DS for a parent) goes beside the keys, not into the working directory.
  dnssec-signzone -q -S -z -K "$OUT/keys" -d "$OUT/keys" -o "$zone" -O full -f "$signed" "$file" > /dev/null
  # -z: a key with the SEP flag may sign the data, as a CSK does.
  dnssec-verify -q -z -o "$zone" "$signed" > /dev/null 2>&1 \
    || { echo "dnssec-verify rejects $signed:" >&2; dnssec-verify -z -o "$zone" "$signed" >&2; exit 1; }
  echo "$zone $signed"
  n=$((n + 1))
done < "$STD/zones.list" > "$OUT/zones.list"
sigs=$(awk '$4 == "RRSIG"' "$OUT"/zones/*.zone | wc -l)
echo "signed $n zones into $OUT/zones ($sigs RRSIGs), keys in $OUT/keys"
