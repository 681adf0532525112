#!/usr/bin/env bash
# Gatehouse gate with nothing but curl and jq, against the GraphQL API: register a change,
# attach its test results, request its promotion, wait for the decision (and approvals), run
# the deployment, report it.
#
# Required: GATEHOUSE_URL, GATEHOUSE_TOKEN (a DEVELOPER's WRITE-scoped token), APP, VERSION,
#           ENVIRONMENT, ARTIFACT_DIGEST (sha256:<64 hex>), COMMIT_SHA, COMMIT_AUTHOR
# Optional: TITLE, TICKET, COMMIT_MESSAGE, CHANGED_PATHS (newline-separated),
#           TESTS_PASSED / TESTS_FAILED / TESTS_SKIPPED (attach a test run when TESTS_PASSED is set),
#           DEPLOY_COMMAND (run once approved; its exit status decides SUCCEEDED or FAILED),
#           DEPLOYMENT_URL, WAIT_TIMEOUT_SECONDS (default 1800), POLL_SECONDS (default 5)
# Exit: 0 approved (and deployed, when DEPLOY_COMMAND succeeded), 2 denied, rejected, expired
#       or cancelled, 3 timed out waiting, 4 the deployment failed, 1 any other error.
set -euo pipefail

need() { [ -n "${!1:-}" ] || { echo "gatehouse-gate: $1 is required" >&2; exit 1; }; }
for var in GATEHOUSE_URL GATEHOUSE_TOKEN APP VERSION ENVIRONMENT ARTIFACT_DIGEST COMMIT_SHA COMMIT_AUTHOR; do need "$var"; done
command -v jq >/dev/null || { echo "gatehouse-gate: jq is required" >&2; exit 1; }

# gql QUERY VARIABLES_JSON: prints .data, or the server's code and message on stderr and exits 1.
gql() {
  local body answer
  body=$(jq -n --arg query "$1" --argjson variables "$2" '{query: $query, variables: $variables}')
  answer=$(curl -sS -X POST "${GATEHOUSE_URL%/}/graphql" \
    -H 'content-type: application/json' -H "authorization: Bearer $GATEHOUSE_TOKEN" --data "$body") || {
    echo "gatehouse-gate: cannot reach ${GATEHOUSE_URL}" >&2; exit 1; }
  jq -e 'type == "object"' >/dev/null 2>&1 <<<"$answer" || { echo "gatehouse-gate: not a GraphQL answer: ${answer:0:500}" >&2; exit 1; }
  if [ "$(jq '.errors // [] | length' <<<"$answer")" != 0 ]; then
    jq -r '.errors[] | "\(.extensions.code // "ERROR"): \(.message) (request \(.extensions.requestId // "?"))"' <<<"$answer" >&2
    exit 1
  fi
  jq '.data' <<<"$answer"
}

paths_json=$(printf '%s' "${CHANGED_PATHS:-}" | jq -R -s 'split("\n") | map(select(length > 0))')
change_input=$(jq -n \
  --arg app "$APP" --arg version "$VERSION" --arg digest "$ARTIFACT_DIGEST" \
  --arg sha "$COMMIT_SHA" --arg author "$COMMIT_AUTHOR" --arg message "${COMMIT_MESSAGE:-${TITLE:-$VERSION}}" \
  --arg title "${TITLE:-$APP $VERSION}" --arg ticket "${TICKET:-}" --argjson paths "$paths_json" \
  '{application: $app, version: $version, artifactDigest: $digest, title: $title,
    ticket: (if $ticket == "" then null else $ticket end),
    commits: [{sha: $sha, author: $author, message: $message}],
    changedPaths: $paths, linesAdded: 0, linesRemoved: 0}')
change=$(gql 'mutation($input: RegisterChangeInput!) { registerChange(input: $input) { id } }' "{\"input\": $change_input}" | jq -r '.registerChange.id')
echo "change $APP $VERSION: $change" >&2

if [ -n "${TESTS_PASSED:-}" ]; then
  evidence=$(jq -n --arg change "$change" --argjson passed "$TESTS_PASSED" --argjson failed "${TESTS_FAILED:-0}" --argjson skipped "${TESTS_SKIPPED:-0}" \
    '{input: {change: $change, kind: "TESTS", tests: {passed: $passed, failed: $failed, skipped: $skipped}, source: "gatehouse-gate.sh"}}')
  gql 'mutation($input: AttachEvidenceInput!) { attachEvidence(input: $input) { id } }' "$evidence" >/dev/null
  echo "tests attached: $TESTS_PASSED passed, ${TESTS_FAILED:-0} failed" >&2
fi

request=$(jq -n --arg change "$change" --arg env "$ENVIRONMENT" --arg key "gate-$APP-$VERSION-$ENVIRONMENT" \
  '{input: {change: $change, environment: $env, reason: "pipeline", idempotencyKey: $key}}')
promotion=$(gql 'mutation($input: RequestPromotionInput!) { requestPromotion(input: $input) { id state decision { outcome } } }' "$request")
id=$(jq -r '.requestPromotion.id' <<<"$promotion")
echo "promotion $id into $ENVIRONMENT: $(jq -r '.requestPromotion.decision.outcome' <<<"$promotion")" >&2

deadline=$(( $(date +%s) + ${WAIT_TIMEOUT_SECONDS:-1800} ))
last=""
while :; do
  current=$(gql 'query($id: ID!) { promotion(id: $id) { state approvalProgress { group required granted } } }' "{\"id\": \"$id\"}")
  state=$(jq -r '.promotion.state' <<<"$current")
  line="$state$(jq -r '[.promotion.approvalProgress[] | select(.granted < .required) | "\(.group) \(.granted)/\(.required)"] | if length > 0 then " (waiting for " + join(", ") + ")" else "" end' <<<"$current")"
  [ "$line" != "$last" ] && echo "waiting: $line" >&2 && last=$line
  case "$state" in
    APPROVED|DEPLOYING|DEPLOYED) break ;;
    DENIED|REJECTED|EXPIRED|CANCELLED|FAILED|ROLLED_BACK) echo "promotion $id: $state" >&2; exit 2 ;;
  esac
  [ "$(date +%s)" -ge "$deadline" ] && { echo "timed out: promotion $id is still $state" >&2; exit 3; }
  sleep "${POLL_SECONDS:-5}"
done
echo "promotion $id: approved" >&2

status=SUCCEEDED
if [ -n "${DEPLOY_COMMAND:-}" ]; then
  bash -c "$DEPLOY_COMMAND" >&2 || status=FAILED
fi
report=$(jq -n --arg id "$id" --arg status "$status" --arg url "${DEPLOYMENT_URL:-}" \
  '{input: {promotion: $id, status: $status, url: (if $url == "" then null else $url end)}}')
deployed=$(gql 'mutation($input: ReportDeploymentInput!) { reportDeployment(input: $input) { state } }' "$report")
echo "deployment $status: promotion $id is $(jq -r '.reportDeployment.state' <<<"$deployed")" >&2
echo "$id"
[ "$status" = SUCCEEDED ] || exit 4
