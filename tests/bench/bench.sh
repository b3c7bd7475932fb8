#!/usr/bin/env bash
# make bench: throughput, latency and CPU cost of our ovpn against OpenVPN's
# userspace data channel (6.1) and against the in-tree ovpn (7.3), in qemu
# guests of tests/vm, plus the seconds the pipeline takes. Prints a table,
# writes results.json and a chart; the results directory is printed last.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=devel/kernels.sh
. "$top/devel/kernels.sh"
# shellcheck source=tests/vm/slots.sh
. "$top/tests/vm/slots.sh"
# shellcheck source=tests/bench/icount.sh
. "$here/icount.sh"

usage() {
	cat <<'USAGE'
Usage: bench.sh [--quick | --smoke | --deterministic [--profile]] [--kernels LIST]
                [--reps N] [--seconds S] [--pings N] [--udp-rate RATE] [--bytes N]
                [--variants LIST|all] [--tun-mtu N] [--[no-]cpu-modules] [--payload N]
                [--latency] [--netem-loss PCT]
                [--no-pipeline] [--results DIR] [--module [K=]PATH/ovpn.ko]

Boots one qemu guest per kernel (tests/vm/vmtest.sh --tests bench) and runs
every variant once per repetition, in turn, so drift hits all alike:
  debian-6.1  veth (ceiling), cli-udp-aes (ovpn-cli pair, no OpenVPN), and
              OpenVPN 2.7 over our ovpn (dco-*) vs --disable-dco (user-*), for
              udp/tcp x aes (AES-256-GCM) / chacha (CHACHA20-POLY1305)
  debian-7.3  veth, and for cli-udp-aes, dco-udp-aes, dco-tcp-aes: our ovpn
              built for 7.3 (.ours, insmod) vs the in-tree ovpn (.intree)
Each measurement: iperf3 TCP 1 and 4 streams, iperf3 UDP at a fixed offered
load (loss, received rate), N pings (median, p99), guest CPU s per GB.
Before the guests (unless --no-pipeline): seconds of fetch, transform, build
per kernel, a DKMS build of the release tarball (tests/bench/pipeline-cost.sh).

  (default)       full run: 5 repetitions, 5 s per iperf3 run (+1 s omitted),
                  300 pings, pipeline with devel/matrix.sh (about an hour)
  --quick         2 repetitions, 2 s, 100 pings, pipeline without the matrix
                  (about 10-15 minutes)
  --smoke         debian-6.1 only, 1 repetition, 1 s, 20 pings, no pipeline
                  (the make check suite: all variants present, no speed asserted)
  --deterministic guest instructions instead of seconds: the guest runs under
                  qemu -icount (one vCPU; its clock counts instructions) with
                  the TCG plugin tests/bench/icount-plugin.c; per variant and
                  repetition one iperf3 UDP transfer of --bytes at --udp-rate
                  in 1200-byte datagrams, counted between two marker
                  instructions (tests/bench/icount-mark.c): guest instructions
                  per byte delivered, user and kernel apart, and the Ip
                  FragCreates/ReasmReqds and Tcp RetransSegs of the transfer.
                  debian-7.3 by default: cli-udp-aes, dco-udp-aes, ours vs
                  in-tree (about 10 minutes); on other kernels dco-* vs user-*
                  over udp and tcp with aes; 2 repetitions, no pipeline,
                  --tun-mtu 1420. icount-report.py prints the spread of a
                  variant's rounds (fails above 0.5 % of all or kernel
                  instructions) and the ours/in-tree and dco/user ratios.
  --profile       --deterministic with a per-function profile: the plugin also
                  counts the instructions per kernel block address, the guest
                  saves its kernel symbols per measurement, and
                  tests/bench/icount-profile.py prints per variant the top
                  kernel functions (instructions per byte) and the difference
                  of the first two variants. Default variants: cli-udp-aes,
                  cli-udp-chacha (ours)
  --variants L    these variants (a comma list, see tests/bench/guest-bench.sh
                  --help) on every kernel, or "all": with --deterministic on
                  7.3 cli-udp and dco-udp/tcp x aes/chacha, each .ours and
                  .intree (12); on other kernels dco and user x udp/tcp x
                  aes/chacha (8)
  --tun-mtu N     the tunnel's MTU on both ends (OpenVPN tun-mtu, the ovpn-cli
                  interface's MTU), so that the encapsulated packet fits the
                  guest's 1500-byte veth: UDP adds 52 bytes (IPv4 20, UDP 8,
                  opcode and peer id 4, packet id 4, tag 16), TCP 78 (IPv4 20,
                  TCP 32 with timestamps, length 2, then the same 24); default
                  1420 with --deterministic, else none (OpenVPN's 1500)
  --kernels LIST  debian-6.1,debian-7.3 (default both; --deterministic:
                  debian-7.3)
  --cpu-modules   the guest first loads the modules udev would load for its
                  CPU (on 7.3: aesni-intel, kvm-amd, ccp), as on a real
                  machine; the default with --deterministic. The test guest
                  has no udev: with --no-cpu-modules (the default of the other
                  modes) the crypto API uses what is built in or loaded by
                  name only (on 7.3 AES-GCM block by block)
  --bytes N       the deterministic transfer's size (default 16000000)
  --udp-rate R    iperf3 -b of the UDP test (default 40M)
  --payload N     --deterministic: datagrams of N bytes (default 1200; 64 and
                  512 for small packets); --bytes and --udp-rate are scaled by
                  N/1200, so a transfer has the same packets at the same packet
                  rate, and icount-report.py adds instructions per packet
  --latency       --deterministic: 50 pings through the idle tunnel, then a
                  ping every 10 ms during the transfer (its instructions count
                  too); round trips in guest-clock ms (one instruction a ns)
  --netem-loss P  after the setup both ends of the veth pair (the tunnel's
                  transport) lose P % of their packets (netem; random, so
                  counts spread more: TCP transport retransmits)
  --results DIR   default build/bench/<timestamp>
  --module [K=]KO test this ovpn.ko on kernel K instead of building one from
                  backports/ (its vermagic must match K); without K=, the one
                  kernel of the run (make bench MODULE=KO)
Output in DIR: results.json (every repetition + medians, min-max, ratios,
pipeline seconds, host load), table.txt, bench.png, per-kernel guest logs.
The guests hold every guest slot of tests/vm (tests/vm/slots.sh): no other
guest runs beside them (a run may wait for those running).
USAGE
}

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

