#!/usr/bin/env bash
# The GitHub Action's step: builds slotcheck from the action's own source
# (unless SLOTCHECK_BIN names a binary), lints INPUT_PATHS, writes the SARIF log
# for upload-sarif, and records sarif-file and exit-code in GITHUB_OUTPUT. The
# step's status is slotcheck's: the workflow uploads the log with `if: always()`.
set -uo pipefail

action_path=${ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${SLOTCHECK_BIN:-}
if [ -z "$bin" ]; then
  bin="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/slotcheck-bin/slotcheck"
  if [ ! -x "$bin" ]; then
    echo "::group::Build slotcheck"
    (cd "$action_path" && go build -trimpath -o "$bin" ./cmd/slotcheck) || { echo "::error::building slotcheck failed"; exit 3; }
    echo "::endgroup::"
  fi
fi

args=(--format "${INPUT_FORMAT:-text}" --fail-on "${INPUT_FAIL_ON:-error}" --sarif-category "${INPUT_CATEGORY:-slotcheck}")
sarif=${INPUT_SARIF_FILE-slotcheck.sarif}
if [ -n "$sarif" ]; then
  args+=(--output "sarif=$sarif")
fi
if [ -n "${INPUT_ENVIRONMENT:-}" ]; then
  args+=(--env "$INPUT_ENVIRONMENT")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  # Further flags are split as a shell would split words, quotes honoured,
  # but never evaluated: xargs runs no command substitution.
  mapfile -t extra < <(printf '%s' "$INPUT_ARGS" | xargs -n1 printf '%s\n')
  args+=("${extra[@]}")
fi
read -r -d '' -a paths <<< "${INPUT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)

"$bin" lint "${args[@]}" -- "${paths[@]}"
status=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  if [ -n "$sarif" ] && [ -f "$sarif" ]; then
    echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
  else
    echo "sarif-file=" >> "$GITHUB_OUTPUT"
  fi
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
fi
case $status in
  1) echo "::error::slotcheck found blocking findings (fail-on: ${INPUT_FAIL_ON:-error})" ;;
  2) echo "::error::slotcheck could not read some input (see the input errors above)" ;;
  3) echo "::error::slotcheck failed" ;;
esac
exit $status
