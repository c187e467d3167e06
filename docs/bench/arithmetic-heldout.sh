#!/usr/bin/env bash
# Every held-out accuracy number of BENCHMARKS.md ("Accuracy of contemplation on the demo model"), one JSON
# file per run in DIR (default: target/arithmetic-heldout), plus the mixed team's HTML report.
# Needs the CLI jar: mvn -B -q package -DskipTests. About 4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/arithmetic-heldout}
mkdir -p "$OUT"
J="java -jar examples/target/contemplate.jar"
H=inference-adapters/onnx-arithmetic/training/heldout-500.jsonl
for s in L B M C D E F G H; do
  $J bench --dataset $H --agents 1 --team $s --temperature 0 --json > "$OUT/greedy-$s.json"
done
$J bench --dataset $H --agents 1,3,5,9,15 --team forward --stop fixed --seed 1 --json > "$OUT/clones-forward.json"
$J bench --dataset $H --agents 1,3,5,9,15 --team mixed --stop fixed --seed 1 --out "$OUT/mixed-report" --json > "$OUT/mixed.json"
for seed in 101 202 303 404 505; do
  $J bench --dataset $H --agents 9 --team mixed --stop fixed --seed $seed --json > "$OUT/mixed9-seed$seed.json"
done
$J bench --dataset $H --agents 15 --team mixed --stop beta:0.95,esc:5,unassailable,fixed --seed 1 --json > "$OUT/rules.json"
$J bench --dataset $H --agents 15 --team mixed --stop esc:5 --waves 5 --seed 1 --json > "$OUT/esc-waves.json"
$J bench --dataset $H --agents 15 --team mixed --stop beta:0.95 --mode auto --seed 1 --json > "$OUT/auto-beta.json"
echo "wrote $OUT"
