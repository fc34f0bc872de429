#!/usr/bin/env bash
# Runs every fuzz target of a SLUICE_FUZZ build for a set time, PARALLEL at a time, each starting
# from its committed corpus (fuzz/corpus/<target without _fuzzer>/) plus what earlier runs in that build
# directory found (<build>/fuzz-corpus/<target>/, where new inputs go).
#   fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [PARALLEL]
# A finding (crash, sanitizer report, leak, timeout, out of memory) is saved as
# <build>/fuzz-findings/<kind>-<hash> and the end of its log printed; the script then exits 1.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
build="$1"
seconds="$2"
parallel="${3:-2}"

if [ "$build" = --one ]; then  # one target: fuzz/run.sh --one BUILD_DIR SECONDS TARGET
  build="$2" seconds="$3" target="$4"
  cd "$(dirname "$self")/.."
  corpus="$build/fuzz-corpus/$target"
  log="$build/fuzz-logs/$target.log"
  mkdir -p "$corpus" "$build/fuzz-findings/$target"
  export UBSAN_OPTIONS=print_stacktrace=1
  if "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-findings/$target/" \
    "$corpus" "fuzz/corpus/${target%_fuzzer}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $target: ok, ${runs:-?} inputs in ${seconds} s"
    touch "$build/fuzz-logs/$target.ok"
  else
    echo "fuzz $target: FINDING, saved in $build/fuzz-findings/$target/; end of $log:"
    tail -n 40 "$log"
    exit 1
  fi
  exit 0
fi

build="$(realpath -m "$build")"
cd "$(dirname "$self")/.."
mkdir -p "$build/fuzz-logs"
rm -f "$build"/fuzz-logs/*.ok
targets=$(for source in fuzz/*_fuzzer.cc; do basename "$source" .cc; done)
total=$(echo "$targets" | wc -l)
status=0
echo "$targets" | xargs -P "$parallel" -I{} "$self" --one "$build" "$seconds" {} || status=$?
passed=$(find "$build/fuzz-logs" -name '*.ok' | wc -l)
echo "fuzz: $passed passed, $((total - passed)) failed"
exit "$status"
