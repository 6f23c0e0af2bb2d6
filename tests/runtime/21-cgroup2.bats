#!/usr/bin/env bats
# cgroup v2 resources (issues 5 and 7): every linux.resources field written
# to the unified hierarchy's files and read back from the host (memory,
# pids, cpu, cpuset, io, hugetlb, rdma, unified), and the limits holding
# inside where that can be seen.  21-cgroup2-ops.bats has the rest of v2.
#
# Every test needs a pure cgroup v2 host with the memory, pids and cpu
# controllers: elsewhere (this project's CI host has v1 controllers) they
# skip with the reason, and `make check-cgroup2` runs them in a VM
# (tests/vm, docs/cgroup2-lane.md) where the payload also provides a block
# device (null_blk, iocost enabled), a soft-RoCE device (rxe0) and the fuse
# and loop drivers.

load ../helpers
load cgroup2

setup() {
	cgroup2_setup
}

teardown() {
	teardown_bundle
}

# ---- memory ------------------------------------------------------------------

@test "cgroups v2: memory.max, memory.low, memory.swap.max, and memory.min and memory.high through unified" {
	has_ctrl memory
	update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}
		| .linux.resources.unified = {"memory.min": "8388608", "memory.high": "50331648"}'
	create_waiting
	is "$CG/memory.max" 67108864
	is "$CG/memory.low" 33554432
	is "$CG/memory.min" 8388608
	is "$CG/memory.high" 50331648
	[ -e "$CG/memory.swap.max" ] || skip "no swap accounting (memory.swap.max)"
	# swap is memory+swap in the spec, swap alone in v2.
	is "$CG/memory.swap.max" 33554432
}

@test "cgroups v2: memory limit and swap -1 are max, swap equal to the limit is no swap" {
	has_ctrl memory
	update_config '.linux.resources.memory = {"limit": -1, "swap": -1}'
	create_waiting
	is "$CG/memory.max" max
	[ ! -e "$CG/memory.swap.max" ] || is "$CG/memory.swap.max" max
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	create_waiting
	is "$CG/memory.max" 33554432
	[ ! -e "$CG/memory.swap.max" ] || is "$CG/memory.swap.max" 0
}

@test "cgroups v2: an OOM kill shows in memory.events, the container goes on" {
	has_ctrl memory
	# No swap, so that the kernel has to kill.
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	# busybox tail keeps /dev/zero's one endless "line" in memory.
	set_args /bin/sh -c 'tail /dev/zero; echo "tail: $?" >/dev/shm/tail-status; exec /probe pause'
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	CG=$(cgdir "$CT_PID")
	[ "$(key "$CG/memory.events" oom_kill)" = 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	retry 300 0.1 test -e "/proc/$CT_PID/root/dev/shm/tail-status"
	# SIGKILL: 128 + 9.
	[ "$(cat "/proc/$CT_PID/root/dev/shm/tail-status")" = "tail: 137" ]
	[ "$(key "$CG/memory.events" oom_kill)" -ge 1 ]
	[ "$(key "$CG/memory.events" oom)" -ge 1 ]
	[ "$(key "$CG/memory.events" max)" -ge 1 ]
	# Only tail was killed: the init is still there.
	wait_for_state "$CT_ID" running
	retry 100 0.1 nproc_is 1
}

# ---- pids ----------------------------------------------------------------------

@test "cgroups v2: pids.max is written, -1 is max, and the limit holds inside" {
	has_ctrl pids
	update_config '.linux.resources.pids = {"limit": -1}'
	create_waiting
	is "$CG/pids.max" max
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	update_config '.linux.resources.pids = {"limit": 4}'
	# The fork that fails ends the subshell, not the init.
	set_args /bin/sh -c '(for i in 1 2 3 4 5 6; do sleep 300 & done) 2>/dev/null; exec /probe pause'
	tong create "$CT_ID"
	[ "$status" -eq 0 ]
	CT_PID=$(__tong state "$CT_ID" | jq -r .pid)
	CG=$(cgdir "$CT_PID")
	is "$CG/pids.max" 4
	[ "$(key "$CG/pids.events" max)" = 0 ]
	tong start "$CT_ID"
	[ "$status" -eq 0 ]
	retry 200 0.1 key_ge pids.events max 1
	[ "$(cat "$CG/pids.current")" -le 4 ]
	[ "$(nproc_in "$CG")" -le 4 ]
}

# ---- cpu, cpuset -------------------------------------------------------------------

@test "cgroups v2: cpu.weight from shares, cpu.max from quota and period, cpu.max.burst" {
	has_ctrl cpu
	update_config '.linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 200000, "burst": 20000}'
	create_waiting
	# runc's conversion: 1 + (shares - 2) * 9999 / 262142.
	is "$CG/cpu.weight" 79
	is "$CG/cpu.max" "50000 200000"
	[ -e "$CG/cpu.max.burst" ] || skip "no cpu.max.burst (kernel older than 5.14)"
	is "$CG/cpu.max.burst" 20000
}

@test "cgroups v2: cpu shares at both ends of the range, quota -1 is max" {
	has_ctrl cpu
	update_config '.linux.resources.cpu = {"shares": 2, "quota": -1, "period": 100000}'
	create_waiting
	is "$CG/cpu.weight" 1
	is "$CG/cpu.max" "max 100000"
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]
	update_config '.linux.resources.cpu = {"shares": 262144}'
	create_waiting
	is "$CG/cpu.weight" 10000
}

