#!/bin/sh
# Runs shell scripts of nft commands as a user's shell would, each in a throwaway network namespace (never
# the root namespace: nft there changes only that namespace's tables), and prints what the script said,
# its exit status and the ruleset it left (`nft -a list ruleset`, with handles). These are the facts
# test/nft/parse-shell.test.ts holds nfplay's reader of such scripts (src/nft/parse/shell.ts) to.
#   sudo tools/nft-shell-facts.sh [--bash] SCRIPT...      (dash, Debian's sh, unless --bash)
set -eu
shell=sh
if [ "${1:-}" = --bash ]; then shell=bash; shift; fi
ns="nfshell-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
for f in "$@"; do
  ip netns add "$ns"
  echo "== $f ($shell)"
  if ip netns exec "$ns" "$shell" "$f" 2>&1; then echo "exit 0"; else echo "exit $?"; fi
  ip netns exec "$ns" nft -a list ruleset
  ip netns del "$ns"
done
