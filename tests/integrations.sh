#!/usr/bin/env bash
# End-to-end tests of the built-in service integrations, through native executables and the JIT:
# lambda:invoke (FunctionName resolved to its binding, Lambda's response shape, function errors),
# http:invoke against a local server (query, JSON and form bodies, headers, a 404, a timeout),
# and states:startExecution (request-response, .sync, .sync:2) of machines compiled in with
# --machine NAME=FILE; a binding of the exact resource wins over an integration.
set -uo pipefail
aslc=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
coproc SERVER { python3 "$here/tasks/echo_request_server.py"; }
read -r port <&"${SERVER[0]}"
trap 'exec {SERVER[1]}>&-; rm -rf "$work"' EXIT
passed=0 failed=0

machine() { printf '%s' "$1" > "$work/m.asl.json"; }
# check NAME INPUT EXPECTED-EXIT EXPECTED-SUBSTRING... -- [aslc options]: every substring must
# be in the output, in both modes.
check() {
  local name=$1 input=$2 want_rc=$3 out rc ok
  shift 3
  local wants=()
  while [ "$1" != -- ]; do wants+=("$1"); shift; done
  shift
  for mode in aot jit; do
    if [ $mode = aot ]; then
      "$aslc" "$work/m.asl.json" -o "$work/m" "$@" 2>"$work/err"
      out=$(timeout 60 "$work/m" --wait-scale 0 --input "$input" 2>>"$work/err")
    else
      out=$(timeout 60 "$aslc" run "$work/m.asl.json" "$@" --wait-scale 0 --input "$input" \
            2>"$work/err")
    fi
    rc=$?
    ok=1
    [ "$rc" = "$want_rc" ] || ok=0
    for w in "${wants[@]}"; do grep -qF -- "$w" <<<"$out" || ok=0; done
    if [ $ok = 1 ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL [$mode] $name: exit $rc, output: ${out:0:400}"; head -3 "$work/err"
    fi
  done
}

double='exec:python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({\"y\": d[\"x\"] * 2}))"'

# ---- lambda:invoke ----
lambda() { # FunctionName, then the state's extra members
  machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"'"$1"'","Payload":{"x.$":"$.x"}}'"${2:-}"',"End":true}}}'
}
lambda double
check lambda_by_name '{"x":4}' 0 '"ExecutedVersion":"$LATEST","Payload":{"y":8},"SdkHttpMetadata":{"AllHttpHeaders":{"X-Amz-Executed-Version":["$LATEST"]' \
  '"HttpHeaders":{"Connection":"keep-alive","Content-Length":"7","Content-Type":"application/json"' \
  '"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"' '"StatusCode":200}' -- --task "double=$double"
lambda 'arn:aws:lambda:us-east-1:123456789012:function:double:7'
check lambda_by_qualified_arn '{"x":1}' 0 '"ExecutedVersion":"7","Payload":{"y":2}' -- --task "double=$double"
lambda 'double:prod'
check lambda_by_partial_arn '{"x":2}' 0 '"ExecutedVersion":"$LATEST","Payload":{"y":4}' -- \
  --task "arn:aws:lambda:us-east-1:1:function:double=$double"
# a binding of the function wins over one of the resource, which is the fallback (raw result)
check lambda_function_binding_first '{"x":3}' 0 '"Payload":{"y":6}' -- --task "double=$double" \
  --task 'arn:aws:states:::lambda:invoke=exec:echo "{\"generic\":true}"'
lambda other
check lambda_resource_binding_fallback '{"x":3}' 0 '{"generic":true}' -- --task "double=$double" \
  --task 'arn:aws:states:::lambda:invoke=exec:echo "{\"generic\":true}"'
check lambda_unbound_function '{"x":3}' 1 "No binding for the function 'other'" -- --task "double=$double"
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}'
check lambda_payload_absent_is_empty_object '{}' 0 '"Payload":{"got":{}}' -- --task 'f=exec:read x; echo "{\"got\": $x}"'
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":7},"End":true}}}'
check lambda_bad_function_name '{}' 1 '"Error":"Lambda.InvalidParameterValueException"' -- --task 'f=exec:true'
# a function error: the errorType, and Lambda's error payload as the cause; Catch sees it so
lambda double ',"Catch":[{"ErrorEquals":["ValueError"],"Next":"Caught"}],"Next":"Done"},"Done":{"Type":"Succeed"},"Caught":{"Type":"Pass"'
check lambda_function_error_caught '{"x":1}' 0 '"Error":"ValueError","Cause":"{\"errorMessage\":\"bad x\",\"errorType\":\"ValueError\"}"' -- \
  --task 'double=exec:echo "{\"errorType\":\"ValueError\",\"errorMessage\":\"bad x\"}"; exit 1'
