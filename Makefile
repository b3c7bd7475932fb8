# SPDX-License-Identifier: GPL-2.0
# ovpn-backports: the upstream Linux ovpn driver for the kernels before it went in-tree.
#
#   make sources [UPSTREAM=...]   fetch upstream ovpn + generate backports/
#   make [KERNEL_SRC=DIR|KVER=X|KERNEL=debian-6.1]   build and verify ovpn.ko
#        [OVPN_FORCE_V4MAPPED_SHIM=1]   ... with the v4-mapped udp_encap shim on any kernel
#   make probe-report [KERNEL_SRC=DIR|KVER=X|KERNEL=debian-6.1]   what each compat gate decides
#                                 on that kernel (native or shim, and why); every build also
#                                 writes it to build/<kernel>/probe-report.txt
#   make install                  install into /lib/modules/<kernel>/updates
#   make clean | distclean        remove build products (| and backports/)
#   make matrix [ALL_POINT_RELEASES=1]   build against every kernel of the test matrix
#                                 (=1: every Debian point release of each series the mirror has)
#   make check                    all tests (what CI runs)
#   make vmtest KERNEL=debian-6.1|all [TESTS=fast|full|LIST] [MODULE=ko]   qemu tests
#   make vmtest IMAGE=DIR [TESTS=...]   ... on another kernel: its bzImage + lib/modules (tests/vm)
#   make vmtest DEBUG=6.1 [TESTS=...]   ... on a KASAN/kmemleak/lockdep kernel built here
#   make selftest [TESTS=fast|full|LIST]   the runtime tests on this machine, as root, with
#                                 the ovpn installed here (network namespaces, no qemu)
#   make bench [QUICK=1]          performance report in qemu guests (tests/bench; ~1 h, QUICK=1 ~15 min)
#   make bench DETERMINISTIC=1 [KERNEL=K] [MODULE=ko]   guest instructions per byte (qemu -icount),
#                                 7.3 ours vs in-tree; other kernels OpenVPN DCO vs userspace
#   make dist                     reproducible release tarball dist/ovpn-backports-<version>.tar.xz
#   make deb | rpm                ovpn-backports-dkms .deb / .rpm from that tarball, into dist/
#   make dkms-install [KVER=X]    add, build and install with DKMS (root) | make dkms-remove
#   make help

# Kbuild re-reads this directory's Kbuild file; this Makefile is only the front end.
# (DKMS runs the front end with KERNELRELEASE=<kernel> on the command line: only
# kbuild also sets src.)
ifneq ($(and $(KERNELRELEASE),$(src)),)
include $(src)/Kbuild
else

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
UPSTREAM ?= pin
KERNEL_SRC ?=
KVER ?=
KERNEL ?=
TESTS ?= fast
INSTALL_MOD_PATH ?=
DEPMOD ?= depmod
DEST ?=
OVPN_FORCE_V4MAPPED_SHIM ?=

.PHONY: all build sources install clean distclean matrix check vmtest selftest bench help probe-report
.PHONY: dist deb rpm dkms-install dkms-remove dkms.conf dkms-tree

# What /usr/src/ovpn-<version> (the DKMS tree) holds: the one list the release
# tarball (devel/dist.sh), the .deb (debian/rules) and the .rpm (the spec) use.
DKMS_TREE := Kbuild Makefile dkms.conf backports compat scripts

all: build

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' $(TOP)/Makefile
	@. $(TOP)/scripts/kernel-tree.sh && echo "Supported kernels: Linux $$(krange_text) (scripts/kernel-range.conf)"

ifneq ($(wildcard $(TOP)/devel/gentree.sh),)
# A checkout: backports/ and dkms.conf are generated here.
GENTREE = upstream_dir=$$($(TOP)/devel/fetch-upstream.sh '$(UPSTREAM)') && \
	$(TOP)/devel/gentree.sh "$$upstream_dir"
SUBST_DKMS_CONF = $(TOP)/devel/subst.sh $(TOP)/dkms.conf.in > $(TOP)/dkms.conf.tmp && \
	mv $(TOP)/dkms.conf.tmp $(TOP)/dkms.conf && \
	echo "dkms.conf: ovpn $$(sed -n 's/^PACKAGE_VERSION=//p' $(TOP)/backports/PROVENANCE)"

# Always regenerates (UPSTREAM= may name another upstream), then dkms.conf.
sources:
	@$(GENTREE) && $(SUBST_DKMS_CONF)

