#!/usr/bin/env bash
# Distributed Map files stay under --s3-root: Bucket, Key and Prefix come from the execution
# input (and the execution name from --name), so '..' parts, NUL characters and symbolic links
# pointing outside must fail the state instead of reading or writing any other file.
set -uo pipefail
aslc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

run() { # definition input [options...]: prints output, sets rc
  printf '%s' "$1" > "$work/m.asl.json"
  local input=$2; shift 2
  out=$("$aslc" run "$work/m.asl.json" --input "$input" --s3-root "$work/root" "$@" 2>"$work/err")
  rc=$?
}

mkdir -p "$work/root/in" "$work/root/out" "$work/outside"
echo '[1,2]' > "$work/outside/secret.json"
echo '[7]' > "$work/root/in/ok.json"
ln -s "$work/outside/secret.json" "$work/root/in/link.json"
ln -s "$work/outside" "$work/root/in/dirlink"
ln -s "$work/outside" "$work/root/out/plink"
ln -s "$work/outside" "$work/root/outlink"

reader='{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket.$":"$.b","Key.$":"$.k"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}'
run "$reader" '{"b":"in","k":"ok.json"}'
[ "$rc" = 0 ] && [ "$out" = '[7]' ] && ok || bad "a key under the root: $rc $out"
# with an ItemReader the items come from the file: ItemsPath (of the state input) is not used
run "${reader/\"Type\":\"Map\",/\"Type\":\"Map\",\"ItemsPath\":\"\$.nothing\",}" '{"b":"in","k":"ok.json"}'
[ "$rc" = 0 ] && [ "$out" = '[7]' ] && ok || bad "ItemsPath beside an ItemReader: $rc $out"
outside() { # what: the state failed with the "outside --s3-root" cause of $1
  [ "$rc" = 1 ] && grep -q "\"Error\":\"$1\"" <<<"$out" &&
    grep -q 'would be outside --s3-root' <<<"$out" && ok || bad "$2: $rc $out"
}
for input in '{"b":"in","k":"../../outside/secret.json"}' '{"b":"in","k":"a/../../../outside/secret.json"}' \
  '{"b":"..","k":"outside/secret.json"}' '{"b":"in/..","k":"../outside/secret.json"}' \
  '{"b":"in","k":"link.json"}' '{"b":"in","k":"dirlink/secret.json"}' \
  '{"b":"outlink","k":"secret.json"}' '{"b":"in","k":"ok.json\u0000/../../x"}'; do
  run "$reader" "$input"
  outside States.ItemReaderFailed "ItemReader $input"
done
# an absolute key is a key below the bucket: the JSON file at that absolute path is not read
run "$reader" '{"b":"in","k":"'"$work"'/outside/secret.json"}'
[ "$rc" = 1 ] && grep -q 'States.ItemReaderFailed' <<<"$out" && ! grep -qF '[1,2]' <<<"$out" &&
  ok || bad "absolute key: $rc $out"

writer='{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.i","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket.$":"$.b","Prefix.$":"$.p"}},"End":true}}}'
run "$writer" '{"i":[1],"b":"out","p":"ok"}' --name run1
[ "$rc" = 0 ] && [ -f "$work/root/out/ok/run1/manifest.json" ] && ok || bad "a prefix under the root: $rc $out"
for case in '{"i":[1],"b":"out","p":"../../escape"}|run2' '{"i":[1],"b":"out","p":"ok"}|../../../escape' \
  '{"i":[1],"b":"out","p":"plink"}|run3' '{"i":[1],"b":"outlink","p":"x"}|run4' \
  '{"i":[1],"b":"../outside","p":"x"}|run5' '{"i":[1],"b":"out","p":"a\u0000/../../../escape"}|run6'; do
  run "$writer" "${case%|*}" --name "${case##*|}"
  outside States.ResultWriterFailed "ResultWriter $case"
done
left=$(find "$work" -path "$work/root" -prune -o -newer "$work/outside/secret.json" -print | grep -v "^$work/m.asl.json$\|^$work/err$\|^$work$")
[ -z "$left" ] && [ "$(ls "$work/outside")" = secret.json ] && ok || bad "files written outside the root: $left $(ls "$work/outside")"

# A Prefix.$ path that finds nothing is the template's States.Runtime, not "need a Bucket".
run "$writer" '{"i":[1],"b":"out"}' --name run7
[ "$rc" = 1 ] && [ "$out" = '{"Error":"States.Runtime","Cause":"An error occurred while executing the state '"'M'"' (entered at the event id #2). The JSONPath '"'\$.p'"' specified for the field '"'Prefix.\$'"' could not be found in the input '"'"'{\"i\":[1],\"b\":\"out\"}'"'"'"}' ] &&
  ok || bad "missing Prefix.$ path: $rc $out"
run "$reader" '{"b":"in"}'
[ "$rc" = 1 ] && grep -q "States.Runtime.*The JSONPath '\$.k' specified for the field 'Key.\$'" <<<"$out" &&
  ok || bad "missing Key.$ path: $rc $out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