lambda double
check lambda_states_errors_stay '{"x":1}' 1 '"Error":"States.TaskFailed","Cause":"The command of' -- --task 'double=exec:exit 3'
# waitForTaskToken: what the function returns is the task's output; an exact binding wins
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"double","Payload":{"x.$":"$.x","token.$":"$$.Task.Token"}},"End":true}}}'
check lambda_callback_output '{"x":5}' 0 '{"y":10}' -- --task "double=$double"
check lambda_callback_exact_binding_wins '{"x":5}' 0 '{"exact":true}' -- --task "double=$double" \
  --task 'arn:aws:states:::lambda:invoke.waitForTaskToken=exec:echo "{\"exact\":true}"'

# ---- http:invoke ----
url="http://127.0.0.1:$port"
http() { # the Parameters' other members
  machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint.$":"$.url","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:1:connection/c/1"}'"$1"'},"End":true}}}'
}
http ',"Method":"GET","Headers":{"X-Token":"t1"},"QueryParameters":{"q":"a b&c","n":[1,2]}'
check http_get_with_query "{\"url\":\"$url/items\"}" 0 '"ResponseBody":{"method":"GET","path":"/items?q=a%20b%26c&n=1&n=2","body":"","contentType":null,"token":"t1"}' \
  '"Headers":{' '"X-Reply":["one","two"]' '"Content-Type":["application/json"]' '"StatusCode":200,"StatusText":"OK"}' --
http ',"Method":"POST","Headers":{"X-Token":"t2"},"RequestBody":{"k":[1,"two"],"n":null}'
check http_post_json_body "{\"url\":\"$url/items?v=1\"}" 0 '"method":"POST","path":"/items?v=1","body":"{\"k\":[1,\"two\"],\"n\":null}","contentType":"application/json","token":"t2"' --
http ',"Method":"PUT","RequestBody":{"a":"x y","b":[1,2]},"Transformations":{"RequestBodyEncoding":"URL_ENCODED"}'
check http_form_body "{\"url\":\"$url/form\"}" 0 '"method":"PUT","path":"/form","body":"a=x%20y&b=1&b=2","contentType":"application/x-www-form-urlencoded"' --
http ',"Method":"GET"'
check http_text_response "{\"url\":\"$url/text\"}" 0 '"ResponseBody":"plain words"' --
check http_404_fails "{\"url\":\"$url/missing\"}" 1 '"Error":"States.Http.StatusCode.404"' '\"StatusCode\":404,\"StatusText\":\"Not Found\"' --
check http_no_server '{"url":"http://127.0.0.1:1/x"}' 1 '"Error":"States.Http.Socket"' --
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","TimeoutSeconds":1,"Parameters":{"ApiEndpoint.$":"$.url","Method":"GET"},"End":true}}}'
check http_timeout "{\"url\":\"$url/slow\"}" 1 '"Error":"States.Timeout"' --
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"Method":"GET"},"End":true}}}'
check http_missing_endpoint '{}' 1 'The ApiEndpoint of' --
http ',"Method":"GET","Headers":{"X-Token.$":"$.token"}'
check http_header_line_break "{\"url\":\"$url/x\",\"token\":\"a\\r\\nX-Evil: 1\"}" 1 'has an empty name, a colon or a line break' --
http ',"Method":"GET /x HTTP/1.1"'
check http_bad_method "{\"url\":\"$url/x\"}" 1 'is not an HTTP method' --

# ---- states:startExecution ----
cat > "$work/child.asl.json" <<'JSON'
{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.fail","BooleanEquals":true,"Next":"F"}],"Default":"P"},
 "P":{"Type":"Pass","Parameters":{"doubled.$":"States.MathAdd($.n, $.n)","machine.$":"$$.StateMachine.Name","execution.$":"$$.Execution.Name"},"End":true},
 "F":{"Type":"Fail","Error":"Child.Broke","Cause":"it broke"}}}
