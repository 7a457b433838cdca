#!/usr/bin/env bash
# Replays the web-chat sample payloads (samples/webchat/*.json) against a running parleyd,
# the way the widget's HTTP fallback sends them:
#
#   1. finds the web-chat channel id in the data-channel attribute of GET /demo,
#   2. gets a visitor token from POST /widget/{channelId}/session,
#   3. POSTs each sample to /hooks/{channelId} with "Authorization: Bearer <visitor token>",
#      printing the HTTP status and the response body.
#
# Usage: samples/replay.sh [--unique] [--token VISITOR_TOKEN] [BASE_URL]
#   BASE_URL     default http://127.0.0.1:8080 (or $PARLEY_BASE_URL)
#   --unique     add a per-run suffix to every clientId, so a second run stores new messages
#                instead of getting duplicate acknowledgements
#   --token T    reuse an existing visitor token (same visitor, same conversation)
# Needs only bash, curl and python3. Exits 1 if any sample was not answered with a 2xx.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

base="${PARLEY_BASE_URL:-http://127.0.0.1:8080}"
unique=0
token=""
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --unique) unique=1 ;;
        --token) [ $# -ge 2 ] || { echo "replay: --token needs a value" >&2; exit 2; }; token="$2"; shift ;;
        --token=*) token="${1#--token=}" ;;
        -*) echo "replay: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) base="$1" ;;
    esac
    shift
done
base="${base%/}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shopt -s nullglob
samples=("$here"/webchat/*.json)
shopt -u nullglob
if [ ${#samples[@]} -eq 0 ]; then
    echo "replay: no samples in $here/webchat" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The channel: /demo embeds <script src="/widget.js" data-channel="ch_..." ...>.
if ! curl -fsS "$base/demo" -o "$work/demo.html"; then
    echo "replay: cannot fetch $base/demo — is parleyd running there?" >&2
    exit 1
fi
channel="$(python3 -c '
import re, sys
match = re.search(r"data-channel=\"([^\"]+)\"", open(sys.argv[1], encoding="utf-8").read())
print(match.group(1) if match else "")
' "$work/demo.html")"
if [ -z "$channel" ]; then
    echo "replay: no data-channel attribute in $base/demo" >&2
    exit 1
fi
echo "channel:  $channel"

# 2. The visitor: a new one, or the one --token names (returned unchanged when still valid).
session_body="$(python3 -c 'import json, sys; print(json.dumps({"token": sys.argv[1]} if sys.argv[1] else {}))' "$token")"
status="$(curl -sS -o "$work/session.json" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data-binary "$session_body" "$base/widget/$channel/session")"
if [ "$status" != 200 ]; then
    echo "replay: POST /widget/$channel/session -> $status $(cat "$work/session.json")" >&2
    exit 1
fi
read -r token visitor < <(python3 -c '
import json, sys
session = json.load(open(sys.argv[1]))
print(session["token"], session["visitorId"])
' "$work/session.json")
echo "visitor:  $visitor"
echo "token:    $token"
echo

# 3. The samples, in name order.
run_suffix="$(date +%s)-$$"
failures=0
for sample in "${samples[@]}"; do
    payload="$sample"
    if [ "$unique" = 1 ]; then
        payload="$work/$(basename "$sample")"
        python3 -c '
import json, sys
body = json.load(open(sys.argv[1], encoding="utf-8"))
if isinstance(body.get("clientId"), str):
    body["clientId"] = body["clientId"] + "-" + sys.argv[3]
json.dump(body, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
' "$sample" "$payload" "$run_suffix"
    fi
    status="$(curl -sS -o "$work/answer" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
        --data-binary "@$payload" "$base/hooks/$channel")" || status="000"
    printf '%-28s %s %s\n' "$(basename "$sample")" "$status" "$(cat "$work/answer" 2>/dev/null)"
    case "$status" in 2??) ;; *) failures=$((failures + 1)) ;; esac
done

echo
if [ "$failures" -gt 0 ]; then
    echo "$failures of ${#samples[@]} samples were refused"
    exit 1
fi
echo "${#samples[@]} samples accepted. Reuse this visitor with: $0 --token $token $base"