@test "cgroups v2: cpu.idle" {
	has_ctrl cpu
	update_config '.linux.resources.cpu = {"idle": 1}'
	create_waiting
	[ -e "$CG/cpu.idle" ] || skip "no cpu.idle (kernel older than 5.15)"
	is "$CG/cpu.idle" 1
}

@test "cgroups v2: cpuset.cpus and cpuset.mems, and processes of the container run only there" {
	has_ctrl cpuset
	local cpu=0
	[ "$(nproc)" -lt 2 ] || cpu=1
	update_config '.linux.resources.cpu = {"cpus": $c, "mems": "0"}' --arg c "$cpu"
	create_running
	is "$CG/cpuset.cpus" "$cpu"
	is "$CG/cpuset.mems" 0
	is "$CG/cpuset.cpus.effective" "$cpu"
	is "$CG/cpuset.mems.effective" 0
	[ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$CT_PID/status")" = "$cpu" ]
	tong exec "$CT_ID" /probe status Cpus_allowed_list
	[ "$status" -eq 0 ]
	[ "$output" = "$cpu" ]
}

# ---- io ----------------------------------------------------------------------------

@test "cgroups v2: io.weight and io.max for a block device" {
	has_ctrl io
	[ -e /sys/block/nullb0/dev ] || skip "no null_blk device (the VM of make check-cgroup2 has one)"
	local dev maj min
	dev=$(cat /sys/block/nullb0/dev)
	maj=${dev%:*}
	min=${dev#*:}
	update_config '.linux.resources.blockIO = {"weight": 500,
		"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
		"throttleWriteBpsDevice": [{"major": $maj, "minor": $min, "rate": 2097152}],
		"throttleReadIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}],
		"throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 200}]}' \
		--argjson maj "$maj" --argjson min "$min"
	if grep -q "^$dev enable=1" /sys/fs/cgroup/io.cost.qos 2>/dev/null; then
		update_config '.linux.resources.blockIO.weightDevice = [{"major": $maj, "minor": $min, "weight": 200}]' \
			--argjson maj "$maj" --argjson min "$min"
	fi
	create_waiting
	is "$CG/io.max" "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
	if [ -e "$CG/io.bfq.weight" ]; then
		# BFQ takes the v1 range as it is.
		[ "$(key "$CG/io.bfq.weight" default)" = 500 ]
	else
		# runc's conversion: 1 + (weight - 10) * 9999 / 990.
		[ "$(key "$CG/io.weight" default)" = 4950 ]
		if grep -q "^$dev enable=1" /sys/fs/cgroup/io.cost.qos 2>/dev/null; then
			[ "$(key "$CG/io.weight" "$dev")" = 1920 ]
		fi
	fi
}

# ---- hugetlb, rdma, unified --------------------------------------------------------------

@test "cgroups v2: hugetlb.<size>.max" {
	has_ctrl hugetlb
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	create_waiting
	is "$CG/hugetlb.2MB.max" 4194304
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	update_config '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 4194304}]'
	set_args /probe echo unreachable
	tong run "$CT_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.hugepageLimits[0].pageSize"* ]]
}

@test "cgroups v2: rdma.max for an RDMA device" {
	has_ctrl rdma
	[ -e /sys/class/infiniband/rxe0 ] || skip "no RDMA device rxe0 (the VM of make check-cgroup2 has one)"
	update_config '.linux.resources.rdma = {"rxe0": {"hcaHandles": 2, "hcaObjects": 100}}'
	create_waiting
	# (The kernel ends the line with a space.)
	[ "$(sed 's/ *$//' "$CG/rdma.max")" = "rxe0 hca_handle=2 hca_object=100" ] ||
		fail "rdma.max: $(cat "$CG/rdma.max")"
}

@test "cgroups v2: unified keys are written as given, bad ones are refused by name" {
	has_ctrl pids cpu memory
	update_config '.linux.resources.unified = {"pids.max": "7", "cpu.weight": "300", "memory.oom.group": "1"}'
	create_waiting
	is "$CG/pids.max" 7
	is "$CG/cpu.weight" 300
	is "$CG/memory.oom.group" 1
	tong delete --force "$CT_ID"
	[ "$status" -eq 0 ]

	local k
	for k in no.such.file ../pids.max pids.max/x; do
		update_config '.linux.resources.unified = {($k): "1"}' --arg k "$k"
		set_args /probe echo unreachable
		tong run "$CT_ID"
		[ "$status" -ne 0 ]
		[[ "$output" == *"linux.resources.unified"* ]]
		[[ "$output" != *unreachable* ]]
	done
	# Nothing was left behind by the failed runs.
	[ ! -e "/sys/fs/cgroup/$CT_ID" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$CT_ID")" ]
}
