#!/usr/bin/env bash
# The compat layer's gates (compat/gates.txt) against one kernel tree.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table="$here/gates.txt"

usage() {
	cat <<'USAGE'
Usage: gates.sh [--table FILE] MODE SRCTREE [OBJTREE]

Evaluates the probes and export checks of compat/gates.txt against a kernel:
headers in SRCTREE/include and OBJTREE/include (OBJTREE defaults to
SRCTREE; Debian splits a tree into -common and -amd64), Module.symvers in
OBJTREE. Never reads stdin, whatever the headers.

MODE:
  --cppflags   "ok" and the -DOVPN_HAVE_<NAME> flags, on one line (kbuild)
  --set        the OVPN_HAVE_<NAME> names found, one a line, sorted
  --report [--shims FILE] [--flags FILE]
               one line per gate: name, kind, answer (shim where FILE, the
               OVPN_SHIM() markers of a build, lists the gate's marker, else
               native; "?" without FILE), and how it was decided. --flags
               takes the probe results from FILE (a build's .cmd file or
               flags) instead of probing again.
  --match NAME FILE
               exit 0 when gate NAME (a probe or export) matches FILE: a header
               (normalized as for the probes) or a Module.symvers (tests)
  --matches LIST
               the same for every "NAME<tab>FILE" line of LIST: prints
               "NAME<tab>FILE<tab>yes|no" for each (tests)
  --check      validate the table only (no kernel needed)
  --dump       every gate, one a line, tab-separated: NAME KIND WHERE MATCH
               GATE SHIM API UPSTREAM STABLE (no kernel needed)
USAGE
}

die() { echo "gates.sh: $*" >&2; exit 2; }

mode="" shims="" flagsfile="" match_name="" match_list=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--table) table="$2"; shift 2 ;;
	--shims) shims="$2"; shift 2 ;;
	--flags) flagsfile="$2"; shift 2 ;;
	--cppflags|--set|--report|--check|--dump) mode="$1"; shift ;;
	--match) mode="$1"; match_name="$2"; shift 2 ;;
	--matches) mode="$1"; match_list="$2"; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ -n "$mode" ] || { usage >&2; exit 2; }

# --- the table: G_NAME[i], G_KIND[i], G_WHERE[i] (space-separated), G_<KEY>[i]
G_NAME=() G_KIND=() G_WHERE=() G_MATCH=() G_SHIM=() G_GATE=() G_API=() G_UPSTREAM=() G_STABLE=()
read_table() {
	local line n=-1 lineno=0 key val name kind where
	[ -r "$table" ] || die "cannot read $table"
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case "$line" in
		''|'#'*) continue ;;
		[[:space:]]*)
			[ "$n" -ge 0 ] || die "$table:$lineno: key outside an entry"
			line="${line#"${line%%[![:space:]]*}"}"
			key="${line%%[[:space:]]*}"
			val="${line#"$key"}"
			val="${val#"${val%%[![:space:]]*}"}"
			[ -n "$val" ] || die "$table:$lineno: $key without a value"
			case "$key" in
			match) G_MATCH[n]="$val" ;;
			shim) G_SHIM[n]="$val" ;;
			gate) G_GATE[n]="$val" ;;
			api) G_API[n]="$val" ;;
			upstream) G_UPSTREAM[n]="$val" ;;
			stable) G_STABLE[n]="$val" ;;
			*) die "$table:$lineno: unknown key '$key'" ;;
			esac
			;;
		*)
			read -r name kind where <<< "$line"
			[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$table:$lineno: bad name '$name'"
			case "${kind:-}" in
			probe|export|macro|version) ;;
			*) die "$table:$lineno: $name: kind must be probe, export, macro or version" ;;
			esac
			n=$((n + 1))
			G_NAME[n]="$name" G_KIND[n]="$kind" G_WHERE[n]="${where:-}"
			G_MATCH[n]="" G_SHIM[n]="$name" G_GATE[n]="" G_API[n]="" G_UPSTREAM[n]="" G_STABLE[n]=""
			;;
		esac
	done < "$table"
}

check_table() {
	local i j bad=0
	for i in "${!G_NAME[@]}"; do
		local what="${G_NAME[i]} (${G_KIND[i]})"
		case "${G_KIND[i]}" in
		probe|export|macro) [ -n "${G_MATCH[i]}" ] || { echo "$what: no match" >&2; bad=1; } ;;
		version) [ -n "${G_GATE[i]}" ] || { echo "$what: no gate" >&2; bad=1; } ;;
		esac
		[ "${G_KIND[i]}" = export ] || [ -n "${G_WHERE[i]}" ] || { echo "$what: no header" >&2; bad=1; }
		[ -n "${G_API[i]}" ] || { echo "$what: no api" >&2; bad=1; }
		[ -n "${G_UPSTREAM[i]}" ] || { echo "$what: no upstream" >&2; bad=1; }
		if [ "${G_KIND[i]}" = probe ]; then
			# a regex grep -E refuses is a probe that can never match
			local rc=0
			grep -qE -e "${G_MATCH[i]}" /dev/null </dev/null || rc=$?
			[ "$rc" -le 1 ] || { echo "$what: bad regex" >&2; bad=1; }
		fi
		for j in "${!G_NAME[@]}"; do
			[ "$j" -le "$i" ] || [ "${G_NAME[j]}" != "${G_NAME[i]}" ] ||
				{ echo "${G_NAME[i]}: listed twice" >&2; bad=1; }
		done
	done
	return "$bad"
}

