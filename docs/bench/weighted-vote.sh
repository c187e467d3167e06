#!/usr/bin/env bash
# Weighted against plain majority votes on the demo model's 500 held-out questions (BENCHMARKS.md, "Weighted votes"):
# the same seeds give the same samples, so each pair of runs is paired. One JSON file per run in DIR (default:
# target/weighted-vote). Needs the CLI jar: mvn -B -q package -DskipTests. About 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/weighted-vote}
mkdir -p "$OUT"
J="java -jar examples/target/contemplate.jar"
H=inference-adapters/onnx-arithmetic/training/heldout-500.jsonl
for v in majority weighted weighted:lowest-group weighted:sequence; do
  $J bench --dataset $H --agents 1,3,5,9,15 --team mixed --stop fixed --seed 1 --vote $v --json > "$OUT/seed1-${v/:/-}.json"
done
for seed in 101 202 303 404 505; do
  for v in majority weighted; do
    $J bench --dataset $H --agents 3,5,9 --team mixed --stop fixed --seed $seed --vote $v --json > "$OUT/seed$seed-$v.json"
  done
done
echo "wrote $OUT"
