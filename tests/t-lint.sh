#!/usr/bin/env bash
# Lint every shell script of the project with shellcheck; check --help works.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mapfile -t scripts < <(cd "$TOP" && git ls-files 2>/dev/null | while read -r f; do
	case "$f" in *.sh) echo "$f" ;; *) head -c 40 "$f" 2>/dev/null | grep -qE '^#!.*bash' && echo "$f" ;; esac
done | sort -u)
[ ${#scripts[@]} -gt 0 ] || mapfile -t scripts < <(cd "$TOP" && find scripts tests .ci -name '*.sh' -o -name run | sort)
for f in "${scripts[@]}"; do
	run_ok "shellcheck $f" shellcheck -x -P "$TOP" -S warning "$TOP/$f"
done
for f in "${scripts[@]}"; do
	case "$f" in scripts/*.sh|devel/*.sh) ;; *) continue ;; esac
	grep -q 'kernels.sh\|kernel-tree.sh\|lib.sh' <<< "$f" && continue
	run_ok "$f --help" "$TOP/$f" --help
done
tap_done
