#!/usr/bin/env bash
# The reader of tests/vm/tests.tsv, the one list of the guest tests (sourced
# by the host's vmtest.sh and the guest's guest.sh; run, it prints the list).
# shellcheck disable=SC2034 # VM_MANIFEST is used by the sourcing scripts

VM_MANIFEST="${VM_MANIFEST:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tests.tsv}"

# vm_manifest: the data lines of tests.tsv
vm_manifest() { grep -v '^#' "$VM_MANIFEST" | grep .; }

# vm_field TEST COLUMN: one field of TEST's line (COLUMN: name sets budget
# column rows run about); fails for a test that is not there.
vm_field() {
	local i
	case "$2" in
	name) i=1 ;; sets) i=2 ;; budget) i=3 ;; column) i=4 ;; rows) i=5 ;; run) i=6 ;; about) i=7 ;;
	*) echo "vm_field: no column '$2'" >&2; return 2 ;;
	esac
	vm_manifest | awk -F'\t' -v t="$1" -v i="$i" '$1 == t {print $i; f = 1} END {exit !f}'
}

# vm_tests [SET]: the test names (of SET: fast or full), in manifest order
# shellcheck disable=SC2120 # callers elsewhere pass SET
vm_tests() {
	vm_manifest | awk -F'\t' -v s="${1:-}" \
		'{n = split($2, a, ","); for (i = 1; i <= n; i++) if (s == "" || a[i] == s) {print $1; break}}'
}

# vm_rows TEST: the result rows TEST writes, one a line. A token P[a,b] is
# Pa and Pb; P[VAR:a,b] the same, or P and each item of $VAR (comma or space
# separated) when VAR is set (e.g. VMTEST_FAULTS_ONLY). Fails for a test that
# is not there.
vm_rows() {
	local spec tok pre var items it
	spec=$(vm_field "$1" rows) || return 1
	for tok in $spec; do
		case "$tok" in
		*"["*"]")
			pre=${tok%%"["*}
			var=${tok#*"["}
			var=${var%"]"}
			case "$var" in
			*:*) items=$(vm_token_items "${var%%:*}" "${var#*:}") ;;
			*) items=$var ;;
			esac
			for it in ${items//,/ }; do echo "$pre$it"; done ;;
		*) echo "$tok" ;;
		esac
	done
}

# vm_token_items VAR DEFAULT: $VAR if set and not empty, else DEFAULT
vm_token_items() {
	local v="${!1:-}"
	echo "${v:-$2}"
}

# vm_budget TEST ITERS: the seconds one guest may spend on TEST
vm_budget() {
	local e
	e=$(vm_field "$1" budget) || return 1
	e=${e//ITERS/$2}
	e=${e//NLDIFF_COUNT/${VMTEST_NLDIFF_COUNT:-2000}}
	echo $((e))
}

# vm_script TEST: the script TEST runs (a path under tests/vm), or
# "selftest" for an upstream selftest
vm_script() {
	local run
	run=$(vm_field "$1" run) || return 1
	echo "${run%% *}"
}

# vm_readme: the list of tests for tests/vm/README.md (between its markers)
vm_readme() {
	echo "| test | sets | rows | budget (s) | what |"
	echo "|---|---|---|---|---|"
	vm_manifest | while IFS=$'\t' read -r name sets budget _col rows _run about; do
		printf '| `%s` | %s | %s | %s | %s |\n' "$name" "$sets" "$rows" "$budget" "$about"
	done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	-h|--help)
		cat <<'USAGE'
Usage: manifest.sh [--readme]

Prints the guest tests of tests/vm/tests.tsv (name, sets, rows), or with
--readme the Markdown table that tests/vm/README.md carries between its
"tests.tsv" markers.
USAGE
		exit 0 ;;
	--readme) vm_readme ;;
	"") for t in $(vm_tests); do echo "$t [$(vm_field "$t" sets)]: $(vm_rows "$t" | xargs)"; done ;;
	*) echo "manifest.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
fi