mode=full kernels="debian-6.1 debian-7.3" reps="" secs="" omit="" pings="" rate=40M
pipeline="" results="" bytes=16000000 profile="" variants_given="" tun_mtu=unset module_any=""
cpu_modules=unset payload=1200 latency=0 netem_loss=""
declare -A given_ko=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--quick) mode=quick; shift ;;
	--smoke) mode=smoke; kernels=debian-6.1; shift ;;
	--deterministic) mode=deterministic; kernels=debian-7.3; shift ;;
	--profile) mode=deterministic; kernels=debian-7.3; profile=1; shift ;;
	--variants) variants_given="${2//,/ }"; shift 2 ;;
	--cpu-modules) cpu_modules=1; shift ;;
	--no-cpu-modules) cpu_modules=0; shift ;;
	--bytes) bytes="$2"; shift 2 ;;
	--payload) payload="$2"; shift 2 ;;
	--latency) latency=1; shift ;;
	--netem-loss) netem_loss="$2"; shift 2 ;;
	--kernels) kernels="${2//,/ }"; shift 2 ;;
	--reps) reps="$2"; shift 2 ;;
	--seconds) secs="$2"; shift 2 ;;
	--pings) pings="$2"; shift 2 ;;
	--udp-rate) rate="$2"; shift 2 ;;
	--no-pipeline) pipeline=none; shift ;;
	--results) results="$2"; shift 2 ;;
	--tun-mtu) tun_mtu="$2"; shift 2 ;;
	--module)
		if [[ "$2" == *=* ]]; then given_ko[${2%%=*}]=$(readlink -f "${2#*=}")
		else module_any=$(readlink -f "$2"); fi
		shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case "$mode" in
full) : "${reps:=5}" "${secs:=5}" "${omit:=1}" "${pings:=300}" "${pipeline:=matrix}" ;;
quick) : "${reps:=2}" "${secs:=2}" "${omit:=0}" "${pings:=100}" "${pipeline:=builds}" ;;
smoke) : "${reps:=1}" "${secs:=1}" "${omit:=0}" "${pings:=20}" "${pipeline:=none}" ;;
deterministic) : "${reps:=2}" "${secs:=0}" "${omit:=0}" "${pings:=0}" "${pipeline:=none}"
	[ "$tun_mtu" != unset ] || tun_mtu=1420
	[ "$cpu_modules" != unset ] || cpu_modules=1
	[[ "$bytes" =~ ^[1-9][0-9]*$ ]] || die "--bytes takes a number of bytes"
	if ! [[ "$payload" =~ ^[1-9][0-9]*$ ]] || [ "$payload" -gt 1400 ]; then
		die "--payload takes a datagram size of 1 to 1400 bytes"
	fi
	# the same packets at the same packet rate as 1200-byte datagrams
	bytes=$((bytes * payload / 1200))
	rate=$(numfmt --from=si "$rate" | awk -v p="$payload" '{printf "%d", $1 * p / 1200}') ;;
