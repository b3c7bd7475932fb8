#!/usr/bin/env bash
# Fill in the @NAME@ placeholders of a template (dkms.conf.in, the rpm spec,
# debian/control.in and changelog.in): the one place that knows their values.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=scripts/kernel-tree.sh
. "$top/scripts/kernel-tree.sh"

usage() {
	cat <<USAGE
Usage: subst.sh [--version V] [--provenance FILE] [--epoch SECONDS] TEMPLATE

Prints TEMPLATE with its placeholders filled in:
  @PACKAGE_VERSION@   PACKAGE_VERSION of FILE (default backports/PROVENANCE), or V
  @UPSTREAM_KVER@     UPSTREAM_KVER of FILE (the upstream Linux release)
  @DEB_VERSION@       <version>-1
  @OVPN_KERNEL_MIN@ @OVPN_KERNEL_LAST@ @OVPN_KERNEL_INTREE@ @OVPN_KERNEL_RANGE@
                      the supported range (scripts/kernel-range.conf), today
                      $OVPN_KERNEL_MIN, $(krange_last), $OVPN_KERNEL_INTREE and "$(krange_text)"
  @DKMS_KERNEL_MAX@   BUILD_EXCLUSIVE_KERNEL_MAX (padded: $(krange_last).999)
  @DKMS_KERNEL_REGEX@ BUILD_EXCLUSIVE_KERNEL for DKMS before 3.0.11 (the range as
                      a regex); @DKMS_KERNEL_REGEX_MIN@ the same without the upper
                      bound (the OVPN_ALLOW_INTREE_KERNEL=1 opt-in)
  @MAINTAINER@ @HOMEPAGE@   from debian/control.in
  @DEB_DATE@ @RPM_DATE@     the date SECONDS (RFC 2822 / rpm changelog form)
Fails, naming it, on a placeholder it does not know or cannot fill.
USAGE
}

die() { echo "subst: $*" >&2; exit 1; }

version="" prov="$top/backports/PROVENANCE" epoch=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--version) version="$2"; shift 2 ;;
	--provenance) prov="$2"; shift 2 ;;
	--epoch) epoch="$2"; shift 2 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
template="$1"
[ -f "$template" ] || die "no template $template"

# num_alt A B: regex alternatives matching the integers A..B (B < 100)
num_alt() {
	local a="$1" b="$2" t lo hi p out=()
	for ((t = a / 10; t <= b / 10; t++)); do
		lo=$(( t == a / 10 ? a % 10 : 0 ))
		hi=$(( t == b / 10 ? b % 10 : 9 ))
		if [ "$lo" = "$hi" ]; then p="$lo"; else p="[$lo-$hi]"; fi
		if [ "$t" = 0 ]; then out+=("$p"); else out+=("$t$p"); fi
	done
	local IFS='|'
	echo "${out[*]}"
}
# num_from A: regex alternatives matching every integer >= A (no leading zeros)
num_from() {
	if [ "$1" -le 9 ]; then echo "[$1-9]|[1-9][0-9]+"; else echo "$(num_alt "$1" 99)|[1-9][0-9][0-9]+"; fi
}
# kernel_regex [bounded]: the releases MIN <= MAJOR.MINOR (< INTREE if bounded), e.g.
# 5.10.0-32-amd64, as the ERE DKMS matches BUILD_EXCLUSIVE_KERNEL with
kernel_regex() {
	local bounded="${1:-}" lmaj=${OVPN_KERNEL_MIN%%.*} lmin=${OVPN_KERNEL_MIN#*.}
	local hmaj=${OVPN_KERNEL_INTREE%%.*} hmin=${OVPN_KERNEL_INTREE#*.} maj from alts=()
	if [ -z "$bounded" ]; then
		alts+=("$lmaj\\.($(num_from "$lmin"))")
		alts+=("($(num_from $((lmaj + 1))))\\.[0-9]+")
	else
		for ((maj = lmaj; maj <= hmaj; maj++)); do
			from=0
			[ "$maj" != "$lmaj" ] || from=$lmin
			if [ "$maj" -lt "$hmaj" ]; then
				alts+=("$maj\\.($(num_from "$from"))")
			elif [ "$hmin" -gt "$from" ]; then
				alts+=("$maj\\.($(num_alt "$from" $((hmin - 1))))")
			fi
		done
	fi
	local IFS='|'
	echo "^(${alts[*]})([^0-9].*)?\$"
}

if grep -qE '@(PACKAGE_VERSION|UPSTREAM_KVER|DEB_VERSION)@' "$template"; then
	[ -f "$prov" ] || die "$prov is missing: run 'make sources' first"
	[ -n "$version" ] || version=$(sed -n 's/^PACKAGE_VERSION=//p' "$prov")
	[ -n "$version" ] || die "$prov has no PACKAGE_VERSION"
	kver=$(sed -n 's/^UPSTREAM_KVER=//p' "$prov")
fi
control="$top/debian/control.in"
last=$(krange_last)
max="${last/x/999}.999"
declare -A val=(
	[PACKAGE_VERSION]="$version"
	[UPSTREAM_KVER]="${kver:-}"
	[DEB_VERSION]="${version:+$version-1}"
	[OVPN_KERNEL_MIN]="$OVPN_KERNEL_MIN"
	[OVPN_KERNEL_LAST]="$last"
	[OVPN_KERNEL_INTREE]="$OVPN_KERNEL_INTREE"
	[OVPN_KERNEL_RANGE]="$(krange_text)"
	[DKMS_KERNEL_MAX]="$max"
	[DKMS_KERNEL_REGEX]="$(kernel_regex bounded)"
	[DKMS_KERNEL_REGEX_MIN]="$(kernel_regex)"
	[MAINTAINER]="$(sed -n 's/^Maintainer: //p' "$control")"
	[HOMEPAGE]="$(sed -n 's/^Homepage: //p' "$control")"
)
val[DEB_DATE]="" val[RPM_DATE]=""
if [ -n "$epoch" ]; then
	val[DEB_DATE]=$(LC_ALL=C date -u -R -d "@$epoch")
	val[RPM_DATE]=$(LC_ALL=C date -u -d "@$epoch" '+%a %b %d %Y')
fi

# (bash 5.2 would read & and \ in the replacement text specially)
shopt -u patsub_replacement 2>/dev/null || true
text=$(cat "$template"; echo x)
text="${text%x}"
for name in $(grep -oE '@[A-Z_]+@' "$template" | tr -d @ | sort -u); do
	[ -n "${val[$name]+set}" ] || die "$template: unknown placeholder @$name@"
	[ -n "${val[$name]}" ] || die "$template: no value for @$name@ (--epoch? backports/PROVENANCE?)"
	text="${text//@$name@/${val[$name]}}"
done
printf '%s' "$text"
