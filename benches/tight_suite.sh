#!/usr/bin/env bash
# The suite of tight matching instances of BENCHMARKS.md ("Eighth round"): compares builds of
# the `matchbench` example over twelve instances, so that a change is judged by its effect
# across shapes rather than on one instance whose time depends on where ties fall.
#
# usage: benches/tight_suite.sh BIN [BIN ...]
#   BIN: `matchbench` binaries (`cargo build --release --example matchbench`, then copy
#   `target/release/examples/matchbench` aside for each build). Every instance is solved by
#   each binary in turn, REPS times; the best time of each is kept. The first binary is the
#   baseline of the geometric-mean ratios printed at the end.
#
# Environment: BENCH, the benchmark kit's directory (default ../shared/bench); PY, a Python
# with its requirements (default python3); INST, where the instances are generated once
# (default /tmp/inst); REPS (default 2).
set -euo pipefail

[ $# -ge 1 ] || { sed -n '6,11p' "$0"; exit 2; }
BENCH=${BENCH:-../shared/bench}
PY=${PY:-python3}
INST=${INST:-/tmp/inst}
REPS=${REPS:-2}
mkdir -p "$INST"

# name, then the generator's arguments (all `gen.py sparse`; every instance is tight:
# capacity equals the slots, except c3_12, where 371 slots stay unfilled).
SUITE=(
  "u40_11 --vols 40000 --shifts 8000 --slots 5 --k 30 --seed 11"
  "c3_12 --vols 20000 --shifts 3000 --slots 20 --k 40 --cap 3 --seed 12"
  "w50_13 --vols 50000 --shifts 5000 --slots 10 --k 70 --seed 13"
  "s30k --vols 30000 --shifts 3000 --slots 10 --k 50 --seed 2"
  "t30_3 --vols 30000 --shifts 3000 --slots 10 --k 50 --seed 3"
  "t30_4 --vols 30000 --shifts 3000 --slots 10 --k 50 --seed 4"
  "t30_5 --vols 30000 --shifts 3000 --slots 10 --k 50 --seed 5"
  "t30_6 --vols 30000 --shifts 3000 --slots 10 --k 50 --seed 6"
  "t60_7 --vols 60000 --shifts 6000 --slots 10 --k 50 --seed 7"
  "c25_8 --vols 25000 --shifts 5000 --slots 10 --k 50 --cap 2 --seed 8"
  "c2 --vols 50000 --shifts 10000 --slots 10 --k 50 --cap 2 --seed 2"
  "s100k --vols 100000 --shifts 10000 --slots 10 --k 50 --seed 1"
)

for entry in "${SUITE[@]}"; do
  read -r name args <<<"$entry"
  if [ ! -f "$INST/$name.txt" ]; then
    # shellcheck disable=SC2086 # the arguments are meant to split
    "$PY" "$BENCH/gen.py" sparse $args --out "$INST/$name.txt" >/dev/null
  fi
done

# One line per run: instance, binary, solve time, objective.
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for entry in "${SUITE[@]}"; do
  read -r name _ <<<"$entry"
  for _rep in $(seq "$REPS"); do
    for bin in "$@"; do
      line=$("$bin" "$INST/$name.txt" | tail -n 1)
      solve=$(sed -E 's/.*"solve_s": ([0-9.]+).*/\1/' <<<"$line")
      objective=$(sed -E 's/.*"objective": (-?[0-9]+).*/\1/' <<<"$line")
      echo "$name $bin $solve $objective" >>"$runs"
    done
  done
done

awk -v first="$1" '
  {
    key = $1 SUBSEP $2
    if (!(key in best) || $3 < best[key]) best[key] = $3
    if (!($1 in objective)) objective[$1] = $4
    else if (objective[$1] != $4) objective[$1] = "MISMATCH"
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    if (!($2 in bseen)) { bseen[$2] = 1; bins[++m] = $2 }
  }
  END {
    for (i = 1; i <= n; i++) {
      line = sprintf("%-8s", order[i])
      for (j = 1; j <= m; j++) line = line sprintf("  %s=%.3f", bins[j], best[order[i], bins[j]])
      print line "  objective " objective[order[i]]
    }
    for (j = 2; j <= m; j++) {
      s = 0
      for (i = 1; i <= n; i++) s += log(best[order[i], bins[j]] / best[order[i], first])
      printf "%s / %s: geometric mean of the time ratios %.3f\n", bins[j], first, exp(s / n)
    }
  }' "$runs"
