#!/usr/bin/env bash
# Write the README compat table from compat/gates.txt and the shims each
# matrix kernel's module carries (tests/probes/<kernel>.shims).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=devel/kernels.sh
. "$here/kernels.sh"

begin='<!-- compat-table begin: written by devel/compat-table.sh from compat/gates.txt; do not edit -->'
end='<!-- compat-table end -->'

usage() {
	cat <<USAGE
Usage: compat-table.sh [--check FILE | --update FILE]

Prints the compat table (markdown): every gate of compat/gates.txt, how it is
decided, the kernel API, the upstream change that introduced it (commit and
first mainline release), the stable or distribution releases that took it,
and the matrix kernels ($KERNELS_ALL) whose module compiles its shim
(tests/probes/<kernel>.shims, checked against real builds by
tests/t-compat-build.sh).
  --check FILE    exit 1 unless FILE holds exactly this table between
                  the compat-table begin/end markers
  --update FILE   write the table between those markers of FILE
USAGE
}

# cell TEXT: TEXT for a markdown table cell ("|" escaped, "-" for none)
cell() {
	local t="${1//|/\\|}"
	[ "$t" != - ] || t=""
	printf '%s' "$t"
}

table() {
	local name kind where match gate shim api upstream stable k on how
	echo "$begin"
	echo "| gate | decided by | what the kernel has | upstream: commit (title), first release | also in | shim compiled on |"
	echo "|---|---|---|---|---|---|"
	while IFS=$'\t' read -r name kind where match gate shim api upstream stable; do
		case "$kind" in
		probe) how="probe of \`${where// /\`, \`}\`" ;;
		export) how="\`$match\` in Module.symvers" ;;
		macro) how="\`#ifndef $match\`" ;;
		version) how="version: $gate" ;;
		esac
		on=""
		for k in $KERNELS_ALL; do
			grep -qx "$shim" "$top/tests/probes/$k.shims" && on+="${on:+, }${k#debian-}"
		done
		[ "$shim" = "$name" ] || how+=" (shim \`$shim\`)"
		printf '| `%s` | %s | %s | %s | %s | %s |\n' "$name" "$(cell "$how")" "$(cell "$api")" \
			"$(cell "$upstream")" "$(cell "$stable")" "${on:-none}"
	done < <("$top/compat/gates.sh" --dump)
	echo "$end"
}

# section FILE: the table in FILE, markers included
section() { sed -n "\\|^$begin\$|,\\|^$end\$|p" "$1"; }

case "${1:-}" in
-h|--help) usage ;;
"") table ;;
--check)
	[ $# -eq 2 ] || { usage >&2; exit 2; }
	if ! diff <(section "$2") <(table) > /dev/null; then
		echo "compat-table: the table in $2 differs from compat/: run devel/compat-table.sh --update $2" >&2
		diff <(section "$2") <(table) | head -n 20 >&2 || true
		exit 1
	fi
	;;
--update)
	[ $# -eq 2 ] || { usage >&2; exit 2; }
	grep -qxF "$begin" "$2" && grep -qxF "$end" "$2" ||
		{ echo "compat-table: $2 has no compat-table markers" >&2; exit 1; }
	table > "$2.table"
	awk -v b="$begin" -v e="$end" -v t="$2.table" '
		$0 == b { while ((getline l < t) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$2" > "$2.tmp"
	rm -f "$2.table"
	mv "$2.tmp" "$2"
	;;
*) usage >&2; exit 2 ;;
esac
