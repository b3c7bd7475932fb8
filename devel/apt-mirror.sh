#!/usr/bin/env bash
# Print the Debian mirror and the Debian security mirror of this machine's
# apt configuration (for devel/apt-fetch.sh's private sources list), so that
# a local mirror or proxy the machine uses is used here too.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: apt-mirror.sh [--sources DIR]

Prints two URIs on one line: the Debian archive and the Debian security
archive that the machine's apt configuration uses (DIR, default /etc/apt:
sources.list, sources.list.d/*.list and deb822 sources.list.d/*.sources,
disabled entries left out). A Debian source is one whose suite is a Debian
release (bullseye, bookworm, trixie, forky, sid, with -updates, -backports
or -security); the security archive is the one of a -security suite.
APT_FETCH_MIRROR and APT_FETCH_SECURITY_MIRROR override what is found.
USAGE
}

etc=/etc/apt
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--sources) etc="${2:?--sources DIR}" ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

# one_line_sources: "URI SUITE" of each deb line of the one-line format
one_line_sources() {
	cat "$etc/sources.list" "$etc"/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i + 1) }'
}

# deb822_sources: "URI SUITE" of each enabled deb stanza of the .sources files
deb822_sources() {
	local f
	for f in "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() { if (deb && enabled) for (u in uri) for (s in suite) print u, s
				delete uri; delete suite; deb = 0; enabled = 1 }
			BEGIN { enabled = 1 }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uri[$i] = 1 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) suite[$i] = 1 }
			tolower($1) == "enabled:" { enabled = (tolower($2) != "no") }
			END { flush() }' "$f"
	done
}

# pick SECURITY: the first Debian URI of a -security suite (1) or of another
# Debian suite (0)
pick() {
	{ one_line_sources; deb822_sources; } |
		awk -v sec="$1" '$2 ~ /^(bullseye|bookworm|trixie|forky|sid)(-updates|-backports|-security)?$/ &&
			(($2 ~ /-security$/) == (sec == 1)) { sub(/\/$/, "", $1); print $1; exit }'
}

main=${APT_FETCH_MIRROR:-$(pick 0)}
security=${APT_FETCH_SECURITY_MIRROR:-$(pick 1)}
[ -n "$main" ] || { echo "apt-mirror.sh: no Debian archive in $etc's sources: set APT_FETCH_MIRROR" >&2; exit 1; }
[ -n "$security" ] ||
	{ echo "apt-mirror.sh: no Debian security archive in $etc's sources: set APT_FETCH_SECURITY_MIRROR" >&2; exit 1; }
echo "$main $security"