read_table
case "$mode" in
--check) check_table; exit ;;
--dump)
	for i in "${!G_NAME[@]}"; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${G_NAME[i]}" "${G_KIND[i]}" \
			"${G_WHERE[i]:--}" "${G_MATCH[i]:--}" "${G_GATE[i]:--}" "${G_SHIM[i]}" \
			"${G_API[i]:--}" "${G_UPSTREAM[i]:--}" "${G_STABLE[i]:--}"
	done
	exit 0
	;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# match_file NAME FILE: 0 when gate NAME (probe or export) matches FILE
match_file() {
	local i
	for i in "${!G_NAME[@]}"; do
		[ "${G_NAME[i]}" = "$1" ] || continue
		case "${G_KIND[i]}" in
		probe)
			awk -f "$here/normalize.awk" "$2" > "$tmp/n" </dev/null
			grep -qE -e "${G_MATCH[i]}" "$tmp/n" </dev/null
			return
			;;
		export)
			awk -v s="${G_MATCH[i]}" '$2 == s { found = 1 } END { exit !found }' "$2" </dev/null
			return
			;;
		*) die "$1 is a ${G_KIND[i]} gate, decided by the compiler" ;;
		esac
	done
	die "no gate $1"
}
case "$mode" in
--match)
	[ $# -eq 1 ] || { usage >&2; exit 2; }
	match_file "$match_name" "$1"
	exit
	;;
--matches)
	while IFS=$'\t' read -r name file; do
		if match_file "$name" "$file"; then r=yes; else r=no; fi
		printf '%s\t%s\t%s\n' "$name" "$file" "$r"
	done < "$match_list"
	exit 0
	;;
esac

[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
srctree="$1"
objtree="${2:-$1}"
[ -n "$flagsfile" ] || [ -d "$srctree/include" ] || die "$srctree has no include/"

# normalize FILE: NORMALIZED = the normalized text of FILE (made once per file)
declare -A NORM=()
NORMALIZED=""
normalize() {
	local f="$1"
	if [ -z "${NORM[$f]:-}" ]; then
		NORM[$f]="$tmp/n${#NORM[@]}"
		awk -f "$here/normalize.awk" "$f" > "${NORM[$f]}" </dev/null
	fi
	NORMALIZED="${NORM[$f]}"
}

# probe I: 0 when a header of gate I matches; HIT = the header that did
HIT=""
probe() {
	local i="$1" h d f dirs
	HIT=""
	dirs=("$srctree/include")
	[ "$objtree" -ef "$srctree" ] || dirs+=("$objtree/include")
	for h in ${G_WHERE[i]}; do
		for d in "${dirs[@]}"; do
			f="$d/$h"
			[ -f "$f" ] || continue
			normalize "$f"
			if grep -qE -e "${G_MATCH[i]}" "$NORMALIZED" </dev/null; then
				HIT="$h"
				return 0
			fi
		done
	done
	return 1
}

# exported I: 0 when the kernel's Module.symvers lists the symbol of gate I
exported() {
	local sym="${G_MATCH[$1]}"
	[ -f "$objtree/Module.symvers" ] &&
		awk -v s="$sym" '$2 == s { found = 1 } END { exit !found }' "$objtree/Module.symvers" </dev/null
}

# have I: the kernel has what gate I probes (probe and export gates only)
declare -A HAVE=()
if [ -n "$flagsfile" ]; then
	while read -r f; do HAVE[$f]=1; done < <(grep -oE -- '-DOVPN_HAVE_[A-Za-z0-9_]+' "$flagsfile" | sed 's/^-DOVPN_HAVE_//' | sort -u)
fi
evaluate() {
	local i
	for i in "${!G_NAME[@]}"; do
		case "${G_KIND[i]}" in
		probe) probe "$i" && HAVE[${G_NAME[i]}]=1 || true ;;
		export) exported "$i" && HAVE[${G_NAME[i]}]=1 || true ;;
		esac
	done
}
[ -n "$flagsfile" ] || evaluate

case "$mode" in
--cppflags)
	out="ok"
	for i in "${!G_NAME[@]}"; do
		[ -z "${HAVE[${G_NAME[i]}]:-}" ] || out+=" -DOVPN_HAVE_${G_NAME[i]}"
	done
	echo "$out"
	;;
--set)
	for n in "${!HAVE[@]}"; do echo "OVPN_HAVE_$n"; done | LC_ALL=C sort
	;;
--report)
	declare -A SHIM=()
	if [ -n "$shims" ]; then
		while read -r s; do [ -z "$s" ] || SHIM[$s]=1; done < "$shims"
	fi
	printf '%-32s %-7s %-6s %s\n' "# gate" kind answer "decided by"
	for i in "${!G_NAME[@]}"; do
		name="${G_NAME[i]}" answer="?"
		[ -z "$shims" ] || { answer=native; [ -z "${SHIM[${G_SHIM[i]}]:-}" ] || answer=shim; }
		case "${G_KIND[i]}" in
		probe)
			if [ -n "${HAVE[$name]:-}" ]; then
				[ -n "$flagsfile" ] || probe "$i" || true
				how="found in ${HIT:-${G_WHERE[i]// /|}}"
			else
				how="not in ${G_WHERE[i]// /|}"
			fi
			how+=": ${G_MATCH[i]}"
			;;
		export)
			if [ -n "${HAVE[$name]:-}" ]; then how="Module.symvers exports ${G_MATCH[i]}"
			else how="Module.symvers does not export ${G_MATCH[i]}"; fi
			;;
		macro) how="preprocessor: #ifndef ${G_MATCH[i]} (after <${G_WHERE[i]}>)" ;;
		version) how="LINUX_VERSION_CODE: shim on ${G_GATE[i]}" ;;
		esac
		[ "${G_SHIM[i]}" = "$name" ] || how+=" [shim ${G_SHIM[i]}]"
		printf '%-32s %-7s %-6s %s\n' "$name" "${G_KIND[i]}" "$answer" "$how"
	done
	;;
esac
