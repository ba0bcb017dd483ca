#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz and runs each for SECONDS on a
# corpus seeded from tests/ and examples/ (build-fuzz/corpus/TARGET, kept between runs). Prints
# each target's executions and coverage; a crash, leak, sanitizer report or timeout leaves its
# reproducer in build-fuzz/crashes/TARGET/ and makes the exit status 1.
# Usage: tools/fuzz.sh SECONDS [TARGET...]   (targets: json frontend machines)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: tools/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json frontend machines)
build=build-fuzz

# libFuzzer comes with clang's compiler-rt (Debian: libclang-rt-dev); without it, skip
cc=${FUZZ_CC:-clang}
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
	>"$probe/probe.c"
if ! command -v "$cc" >/dev/null; then
	echo "SKIPPED fuzzing: $cc not found (install clang and libclang-rt-dev)"
	exit 0
fi
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" \
	2>"$probe/err"; then
	echo "SKIPPED fuzzing: $cc cannot build with -fsanitize=fuzzer (libclang-rt-dev missing?):"
	sed 's/^/  /' "$probe/err" | head -5
	exit 0
fi

CC=$cc cmake -S . -B "$build" -DASLC_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >"$build/build.log" 2>&1 ||
	{ tail -30 "$build/build.log"; exit 2; }
tools/fuzz_corpus.py "$build/corpus"

# a generous -timeout: the JSON parser is known to be quadratic on some deeply bracketed
# inputs (being fixed); a real hang still shows
declare -A max_len=([json]=8192 [frontend]=16384 [machines]=4096)
status=0 passed=0 failed=0
for t in "${targets[@]}"; do
	crashes="$build/crashes/$t"
	mkdir -p "$crashes"
	log="$build/fuzz-$t.log"
	rc=0
	start=$SECONDS
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		"$build/fuzz/fuzz_$t" "$build/corpus/$t" -max_total_time="$seconds" \
		-max_len="${max_len[$t]}" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
		-close_fd_mask=3 -artifact_prefix="$crashes/" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
	printf 'fuzz_%-9s %ss: %s executions, cov: %s ft: %s corpus: %s\n' "$t" "$((SECONDS - start))" \
		"${execs:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		status=1 failed=$((failed + 1))
		echo "  CRASH (exit $rc), log $log:"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|^fuzz_[a-z]+:|ALARM|Test unit written' \
			"$log" | head -10 | sed 's/^/    /'
		sed -n 's/.*Test unit written to \(.*\)/  reproducer: \1/p' "$log"
		echo "  replay: $build/fuzz/fuzz_$t REPRODUCER"
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
