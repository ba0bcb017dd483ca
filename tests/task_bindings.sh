#!/usr/bin/env bash
# End-to-end tests of Task bindings through native executables and the JIT: exec commands
# (results, Lambda-style errors, non-JSON output, crashes, timeouts that kill the whole process
# group, heartbeats), HTTP endpoints on a local server, and Retry backoff in logical time.
set -uo pipefail
# The state letter of a process (R, S, Z...) from /proc, empty when it is gone.
process_state() { sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }
aslc=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
coproc SERVER { python3 "$here/tasks/http_server.py"; }
read -r port <&"${SERVER[0]}"
trap 'exec {SERVER[1]}>&-; rm -rf "$work"' EXIT
passed=0 failed=0

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Test $2: process $1 is gone (or a zombie not yet reaped).
gone() {
  local state
  state=$(process_state "$1")
  if [ -z "$state" ] || [ "${state#Z}" != "$state" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $2: process $1 survived"
  fi
}

# machine JSON-definition, then: name bindings input expected-exit expected-output-substring
# [more aslc options]. A run must end within $within_ms milliseconds (a hang is stopped).
machine() { printf '%s' "$1" > "$work/m.asl.json"; }
within_ms=60000
check() {
  local name=$1 binding=$2 input=$3 want_rc=$4 want=$5 t0 ms limit=$(( within_ms / 1000 + 2 ))
  shift 5
  for mode in aot jit; do
    if [ $mode = aot ]; then
      "$aslc" "$work/m.asl.json" -o "$work/m" --task "$binding" "$@" 2>"$work/err"
      t0=$(now_ms)
      out=$(timeout -k 1 "$limit" "$work/m" --wait-scale 0 --input "$input" 2>>"$work/err")
      rc=$?
    else
      t0=$(now_ms)
      out=$(timeout -k 1 "$limit" "$aslc" run "$work/m.asl.json" --task "$binding" "$@" \
            --wait-scale 0 --input "$input" 2>"$work/err")
      rc=$?
    fi
    ms=$(( $(now_ms) - t0 ))
    if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" <<<"$out" && [ "$ms" -le "$within_ms" ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL [$mode] $name: exit $rc after $ms ms, output: ${out:0:200}"; head -3 "$work/err"
    fi
  done
}

machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:work","TimeoutSeconds":2,"HeartbeatSeconds":1,"End":true}}}'
check exec_result 'work=exec:read x; echo "{\"got\": $x}"' '{"a":1}' 0 '{"got":{"a":1}}'
check exec_lambda_error 'work=exec:echo "{\"errorType\":\"Custom.Error\",\"errorMessage\":\"bad\"}" >&2; exit 1' '{}' 1 '{"Error":"Custom.Error","Cause":"bad"}'
check exec_plain_failure 'work=exec:echo oops >&2; exit 4' '{}' 1 'exited with status 4: oops'
check exec_not_json 'work=exec:echo hello' '{}' 1 'printed output that is not JSON'
check exec_output_not_utf8 'work=exec:printf "\"\\377\""' '{}' 1 'not JSON (line 1, column 2: invalid UTF-8 in string)'
check exec_stderr_not_utf8 'work=exec:printf "bad \\377\\n" >&2; exit 3' '{}' 1 $'exited with status 3: bad \xEF\xBF\xBD'
check exec_crash 'work=exec:kill -SEGV $$' '{}' 1 'killed by signal 11'
check exec_heartbeat_missed 'work=exec:sleep 5' '{}' 1 '"Error":"States.Timeout"'
check exec_heartbeats_keep_alive 'work=exec:for i in 1 2 3; do sleep 0.5; echo beat >&3; done; echo 7' '{}' 0 '7'

# a timeout kills the command's children too
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","TimeoutSeconds":1,"End":true}}}'
check exec_timeout_kills_group "work=exec:sleep 30 & echo \$! > $work/child; wait" '{}' 1 'did not finish within its TimeoutSeconds'
sleep 0.2
gone "$(cat "$work/child")" exec_timeout_kills_group
# the command closed every pipe but still runs: its TimeoutSeconds still applies
within_ms=4000
check exec_timeout_after_closing_pipes 'work=exec:exec <&- >&- 2>&- 3>&-; sleep 30' '{}' 1 'did not finish within its TimeoutSeconds'

# the task ends when the command exits, even when a background child holds its pipes (or
# has redirected them); what the command left running in its group is killed then
check exec_detached_child 'work=exec:(sleep 20 >/dev/null 2>&1 &); echo 2' '{}' 0 '2'
check exec_child_holds_pipes 'work=exec:(sleep 20 &); echo "{\"a\": 1}"' '{}' 0 '{"a":1}'
check exec_leftover_killed "work=exec:sleep 20 & echo \$! > $work/child; echo 3" '{}' 0 '3'
sleep 0.2
gone "$(cat "$work/child")" exec_leftover_killed
# endless output: stopped at the 64 MiB capture limit, the command killed
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}}'
within_ms=20000
check exec_endless_stdout 'work=exec:yes' '{}' 1 'wrote more output than 64 MiB'
check exec_endless_stderr 'work=exec:yes >&2' '{}' 1 'wrote more output than 64 MiB'

