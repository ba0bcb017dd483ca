#!/bin/sh
input=$(cat)
case "$input" in
  *'"attempt":2'*) echo "{\"charged\": true, \"input\": $input}" ;;
  *) echo '{"errorType":"Payment.Busy","errorMessage":"try later"}'; exit 1 ;;
esac
