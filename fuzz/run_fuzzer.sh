#!/usr/bin/env bash
# Runs one libFuzzer binary for SECONDS over its checked-in seeds and regression inputs.
#   fuzz/run_fuzzer.sh FUZZER NAME FUZZ_SRC_DIR WORK_DIR SECONDS [libFuzzer flags...]
# New interesting inputs go to WORK_DIR/corpus/NAME (never into the source tree); a finding is
# saved as WORK_DIR/findings/NAME/crash-*, leak-*, timeout-* or oom-*, and the run fails naming it.
# Limits: 2 GiB of RSS, 10 s per input. A finding exits 1 (libFuzzer's own 77 is what CTest
# reads as "skipped", the code this script uses for a fuzzer that was not built).
set -euo pipefail
fuzzer=$1 name=$2 src=$3 work=$4 seconds=$5
shift 5
if [ ! -x "$fuzzer" ]; then
  echo "$fuzzer: not built (fuzz.libfuzzer.build builds it; it was skipped or failed)"
  exit 77
fi
mkdir -p "$work/corpus/$name" "$work/findings/$name"
dirs=("$src/corpus/$name")
[ -d "$src/regressions/$name" ] && dirs+=("$src/regressions/$name")
dict=()
[ -f "$src/dict/$name.dict" ] && dict=("-dict=$src/dict/$name.dict")
set +e
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$work/findings/$name/" "${dict[@]}" "$@" \
  "$work/corpus/$name" "${dirs[@]}"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "FINDING in $name: see the report above; input saved under $work/findings/$name/"
  echo "replay it: $fuzzer <file>   (keep it as a regression: copy it to fuzz/regressions/$name/)"
fi
exit $status
