#!/usr/bin/env bash
# Seconds the pipeline takes: fetch (warm cache), transform, build per matrix
# kernel, a DKMS build of the release tarball, and the whole matrix at once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=devel/kernels.sh
. "$top/devel/kernels.sh"

usage() {
	cat <<USAGE
Usage: pipeline-cost.sh --out DIR [--kernels LIST] [--matrix] [--dkms-kernel K]

Times, one after the other, each step of the pipeline on this checkout and
writes DIR/pipeline.tsv (step, seconds, note) plus the logs:
  fetch-upstream         devel/fetch-upstream.sh (pinned upstream; warm cache)
  fetch-kernel:K         devel/fetch-kernel.sh K (headers; warm cache)
  transform              devel/gentree.sh into DIR/gen
  build:K                scripts/build.sh --allow-intree of DIR/gen for K
  dist                   devel/dist.sh (the release tarball)
  dkms-build:K           dkms add + build of that tarball for K, in a private
                         DKMS tree (--dkmstree/--sourcetree/--installtree under
                         DIR: nothing is installed on this machine)
  matrix                 (--matrix) devel/matrix.sh: all matrix kernels at once
--kernels LIST   kernels for fetch-kernel and build (default: $KERNELS_ALL)
--dkms-kernel K  kernel of the DKMS build (default: debian-6.1)
USAGE
}

out="" kernels="$KERNELS_ALL" matrix=0 dkms_kernel=debian-6.1
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--out) out="$2"; shift 2 ;;
	--kernels) kernels="${2//,/ }"; shift 2 ;;
	--matrix) matrix=1; shift ;;
	--dkms-kernel) dkms_kernel="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || { usage >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
tsv="$out/pipeline.tsv"
: > "$tsv"

# step NAME NOTE CMD...: run CMD (output to NAME's log), record its seconds
step() {
	local name="$1" note="$2" t0 t1 s rc=0
	shift 2
	t0=$(date +%s.%N)
	"$@" > "$out/${name//[:\/]/-}.log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	[ "$rc" = 0 ] || note="FAILED rc=$rc${note:+; $note}"
	printf '%s\t%s\t%s\n' "$name" "$s" "$note" >> "$tsv"
	echo "bench: pipeline $name: $s s${note:+ ($note)}" >&2
	return "$rc"
}

step fetch-upstream "pin: $(grep -vE "^\s*(#|$)" "$top/upstream.pin" | head -n1)" \
	"$top/devel/fetch-upstream.sh"
pristine=$(tail -n1 "$out/fetch-upstream.log")
declare -A kdir
for k in $kernels; do
	step "fetch-kernel:$k" "" "$top/devel/fetch-kernel.sh" "$k"
	kdir[$k]=$(tail -n1 "$out/fetch-kernel-$k.log")
done
rm -rf "$out/gen"
step transform "$(grep -c -vE '^\s*(#|$)' "$top/patches/series") series entries" \
	"$top/devel/gentree.sh" --out "$out/gen" "$pristine"
for k in $kernels; do
	step "build:$k" "jobs=${JOBS:-$(nproc)}" \
		"$top/scripts/build.sh" --allow-intree --quiet --tree "$out/gen" "${kdir[$k]}" "$out/build/$k" || true
done

step dist "" "$top/devel/dist.sh" --out "$out/dist"
tb=$(tail -n1 "$out/dist.log")
if command -v dkms >/dev/null; then
	kernel_info "$dkms_kernel"
	dk=${kdir[$dkms_kernel]:-$("$top/devel/fetch-kernel.sh" "$dkms_kernel")}
	v=$(basename "$tb" .tar.xz)
	v=${v#ovpn-backports-}
	d="$out/dkms"
	rm -rf "$d"
	mkdir -p "$d/source" "$d/tree" "$d/install"
	tar -xJf "$tb" -C "$d/source"
	mv "$d/source/ovpn-backports-$v" "$d/source/ovpn-$v"
	dkms_args=(-m ovpn -v "$v" --sourcetree "$d/source" --dkmstree "$d/tree" --installtree "$d/install")
	dkms_build() { dkms add "${dkms_args[@]}" && dkms build "${dkms_args[@]}" -k "$KABI" --kernelsourcedir "$dk"; }
	step "dkms-build:$dkms_kernel" "$(dkms --version 2>/dev/null | head -n1), private tree" dkms_build || true
else
	# No dkms here: what DKMS runs, a plain make of the unpacked tarball.
	d="$out/dkms"
	rm -rf "$d"
	mkdir -p "$d"
	tar -xJf "$tb" -C "$d"
	step "tarball-make:$dkms_kernel" "dkms not installed: make KERNEL_SRC= of the unpacked tarball" \
		make -C "$d/$(basename "$tb" .tar.xz)" KERNEL_SRC="${kdir[$dkms_kernel]}" || true
fi

if [ "$matrix" = 1 ]; then
	# shellcheck disable=SC2086 # the kernel list is space-separated
	step matrix "$(echo $kernels | wc -w) kernels, one after the other" \
		"$top/devel/matrix.sh" --tree "$out/gen" $kernels || true
fi
! grep -q 'FAILED' "$tsv"
