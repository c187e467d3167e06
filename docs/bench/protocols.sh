#!/usr/bin/env bash
# Deliberation protocols side by side (BENCHMARKS.md, "Deliberation protocols"): independent, debate:2, refine:2 and
# moa:2 under beta:0.95 and fixed, 1 and 5 agents, on the same seeds, on the SIMULATED engine (virtual clock, assumed
# dynamics). Writes DIR/bench.txt, DIR/bench.json and the HTML report in DIR/report (default DIR: target/protocols).
# Needs the CLI jar: mvn -B -q package -DskipTests. About 10 seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/protocols}
mkdir -p "$OUT"
ARGS=(bench --engine simulated --dataset inference-adapters/onnx-arithmetic/training/heldout-500.jsonl --agents 1,5
  --seed 7 --protocol independent,debate:2,refine:2,moa:2 --stop beta:0.95,fixed)
java -jar examples/target/contemplate.jar "${ARGS[@]}" --out "$OUT/report" > "$OUT/bench.txt"
java -jar examples/target/contemplate.jar "${ARGS[@]}" --json > "$OUT/bench.json"
echo "wrote $OUT"
