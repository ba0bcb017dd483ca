#!/bin/sh
# exec: task handler: reads {"skus": [...]} on stdin, prints the reservation as JSON.
skus=$(cat)
count=$(printf '%s' "$skus" | tr ',' '\n' | grep -c '"')
echo "{\"id\": \"R-$count\", \"request\": $skus}"