# the execution's TimeoutSeconds interrupts every wait of a Task: exit 3, the group killed
machine '{"TimeoutSeconds":1,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","TimeoutSeconds":10,"HeartbeatSeconds":5,"End":true}}}'
within_ms=3000
check deadline_stops_exec "work=exec:sleep 30 & echo \$! > $work/child; wait" '{}' 3 '{"Error":"States.Timeout"}'
sleep 0.2
gone "$(cat "$work/child")" deadline_stops_exec
check deadline_stops_http "work=http://127.0.0.1:$port/slow" '{}' 3 '{"Error":"States.Timeout"}'
# a failing sibling branch drops a request in flight (libcurl's progress callback, ~1 s)
machine '{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"H","States":{"H":{"Type":"Task","Resource":"work","End":true}}},{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":0,"Next":"F"},"F":{"Type":"Fail","Error":"Sibling","Cause":"failed"}}}],"End":true}}}'
check sibling_failure_stops_http "work=http://127.0.0.1:$port/slower" '{}' 1 '{"Error":"Sibling","Cause":"failed"}'
machine '{"TimeoutSeconds":1,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"MaxAttempts":100}],"End":true}}}'
check deadline_stops_retrying 'work=exec:sleep 0.3; exit 1' '{}' 3 '{"Error":"States.Timeout"}'
machine '{"TimeoutSeconds":1,"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}},"End":true}}}'
check deadline_stops_map_iterations 'work=exec:sleep 30' '{"items":[1,2,3]}' 3 '{"Error":"States.Timeout"}'
# a C handler cannot be interrupted, but no state runs after it past the deadline
machine '{"TimeoutSeconds":1,"StartAt":"C","States":{"C":{"Type":"Task","Resource":"work","Next":"T"},"T":{"Type":"Task","Resource":"touch","End":true}}}'
check deadline_after_c_handler 'work=c:slow' '{}' 3 '{"Error":"States.Timeout"}' \
  --link "$here/tasks/slow_handler.c" --task "touch=exec:touch $work/ran"
if [ -e "$work/ran" ]; then
  failed=$((failed + 1)); echo "FAIL deadline_after_c_handler: the next state ran"
else passed=$((passed + 1)); fi
within_ms=60000

machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","TimeoutSecondsPath":"$.t","End":true}}}'
check timeout_seconds_path_invalid 'work=exec:echo 1' '{"t":0}' 1 'TimeoutSecondsPath field refers to value'

machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","TimeoutSeconds":1,"End":true}}}'
check http_result "work=http://127.0.0.1:$port/echo" '{"a":[1,2]}' 0 '{"echo":{"a":[1,2]}}'
check http_function_error "work=http://127.0.0.1:$port/fail" '{}' 1 '{"Error":"Remote.Failure","Cause":"it broke"}'
check http_status_error "work=http://127.0.0.1:$port/error" '{}' 1 'HTTP status 500'
check http_not_json "work=http://127.0.0.1:$port/notjson" '{}' 1 'is not JSON'
check http_not_utf8 "work=http://127.0.0.1:$port/notutf8" '{}' 1 'is not JSON (invalid UTF-8 in string)'
check http_timeout "work=http://127.0.0.1:$port/slow" '{}' 1 '"Error":"States.Timeout"'
check http_refused "work=http://127.0.0.1:1/echo" '{}' 1 'The request to http://127.0.0.1:1/echo failed'

# Retry backoff runs on the logical clock: waits of 2 s and 4 s pass TimeoutSeconds 5
machine '{"TimeoutSeconds":5,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","Retry":[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":2,"BackoffRate":2,"MaxAttempts":2}],"End":true}}}'
check retry_backoff_times_out 'work=exec:exit 1' '{}' 3 '"Error":"States.Timeout"'
# States.Runtime is never retried nor caught
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","OutputPath":"$.missing","Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Succeed"}}}'
check runtime_error_not_caught 'work=exec:echo {}' '{}' 1 '"Error":"States.Runtime"'
# States.TaskFailed does not match a timeout; the catcher's ResultPath merges into the raw input
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","TimeoutSeconds":1,"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"F"},{"ErrorEquals":["States.Timeout"],"ResultPath":"$.err","Next":"C"}],"End":true},"F":{"Type":"Fail"},"C":{"Type":"Succeed"}}}'
check timeout_caught_separately 'work=exec:sleep 5' '{"k":1}' 0 '{"k":1,"err":{"Error":"States.Timeout"'
# no binding at all
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}}'
check unbound_resource 'other=exec:true' '{}' 1 "No binding for the resource 'work'"

# a command closing its stdin before reading a large input: the write's SIGPIPE is absorbed
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}}'
within_ms=5000
check exec_closes_stdin 'work=exec:exec <&-; sleep 0.2; echo 1' "\"$(head -c 100000 /dev/zero | tr '\0' a)\"" 0 1
within_ms=60000

# SIGPIPE stays the program's: after an exec task a closed stdout still ends the machine by
# SIGPIPE, as it does without a task; with SIGPIPE ignored the failed write is exit 5
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"work","End":true}}}'
printf '{"s":"%s"}' "$(head -c 200000 /dev/zero | tr '\0' a)" > "$work/big.json"  # > a pipe
"$aslc" "$work/m.asl.json" -o "$work/m" --task 'work=exec:cat'
for mode in aot jit; do
  run=("$work/m")
  [ $mode = jit ] && run=("$aslc" run "$work/m.asl.json" --task 'work=exec:cat')
  "${run[@]}" < "$work/big.json" | head -c1 >/dev/null
  rc=${PIPESTATUS[0]}
  (trap '' PIPE; "${run[@]}" < "$work/big.json" 2>"$work/err" | head -c1 >/dev/null
   exit "${PIPESTATUS[0]}")
  rc_ignored=$?
  if [ "$rc" = 141 ] && [ "$rc_ignored" = 5 ] && grep -q 'cannot write the output' "$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL [$mode] sigpipe_untouched: exit $rc (want 141), with SIGPIPE ignored $rc_ignored (want 4)"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
