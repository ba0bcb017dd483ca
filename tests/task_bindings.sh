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

# machine JSON-definition, then: name bindings input expected-exit expected-output-substring
machine() { printf '%s' "$1" > "$work/m.asl.json"; }
check() {
  local name=$1 binding=$2 input=$3 want_rc=$4 want=$5
  shift 5
  for mode in aot jit; do
    if [ $mode = aot ]; then
      "$aslc" "$work/m.asl.json" -o "$work/m" --task "$binding" "$@" 2>"$work/err" &&
        out=$("$work/m" --wait-scale 0 --input "$input" 2>>"$work/err")
      rc=$?
    else
      out=$("$aslc" run "$work/m.asl.json" --task "$binding" "$@" --wait-scale 0 \
            --input "$input" 2>"$work/err")
      rc=$?
    fi
    if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" <<<"$out"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL [$mode] $name: exit $rc, output: $out"; head -3 "$work/err"
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
state=$(process_state "$(cat "$work/child")")
if [ -n "$state" ] && [ "${state#Z}" = "$state" ]; then  # gone, or a zombie not yet reaped
  failed=$((failed + 1)); echo "FAIL exec_timeout_kills_group: the child survived"
else passed=$((passed + 1)); fi

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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