esac
[ "$payload" = 1200 ] || [ "$mode" = deterministic ] || die "--payload: with --deterministic"
[ "$latency" = 0 ] || [ "$mode" = deterministic ] || die "--latency: with --deterministic"
[[ "$netem_loss" =~ ^([0-9]+(\.[0-9]+)?)?$ ]] || die "--netem-loss takes a percentage, such as 1"
[ "$tun_mtu" != unset ] || tun_mtu=""
[ "$cpu_modules" != unset ] || cpu_modules=0
[ "$variants_given" != all ] || [ "$mode" = deterministic ] || die "--variants all: with --deterministic (the other modes run all)"
[[ "$tun_mtu" =~ ^([1-9][0-9]*)?$ ]] || die "--tun-mtu takes a number of bytes"
if [ -n "$module_any" ]; then
	[ "$(echo "$kernels" | wc -w)" = 1 ] || die "--module PATH (MODULE=) needs one kernel (--kernels, KERNEL=)"
	given_ko[${kernels// /}]=$module_any
fi
for k in $kernels; do kernel_info "$k" >/dev/null || die "unknown kernel $k"; done
for t in python3 jq gnuplot iperf3; do
	command -v "$t" >/dev/null || die "$t not found: install the packages in tests/vm/host-packages.txt"
done

variants_of() {
	case "$variants_given" in
	all) all_variants_of "$1"; return ;;
	?*) echo "$variants_given"; return ;;
	esac
	[ -z "$profile" ] || { echo "cli-udp-aes.ours cli-udp-chacha.ours"; return; }
	case "$mode:$1" in
	deterministic:debian-7.3)
		echo "cli-udp-aes.ours cli-udp-aes.intree dco-udp-aes.ours dco-udp-aes.intree" ;;
	deterministic:*) echo "dco-udp-aes user-udp-aes dco-tcp-aes user-tcp-aes" ;;
	*:debian-7.3)
		echo "veth cli-udp-aes.ours cli-udp-aes.intree dco-udp-aes.ours dco-udp-aes.intree" \
			"dco-tcp-aes.ours dco-tcp-aes.intree" ;;
	*)
		echo "veth cli-udp-aes dco-udp-aes user-udp-aes dco-udp-chacha user-udp-chacha" \
			"dco-tcp-aes user-tcp-aes dco-tcp-chacha user-tcp-chacha" ;;
	esac
}

# all_variants_of K: --variants all, deterministic mode: every pair it compares
all_variants_of() {
	case "$1" in
	debian-7.3) echo cli-udp-{aes,chacha}.{ours,intree} dco-{udp,tcp}-{aes,chacha}.{ours,intree} ;;
	*) echo {dco,user}-{udp,tcp}-{aes,chacha} ;;
	esac
}
# (ovpn-cli's TCP mode exchanges its own test data first and keys AES-GCM only)
[[ " $variants_given" != *" cli-tcp"* ]] || die "cli variants are UDP only"

results="${results:-$top/build/bench/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
results=$(cd "$results" && pwd)
t_run=$(date +%s)

