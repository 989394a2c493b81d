#!/usr/bin/env bash
# Records what iptables-save and iptables -L -n -v --line-numbers print for each test/engine/save-cases/*.rules,
# loaded into the kernel inside a throwaway network namespace (root; never touches the root namespace).
# Usage: sudo tools/record-save.sh [FILE.rules ...]
set -euo pipefail
cd "$(dirname "$0")/.."
ns="nfsave-$$"
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
for f in "${@:-test/engine/save-cases/*.rules}"; do
  for file in $f; do
    base="${file%.rules}"
    ip netns exec "$ns" iptables-restore < "$file"
    ip netns exec "$ns" iptables-save | grep -v '^# \(Generated\|Completed\)' > "$base.saved"
    : > "$base.listed"
    for t in $(grep -o '^\*[a-z]*' "$file" | tr -d '*'); do
      echo "# table $t" >> "$base.listed"
      ip netns exec "$ns" iptables -t "$t" -L -n -v --line-numbers >> "$base.listed"
    done
    # Leave nothing behind for the next file.
    for t in raw mangle nat filter security; do ip netns exec "$ns" iptables -t "$t" -F 2>/dev/null || true; ip netns exec "$ns" iptables -t "$t" -X 2>/dev/null || true; done
    ip netns exec "$ns" nft flush ruleset
  done
done