JSON
arn='arn:aws:states:us-east-1:123456789012:stateMachine:Child'
start() { # the resource's suffix, then the Input member
  machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution'"$1"'","Parameters":{"StateMachineArn":"'"$arn"'","Name":"run-1","Input":'"$2"'},"End":true}}}'
}
nested=(--machine "Child=$work/child.asl.json")
start '' '{"n.$":"$.n","fail.$":"$.fail"}'
check start_request_response '{"n":4,"fail":false}' 0 '{"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:Child:run-1","StartDate":' -- "${nested[@]}"
start .sync '{"n.$":"$.n","fail.$":"$.fail"}'
check start_sync '{"n":4,"fail":false}' 0 '"Input":"{\"n\":4,\"fail\":false}","InputDetails":{"Included":true},"Name":"run-1","Output":"{\"doubled\":8,\"machine\":\"Child\",\"execution\":\"run-1\"}","OutputDetails":{"Included":true},"StartDate":' \
  "\"StateMachineArn\":\"$arn\",\"Status\":\"SUCCEEDED\",\"StopDate\":" -- "${nested[@]}"
check start_sync_child_failed '{"n":4,"fail":true}' 1 '"Error":"States.TaskFailed","Cause":"{\"Cause\":\"it broke\",\"Error\":\"Child.Broke\",\"ExecutionArn\":' '\"Status\":\"FAILED\"' -- "${nested[@]}"
start .sync:2 '"{\"n\": 21, \"fail\": false}"'
check start_sync2_string_input '{}' 0 '"Input":{"n":21,"fail":false},"InputDetails":{"Included":true},"Name":"run-1","Output":{"doubled":42,"machine":"Child","execution":"run-1"}' -- "${nested[@]}"
check start_unknown_machine '{}' 1 '"Error":"StepFunctions.StateMachineDoesNotExistException"' --
check start_exact_binding_wins '{}' 0 '{"bound":true}' -- "${nested[@]}" \
  --task 'arn:aws:states:::states:startExecution.sync:2=exec:echo "{\"bound\":true}"'
# a machine that starts itself ends at the nesting limit, not in a crash
cat > "$work/self.asl.json" <<JSON
{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:Self"},"End":true}}}
JSON
cp "$work/self.asl.json" "$work/m.asl.json"
check start_nesting_limit '{}' 1 'nest executions more than 10 deep' -- --machine "Self=$work/self.asl.json"

# --machine's own errors: exit 2 with a message, before anything is built or run
usage() { # name, expected message, aslc arguments
  local name=$1 want=$2 rc
  shift 2
  "$aslc" "$@" >/dev/null 2>"$work/err"
  rc=$?
  if [ $rc = 2 ] && grep -qF -- "$want" "$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc"; head -3 "$work/err"
  fi
}
usage machine_bad_name "expected NAME=FILE" "$work/m.asl.json" -o "$work/x" --machine 'bad name=x.json'
usage machine_missing_file "cannot open" "$work/m.asl.json" -o "$work/x" --machine "Self=$work/none.json"
usage machine_missing_file_jit "cannot open" run "$work/m.asl.json" --machine "Self=$work/none.json" --input '{}'
usage machine_with_emit_c "--machine goes with a build" --emit-c "$work/m.asl.json" --machine "Self=$work/self.asl.json"
printf '{"StartAt":"X","States":{}}' > "$work/bad.asl.json"
usage machine_invalid_definition "bad.asl.json:1:" "$work/m.asl.json" -o "$work/x" --machine "Bad=$work/bad.asl.json"

# SIGTERM stops the execution inside an integration at once: an HTTP request, a nested child
stopped() { # name, input, aslc arguments: exit 6 within 2.5 s of a SIGTERM sent after 0.5 s
  local name=$1 input=$2 t0 ms rc
  shift 2
  "$aslc" "$work/m.asl.json" -o "$work/m" "$@" 2>"$work/err"
  t0=$(date +%s%N)
  "$work/m" --input "$input" >/dev/null 2>>"$work/err" &
  local pid=$!
  sleep 0.5
  kill -TERM $pid
  wait $pid
  rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ $rc = 6 ] && [ $ms -lt 3000 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAIL $name: exit $rc after $ms ms"; head -3 "$work/err"
  fi
}
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint.$":"$.url","Method":"GET"},"End":true}}}'
stopped http_stopped "{\"url\":\"$url/slow\"}"
printf '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}' > "$work/wait.asl.json"
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:Waits"},"End":true}}}'
stopped child_stopped '{}' --machine "Waits=$work/wait.asl.json"
# the Task's TimeoutSeconds stops its child
machine '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","TimeoutSeconds":1,"Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:Waits"},"End":true}}}'
"$aslc" "$work/m.asl.json" -o "$work/m" --machine "Waits=$work/wait.asl.json" 2>"$work/err"
out=$(timeout 10 "$work/m" --input '{}' 2>>"$work/err")
if grep -qF '"Error":"States.Timeout"' <<<"$out"; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL child_task_timeout: $out"; fi

echo "integrations: $passed passed, $failed failed"
[ "$failed" = 0 ]
