#!/bin/sh
# The command behind bridge.yaml: reads one message on stdin, prints the answer (or nothing).
# A non-zero exit makes the message a dead letter, with the first line of stderr as the reason.
IFS= read -r line || true
case "$line" in
  '!upper '*) printf '%s\n' "${line#!upper }" | tr '[:lower:]' '[:upper:]' ;;
  '!count '*) printf '%s words\n' "$(printf '%s\n' "${line#!count }" | wc -w | tr -d ' ')" ;;
  '!help'*) echo 'commands: !upper TEXT, !count TEXT, !help' ;;
  *) echo "unknown command: ${line%% *}" >&2; exit 2 ;;
esac
