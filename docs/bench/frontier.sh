#!/usr/bin/env bash
# The accuracy-latency frontier of the embedded engine (BENCHMARKS.md, "Accuracy-latency frontier"): one JSON file
# per run in DIR (default: target/frontier), with the HTML reports and frontier charts of the two team kinds.
# Needs the CLI jar: mvn -B -q package -DskipTests. About 8 minutes on 2 cores; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/frontier}
mkdir -p "$OUT"
J="java -jar examples/target/contemplate.jar"
T=inference-adapters/onnx-arithmetic/training
H=$T/heldout-500.jsonl
ALL=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
# the issue's measurement: the default team and rule, as a user meets them
$J bench --dataset $H --agents 1,8,9 --json > "$OUT/default.json"
# the frontier per team kind: every agent count side by side, all agents counted (fixed rule)
$J bench --dataset $H --agents $ALL --team mixed --stop fixed --seed 1 --out "$OUT/mixed" --json > "$OUT/mixed.json"
$J bench --dataset $H --agents $ALL --team forward --stop fixed --seed 1 --out "$OUT/clones" --json > "$OUT/clones.json"
# levers: two decoding loops; the weighted vote
$J bench --dataset $H --agents 1,8,9 --decode-loops 2 --json > "$OUT/default-2-loops.json"
$J bench --dataset $H --agents 1,5,9 --vote weighted --json > "$OUT/default-weighted.json"
# the corners of the question family, one agent and the default team
for s in small mixed large low-result high-result; do
  $J bench --dataset $T/heldout-strata/$s.jsonl --agents 1,9 --stop fixed --seed 1 --json > "$OUT/strata-$s.json"
done
echo "wrote $OUT"
