# Make front end of the qemu runtime tests, for the top-level Makefile:
#   include tests/vm/vmtest.mk
#   make vmtest KERNEL=debian-6.1 [TESTS=fast|full|LIST] [MODULE=path/ovpn.ko]
# KERNEL takes debian-5.10, debian-6.1, debian-6.12, debian-7.3 (in-tree ovpn), a
# comma list, or all. Without MODULE, ovpn.ko is built from backports/ (7.3: the
# in-tree module). VMTEST_FLAGS passes anything else (e.g. --results DIR).
KERNEL ?= debian-7.3
TESTS ?= fast
MODULE ?=
VMTEST_FLAGS ?=

.PHONY: vmtest vmtest-report
vmtest:
	tests/vm/vmtest.sh --kernel $(KERNEL) --tests $(TESTS) $(if $(MODULE),--module $(MODULE)) $(VMTEST_FLAGS)

# make vmtest-report RESULTS=dir: the table of an earlier run
vmtest-report:
	tests/vm/vmtest.sh --report $(RESULTS)
