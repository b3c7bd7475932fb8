#!/usr/bin/env bash
# ovpn-backports, one command on a fresh Debian/Ubuntu machine: install what the
# build needs, fetch and transform upstream ovpn, build and verify ovpn.ko.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: ./setup.sh [--test-deps] [--no-install] [make variables...]

Installs the build dependencies with apt-get (and the running kernel's
headers when the distribution has them), runs `make sources` and `make`,
and prints the verified module's version and vermagic. Where the running
kernel has no headers, it builds against a reference kernel tree that it
fetches itself (Debian's 6.1), and says so.

  --test-deps    also install what `make check` needs (shellcheck, qemu, dkms, ...)
  --no-install   do not run apt-get
  --deps-only    only install, do not build
  VAR=value      passed to make, e.g. KERNEL_SRC=/path/to/linux or UPSTREAM=...
USAGE
}

top=$(cd "$(dirname "$0")" && pwd)
install=1 testdeps=0 build=1 makevars=()
for a in "$@"; do
	case "$a" in
	-h|--help) usage; exit 0 ;;
	--test-deps) testdeps=1 ;;
	--no-install) install=0 ;;
	--deps-only) build=0 ;;
	*=*) makevars+=("$a") ;;
	*) echo "setup.sh: unknown argument $a" >&2; exit 2 ;;
	esac
done

pkgs() { grep -vE '^\s*(#|$)' "$1" | tr '\n' ' '; }

if [ "$install" = 1 ]; then
	sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	list=$(pkgs "$top/devel/build-packages.txt")
	if [ "$testdeps" = 1 ]; then
		list="$list $(pkgs "$top/tests/test-packages.txt")"
		for f in "$top"/tests/vm/host-packages.txt "$top"/tests/vm/guest-packages.txt; do
			[ ! -f "$f" ] || list="$list $(pkgs "$f")"
		done
	fi
	echo "setup: installing build dependencies"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	# shellcheck disable=SC2086 # the list is space-separated package names
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends $list >/dev/null
	hdr="linux-headers-$(uname -r)"
	if ! [ -e "/lib/modules/$(uname -r)/build" ] &&
	   apt-cache policy "$hdr" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		"${sudo[@]}" apt-get install -y -qq "$hdr" >/dev/null
	fi
fi

[ "$build" = 1 ] || exit 0
make -C "$top" --no-print-directory sources "${makevars[@]}"
make -C "$top" --no-print-directory "${makevars[@]}"
echo "setup: done: $top/ovpn.ko is built and verified (run 'make check' for the tests)"