# host context: the guests run alone (every guest slot held), host builds do not
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "mode: $mode"
	echo "checkout: $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "cpu: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1) x $(nproc)"
	echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
	echo "kernel: $(uname -r)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n1)"
	echo "uptime-start: $(uptime)"
} > "$results/host.txt"
# load average every 10 s while the benchmark runs
(while :; do echo "$(date +%s) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done) > "$results/host-load.txt" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

# step_time NAME SECONDS: a host step's duration, for the report
step_time() { printf '%s\t%s\n' "$1" "$2" >> "$results/steps.tsv"; log "$1: $2 s"; }
: > "$results/steps.tsv"

t0=$(date +%s)
"$top/tests/vm/build-tools.sh" > /dev/null
step_time build-tools $(($(date +%s) - t0))

if [ "$pipeline" != none ]; then
	t0=$(date +%s)
	pargs=(--out "$results/pipeline")
	[ "$pipeline" != matrix ] || pargs+=(--matrix)
	[ "$pipeline" = matrix ] || pargs+=(--kernels "$kernels")
	log "pipeline cost ($pipeline)"
	"$here/pipeline-cost.sh" "${pargs[@]}" || log "a pipeline step failed (see $results/pipeline)"
	step_time pipeline $(($(date +%s) - t0))
fi

# Our modules first: the guests then run back to back under one hold of the
# machine's guest slots (no other guest between the kernels' runs).
declare -A ko_of=()
for k in $kernels; do
	t0=$(date +%s)
	if [ -n "${given_ko[$k]:-}" ]; then
		ko=${given_ko[$k]}
		[ -f "$ko" ] || die "no such module: $ko"
	else
		kdir=$("$top/devel/fetch-kernel.sh" "$k")
		bargs=(--quiet)
		# The benchmark-only override: our module for a kernel with ovpn in-tree
		# (users keep the refusal of scripts/check-kernel.sh).
		[ "$k" != debian-7.3 ] || bargs+=(--allow-intree)
		mkdir -p "$results/modules"
		"$top/scripts/build.sh" "${bargs[@]}" "$kdir" "$results/modules/$k" > "$results/modules/$k.txt" 2>&1 ||
			{ cat "$results/modules/$k.txt" >&2; die "building ovpn.ko for $k failed"; }
		ko="$results/modules/$k/ovpn.ko"
	fi
	ko_of[$k]=$ko
	echo "module-$k: $ko ($(modinfo -F version "$ko"))" >> "$results/host.txt"
	step_time "module-build:$k" $(($(date +%s) - t0))
done

if [ "$mode" = deterministic ]; then
	icount_build "$results/icount"
	# instructions do not depend on the host's load: one guest slot, as vmtest takes it
	lock_env=()
else
	log "waiting for every guest slot of the machine (its other guests run first)"
	t0=$(date +%s)
	hold_all_slots
	step_time lock-wait $(($(date +%s) - t0))
	lock_env=(VMTEST_LOCK_HELD=1)
fi
overall=0
for k in $kernels; do
	ko=${ko_of[$k]}
	conf="$results/conf-$k.env"
	variants=$(variants_of "$k")
	{
		echo "BENCH_VARIANTS='$variants'"
		echo "BENCH_REPS=$reps"
		echo "BENCH_SECONDS=$secs"
		echo "BENCH_OMIT=$omit"
		echo "BENCH_PINGS=$pings"
		echo "BENCH_UDP_RATE=$rate"
		echo "BENCH_TUN_MTU=$tun_mtu"
		echo "BENCH_CPU_MODULES=$cpu_modules"
		echo "BENCH_LATENCY=$latency"
		echo "BENCH_NETEM_LOSS=$netem_loss"
	} > "$conf"
	vargs=(--kernel "$k" --tests bench --results "$results")
	if [ "$mode" = deterministic ]; then
		printf "BENCH_ICOUNT_MARK='%s'\nBENCH_BYTES=%s\nBENCH_PROFILE=%s\nBENCH_PAYLOAD=%s\n" \
			"$results/icount/icount-mark" "$bytes" "${profile:-0}" "$payload" >> "$conf"
		vargs+=(--icount "$results/icount/icount-plugin.so")
		[ -z "$profile" ] || vargs+=(--icount-profile)
	else
		# (one host thread per vCPU: the throughput of both guest CPUs)
		vargs+=(--tcg-threads multi)
	fi
	if [ "$k" = debian-7.3 ]; then
		echo "BENCH_OURS_KO='$ko'" >> "$conf"
		vargs+=(--native)
	else
		vargs+=(--module "$ko")
	fi
	# the guest's time bound: generous per measurement (the 7.3 guest is ~2x slower)
	nv=$(echo "$variants" | wc -w)
	per=$((3 * (secs + omit) + pings / 50 + 40))
	[ "$k" != debian-7.3 ] || per=$((per * 2))
	[ "$mode" != deterministic ] || per=$((300 + bytes / 50000))
	vargs+=(--timeout $((nv * reps * per + 300)))
	log "$k: $nv variants x $reps repetitions (guest bound $((nv * reps * per + 300)) s)"
	echo "load-before-$k: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$results/host.txt"
	t0=$(date +%s)
	set +e
	env ${lock_env[@]+"${lock_env[@]}"} VM_BENCH_CONF="$conf" "$top/tests/vm/vmtest.sh" "${vargs[@]}" 2>&1 |
		tee "$results/vmtest-$k.log" |
		grep --line-buffered -E 'vmtest: bench|booting|guest took|splat|FAIL|fail' | sed -u 's/^\[[^]]*\] vmtest: //'
	rc=${PIPESTATUS[0]}
	set -e
	step_time "guest:$k" $(($(date +%s) - t0))
	[ "$rc" = 0 ] || { overall=1; log "$k: vmtest.sh exited $rc (see $results/vmtest-$k.log)"; }
done
[ "$mode" = deterministic ] || release_slots
echo "uptime-end: $(uptime)" >> "$results/host.txt"
kill "$sampler" 2>/dev/null || true
step_time total $(($(date +%s) - t_run))

if [ "$mode" = deterministic ]; then
	python3 "$here/icount-report.py" "$results" --kernels "$kernels" || overall=1
	[ -z "$profile" ] || python3 "$here/icount-profile.py" "$results" --kernel "$kernels" |
		tee "$results/profile.txt" || overall=1
else
	python3 "$here/report.py" "$results" --kernels "$kernels" --mode "$mode" || overall=1
fi
echo "$results"
exit "$overall"