# Regenerated when what it is made from changes: the pin, the release counter
# (VERSION), the generator, the semantic patches.
$(TOP)/backports/PROVENANCE: $(TOP)/upstream.pin $(TOP)/VERSION $(TOP)/devel/gentree.sh \
		$(wildcard $(TOP)/patches/series $(TOP)/patches/*.cocci $(TOP)/patches/*.patch)
	@$(GENTREE)

# dkms.conf carries the version of the generated tree and the kernel range.
$(TOP)/dkms.conf: $(TOP)/dkms.conf.in $(TOP)/backports/PROVENANCE $(TOP)/scripts/kernel-range.conf \
		$(TOP)/devel/subst.sh
	@$(SUBST_DKMS_CONF)

distclean: clean
	rm -rf $(TOP)/backports $(TOP)/dist $(TOP)/dkms.conf

dist: $(TOP)/backports/PROVENANCE
	@$(TOP)/devel/dist.sh

deb: $(TOP)/backports/PROVENANCE
	@tb=$$($(TOP)/devel/dist.sh) && $(TOP)/devel/mkpkg.sh deb "$$tb"

rpm: $(TOP)/backports/PROVENANCE
	@tb=$$($(TOP)/devel/dist.sh) && $(TOP)/devel/mkpkg.sh rpm "$$tb"

dkms-install: $(TOP)/backports/PROVENANCE
	@tb=$$($(TOP)/devel/dist.sh) && $(TOP)/devel/dkms.sh install "$$tb" $(KVER)

dkms-remove:
	@$(TOP)/devel/dkms.sh remove

matrix: $(TOP)/backports/PROVENANCE
	@$(TOP)/devel/matrix.sh $(if $(filter-out 0,$(ALL_POINT_RELEASES)),--all-point-releases)

check:
	@$(TOP)/tests/run.sh

# KERNEL: debian-5.10, debian-6.1, debian-6.12, debian-7.3 (its in-tree ovpn),
# a comma list, or all; IMAGE=PATH another kernel (vmtest.sh --image),
# DEBUG=5.10|6.1|6.12 (a comma list) a debug kernel of that series
# (vmtest.sh --debug-kernel), with or instead of KERNEL. MODULE=path/ovpn.ko tests that module instead of one
# built from backports/. VMTEST_FLAGS passes more (e.g. --results DIR).
vmtest: $(TOP)/backports/PROVENANCE
	@$(TOP)/tests/vm/vmtest.sh $(if $(or $(KERNEL),$(IMAGE),$(DEBUG)),,--kernel debian-6.1) \
		$(if $(KERNEL),--kernel '$(KERNEL)') $(if $(IMAGE),--image '$(IMAGE)') \
		$(if $(DEBUG),--debug-kernel '$(DEBUG)') --tests '$(or $(TESTS),fast)' \
		$(if $(MODULE),--module '$(MODULE)') $(VMTEST_FLAGS)

# The runtime tests on this machine (root; the ovpn installed here);
# SELFTEST_FLAGS passes more (see tests/selftest/run.sh --help).
selftest:
	@$(TOP)/tests/selftest/run.sh --tests '$(or $(TESTS),fast)' $(SELFTEST_FLAGS)

# Our ovpn vs OpenVPN's userspace data channel (6.1) and vs the in-tree ovpn
# (7.3), plus the pipeline's seconds; DETERMINISTIC=1: instructions counted
# instead of seconds; KERNEL=LIST those kernels; MODULE=path/ovpn.ko that
# module instead of one built from backports/ (one kernel); BENCH_FLAGS passes
# more (see bench.sh --help).
bench: $(TOP)/backports/PROVENANCE
	@$(TOP)/tests/bench/bench.sh $(if $(filter-out 0,$(QUICK)),--quick) \
		$(if $(filter-out 0,$(DETERMINISTIC)),--deterministic) \
		$(if $(KERNEL),--kernels '$(KERNEL)') $(if $(MODULE),--module '$(MODULE)') $(BENCH_FLAGS)
else
# The release tarball: backports/ and dkms.conf are shipped generated; nothing
# here regenerates them (there are no patches/ and no devel/).
sources dist deb rpm dkms-install dkms-remove matrix check vmtest selftest bench:
	@echo "ovpn-backports: 'make $@' needs a git checkout of ovpn-backports: this release" \
		"tarball ships backports/ generated and no developer tooling (devel/)" >&2; exit 1

# (backports/ and dkms.conf cannot be made again here: distclean is clean)
distclean: clean
endif

dkms.conf: $(TOP)/dkms.conf

# make dkms-tree DEST=DIR: install the DKMS tree into DIR (the packages do).
dkms-tree: $(TOP)/dkms.conf $(TOP)/backports/PROVENANCE
	@[ -n '$(DEST)' ] || { echo "make dkms-tree: give DEST=DIR" >&2; exit 2; }
	@mkdir -p '$(DEST)' && cp -a $(addprefix $(TOP)/,$(DKMS_TREE)) '$(DEST)/'

# The kernel tree: KERNEL_SRC, else /lib/modules/KVER/build, else a matrix kernel
# by name (KERNEL=debian-6.1, fetched into the cache), else the running kernel's.
build: $(TOP)/backports/PROVENANCE
	@kdir=$$($(TOP)/scripts/kernel-dir.sh '$(KERNEL_SRC)' '$(KVER)' '$(KERNEL)') && \
	OVPN_FORCE_V4MAPPED_SHIM='$(OVPN_FORCE_V4MAPPED_SHIM)' \
		$(TOP)/scripts/build.sh --copy-to $(TOP)/ovpn.ko "$$kdir" && \
	echo "ovpn.ko: $$(modinfo -F version $(TOP)/ovpn.ko)" && \
	echo "ovpn.ko: vermagic $$(modinfo -F vermagic $(TOP)/ovpn.ko)"

probe-report: $(TOP)/backports/PROVENANCE
	@kdir=$$($(TOP)/scripts/kernel-dir.sh '$(KERNEL_SRC)' '$(KVER)' '$(KERNEL)') && \
	OVPN_FORCE_V4MAPPED_SHIM='$(OVPN_FORCE_V4MAPPED_SHIM)' \
		$(TOP)/scripts/build.sh --allow-intree --quiet --report-only "$$kdir"

install:
	@$(TOP)/scripts/install.sh $(if $(INSTALL_MOD_PATH),--root $(INSTALL_MOD_PATH)) $(TOP)/ovpn.ko

clean:
	rm -rf $(TOP)/build $(TOP)/ovpn.ko

endif
