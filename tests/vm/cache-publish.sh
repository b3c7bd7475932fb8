# shellcheck shell=bash
# Sourced by the builders of tests/vm's cached directories (build-tools.sh,
# build-tools-arch.sh): a directory is built in a scratch directory of the
# cache and published whole, OK last, so a reader never sees half of one.

# cache_publish TMP OUT T0: TMP (OK in it) becomes OUT, its removal at exit
# cancelled; log the seconds since T0 and print OUT
cache_publish() {
	touch "$1/OK"
	rm -rf "$2"
	mv "$1" "$2"
	trap - EXIT
	log "done in $(($(date +%s) - $3)) s: $2"
	echo "$2"
}
