# SPDX-License-Identifier: GPL-2.0
# ovpn-backports: the upstream Linux ovpn driver for kernels 5.4 to 6.15.
#
#   make sources [UPSTREAM=...]   fetch upstream ovpn + generate backports/
#   make [KERNEL_SRC=DIR|KVER=X|KERNEL=debian-6.1]   build and verify ovpn.ko
#        [OVPN_FORCE_V4MAPPED_SHIM=1]   ... with the v4-mapped udp_encap shim on any kernel
#   make probe-report [KERNEL_SRC=DIR|KVER=X|KERNEL=debian-6.1]   what each compat gate decides
#                                 on that kernel (native or shim, and why); every build also
#                                 writes it to build/<kernel>/probe-report.txt
#   make install                  install into /lib/modules/<kernel>/updates
#   make clean | distclean        remove build products (| and backports/)
#   make matrix                   build against every kernel of the test matrix
#   make check                    all tests (what CI runs)
#   make vmtest KERNEL=debian-6.1|all [TESTS=fast|full|LIST] [MODULE=ko]   qemu tests
#   make bench [QUICK=1]          performance report in qemu guests (tests/bench; ~1 h, QUICK=1 ~15 min)
#   make dist                     reproducible release tarball dist/ovpn-backports-<version>.tar.xz
#   make deb | rpm                ovpn-dkms .deb / .rpm from that tarball, into dist/
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
OVPN_FORCE_V4MAPPED_SHIM ?=

.PHONY: all build sources install clean distclean matrix check vmtest bench help kernel-dir probe-report
.PHONY: dist deb rpm dkms-install dkms-remove dkms.conf

# The package version: what modinfo shows (backports/PROVENANCE).
PKG_VERSION = $(shell sed -n 's/^PACKAGE_VERSION=//p' $(TOP)/backports/PROVENANCE 2>/dev/null)

all: build

help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' $(TOP)/Makefile

sources:
	@upstream_dir=$$($(TOP)/devel/fetch-upstream.sh '$(UPSTREAM)') && \
	$(TOP)/devel/gentree.sh "$$upstream_dir" && \
	$(MAKE) --no-print-directory -f $(TOP)/Makefile dkms.conf

# dkms.conf carries the version of the generated tree (the release tarball ships it).
dkms.conf: $(TOP)/backports/PROVENANCE
	@sed 's/@PACKAGE_VERSION@/$(PKG_VERSION)/g' $(TOP)/dkms.conf.in > $(TOP)/dkms.conf.tmp && \
	mv $(TOP)/dkms.conf.tmp $(TOP)/dkms.conf && echo "dkms.conf: ovpn $(PKG_VERSION)"

# Regenerated when the semantic patches change (a checkout; the release
# tarball ships no patches/, so there the shipped tree is used as it is).
$(TOP)/backports/PROVENANCE: $(wildcard $(TOP)/patches/series $(TOP)/patches/*.cocci $(TOP)/patches/*.patch)
	@$(MAKE) --no-print-directory -f $(TOP)/Makefile sources

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
	@$(TOP)/devel/matrix.sh

check:
	@$(TOP)/tests/run.sh

# KERNEL: debian-5.10, debian-6.1, debian-6.12, debian-7.3 (its in-tree ovpn),
# a comma list, or all. MODULE=path/ovpn.ko tests that module instead of one
# built from backports/. VMTEST_FLAGS passes more (e.g. --results DIR).
vmtest: $(TOP)/backports/PROVENANCE
	@$(TOP)/tests/vm/vmtest.sh --kernel '$(or $(KERNEL),debian-6.1)' --tests '$(TESTS)' \
		$(if $(MODULE),--module '$(MODULE)') $(VMTEST_FLAGS)

# Our ovpn vs OpenVPN's userspace data channel (6.1) and vs the in-tree ovpn
# (7.3), plus the pipeline's seconds; BENCH_FLAGS passes more (see bench.sh --help).
bench: $(TOP)/backports/PROVENANCE
	@$(TOP)/tests/bench/bench.sh $(if $(filter-out 0,$(QUICK)),--quick) $(BENCH_FLAGS)

endif
