# shellcheck shell=bash
# Sourced by tests/cri/*.bats after ../helpers and ../containerd/helpers-containerd:
#
#   load ../helpers
#   load ../containerd/helpers-containerd
#   load helpers-cri
#   setup_file() { cri_setup_file; }
#   teardown_file() { cri_teardown_file; }
#   setup() { cri_setup; }
#
# Each .bats file starts its own containerd (Debian's 1.6) with the CRI
# plugin on: own root, state, sockets, config, TMPDIR and /opt under one
# directory ($CRI_DIR, also $CTD_DIR for the containerd helpers), tong as
# the runc runtime's BinaryName with its Root under $CRI_DIR, a private
# CNI network (Debian's containernetworking-plugins: bridge $CRI_BRIDGE
# with host-local addresses from $CRI_SUBNET kept under $CRI_DIR, portmap;
# containerd adds loopback), and a pause image built from pause.c as the
# sandbox image.  Pods get $CRI_CGROUP_PARENT as their cgroup parent, a
# name no other run uses.  The tests talk CRI through cri-client.py.
#
# The kernel, iptables and CNI put things in fixed places: the bridge and
# the pods' veths, portmap's nat chains and jump rules (and the nft tables
# iptables-nft makes for them), /var/lib/cni (containerd's CNI result
# cache), cgroups under every hierarchy, shim sockets under
# /run/containerd/s.  cri_setup_file records what was there before;
# cri_teardown_file removes the pods through CRI, stops containerd by pid,
# then removes only what is new and ours, and fails (naming it) when
# anything that should have gone was left behind.
#
# Functions:
#   cri ARGS...              bats `run` of cri-client.py on this containerd,
#                            logged (shown on failure)
#   __cri ARGS...            the same without bats' run
#   pod_config NAME          writes $CRI_DIR/pod-NAME.json, prints its path
#   ctr_config NAME CMD...   writes $CRI_DIR/ctr-NAME.json (busybox image,
#                            log NAME.log), prints its path
#   save NAME VALUE / load_saved NAME   state shared by a file's tests
#
# Variables: CRI_DIR, CRI_ENDPOINT, CRI_DESCRIPTORS, CRI_BRIDGE, CRI_SUBNET,
# CRI_NET (CNI network name), CRI_CGROUP_PARENT, PAUSE_IMAGE, IMAGE.
#
# Set before cri_setup_file:
#   CRI_MIRROR=HOST:PORT    a plain-HTTP registry containerd uses as the
#                           mirror of registry.k8s.io and gcr.io
#   CRI_HOST_ON_BRIDGE=1    the host gets the subnet's first address on the
#                           bridge, so it reaches the pods directly
# Processes whose pids are in $CRI_DIR/.pids (helpers started for the
# file, such as a registry) are killed by pid in cri_teardown_file.

CRI_TESTS=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
: "${CRI_PYTHON:=/usr/bin/python3}"
: "${CNI_BIN_DIR:=/usr/lib/cni}"
PAUSE_IMAGE=docker.io/library/tong-pause:latest

__cri() {
	timeout -s KILL "$FG_TIMEOUT" "$CRI_PYTHON" "$CRI_TESTS/cri-client.py" "$@" </dev/null 3>&-
}
# cri [-N|!] ARGS...
# shellcheck disable=SC2154 # __run_rest: set by __split_run_flags (../helpers.bash)
cri() {
	__split_run_flags "$@"
	local flags=("${__run_flags[@]}")
	shift $(($# - __run_rest))
	run_logged "${flags[@]}" __cri "$@"
}

save() { printf '%s\n' "$2" >"$CRI_DIR/saved-$1"; }
load_saved() { cat "$CRI_DIR/saved-$1"; }

# pod_config NAME: a PodSandboxConfig for pod NAME.
pod_config() {
	local f=$CRI_DIR/pod-$1.json
	mkdir -p "$CRI_DIR/logs/$1"
	jq -n --arg n "$1" --arg uid "uid-$1-$$" --arg logs "$CRI_DIR/logs/$1" \
		--arg cg "$CRI_CGROUP_PARENT" '{
		metadata: {name: $n, uid: $uid, namespace: "tong-cri", attempt: 0},
		hostname: $n, log_directory: $logs,
		labels: {"tong-test": "cri"},
		linux: {cgroup_parent: $cg}
	}' >"$f"
	echo "$f"
}

# ctr_config NAME CMD...: a ContainerConfig running CMD in the busybox image.
ctr_config() {
	local f=$CRI_DIR/ctr-$1.json n=$1
	shift
	local a cmd
	# (jq 1.6 parses options even after --args: one argument at a time.)
	cmd=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -s .)
	jq -n --arg n "$n" --arg img "$IMAGE" --argjson cmd "$cmd" '{
		metadata: {name: $n, attempt: 0}, image: {image: $img},
		command: $cmd, envs: [{key: "CTR_NAME", value: $n}],
		log_path: ($n + ".log"), labels: {"tong-test": "cri"}
	}' >"$f"
	echo "$f"
}

# ---- what the host has -----------------------------------------------------

__cri_requirements() {
	requires root jq busybox
	[ -x "$CONTAINERD" ] || skip "containerd not installed (make deps)"
	[ -x "$CTR" ] || skip "ctr not installed (make deps)"
	command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 not installed (make deps)"
	local p
	for p in bridge host-local portmap loopback; do
		[ -x "$CNI_BIN_DIR/$p" ] || skip "CNI plugin $CNI_BIN_DIR/$p missing (make deps: containernetworking-plugins)"
	done
	"$CRI_PYTHON" -c 'import grpc, grpc_tools.protoc, google.protobuf' 2>/dev/null ||
		skip "$CRI_PYTHON lacks grpc/grpc_tools (make deps: python3-grpcio python3-grpc-tools)"
	command -v iptables >/dev/null || skip "iptables not installed (portmap needs it)"
	iptables -t nat -S >/dev/null 2>&1 || skip "iptables cannot read the nat table here"
	command -v ip >/dev/null || skip "ip (iproute2) not installed"
	command -v cc >/dev/null || skip "no C compiler for the pause image (make deps: build-essential)"
	# A bridge the kernel accepts (module loaded or loadable).
	local probe=tcrip$$
	probe=${probe:0:15}
	if ! ip link add "$probe" type bridge 2>/dev/null; then
		skip "the kernel cannot make a bridge link here (no bridge support)"
	fi
	ip link del "$probe" 2>/dev/null || true
	[ -x "$RUNTIME_BIN" ] || fail "$RUNTIME_BIN is not built (make)" || return
}

# ---- snapshots -------------------------------------------------------------

# iptables tables portmap or bridge may touch.
__ipt_tables="nat filter"

__cri_snapshot() { # DIR: writes what is there now into DIR
	local d=$1 t x
	mkdir -p "$d"
	for x in iptables ip6tables; do
		for t in $__ipt_tables; do
			"$x" -t "$t" -S 2>/dev/null | sort >"$d/$x-$t" || true
		done
	done
	nft list tables 2>/dev/null | sort >"$d/nft-tables" || true
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort >"$d/links"
	cat /proc/sys/net/ipv4/ip_forward >"$d/ip_forward"
	cat /proc/sys/net/ipv6/conf/all/forwarding >"$d/ip6_forward" 2>/dev/null || true
	find /var/lib/cni 2>/dev/null | sort >"$d/var-lib-cni" || true
	find /tmp -mindepth 1 -maxdepth 1 2>/dev/null | sort >"$d/tmp"
	find "$CTD_SHIM_DIR" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort >"$d/shim-sockets"
	find /run/netns -mindepth 1 -maxdepth 1 2>/dev/null | sort >"$d/run-netns" || true
	awk 'NR > 1 { print $2 }' /proc/sysvipc/shm | sort >"$d/shm"
}

# __cri_remove_critest_shm: critest's HostIpc specs make 1 MiB shared
# memory segments on the host with ipcmk and never remove them: the new,
# unattached ones of that size go.
__cri_remove_critest_shm() {
	local id
	while read -r id; do
		ipcrm -m "$id" 2>/dev/null || __cri_report "cannot remove shared memory segment $id"
	done < <(awk 'NR > 1 && $4 == 1048576 && $7 == 0 { print $2 }' /proc/sysvipc/shm | sort |
		comm -13 "$CRI_DIR/before/shm" -)
}

# ---- per file --------------------------------------------------------------

cri_setup_file() {
	__cri_requirements
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true

	local base=${TONG_TEST_TMPDIR:-${TMPDIR:-/tmp}} sfx
	CRI_DIR=$(mktemp -d "$base/tong-cri.XXXXXX") || return
	CRI_DIR=$(readlink -f "$CRI_DIR")
	CTD_DIR=$CRI_DIR
	sfx=$(tr '[:upper:]' '[:lower:]' <<<"${CRI_DIR##*.}")
	CTD_NS=k8s.io
	CTD_SOCK=$CRI_DIR/containerd.sock
	CTD_RUNC_ROOT=$CRI_DIR/runtime-root
	CRI_ENDPOINT=unix://$CTD_SOCK
	CRI_DESCRIPTORS=$CRI_DIR/cri.pb
	CRI_NET=tong-cri-$sfx
	CRI_BRIDGE=tcri$sfx
	CRI_CGROUP_PARENT=/tong-cri-$sfx-$$
	mkdir -p "$CRI_DIR/tmp" "$CRI_DIR/fifo" "$CTD_RUNC_ROOT" "$CRI_DIR/cni/net.d" \
		"$CRI_DIR/cni/ipam" "$CRI_DIR/opt" "$CRI_DIR/logs"
	export CRI_DIR CTD_DIR CTD_NS CTD_SOCK CTD_RUNC_ROOT CRI_ENDPOINT CRI_DESCRIPTORS \
		CRI_NET CRI_BRIDGE CRI_CGROUP_PARENT IMAGE PAUSE_IMAGE RUNTIME_BIN

	__cri_snapshot "$CRI_DIR/before"
	[ -d /run/containerd ] && : >"$CRI_DIR/.had-run-containerd"
	[ -d "$CTD_SHIM_DIR" ] && : >"$CRI_DIR/.had-shim-dir"
	local m
	for m in $(__cgroup_mounts); do
		[ ! -e "$m$CRI_CGROUP_PARENT" ] || fail "cgroup $m$CRI_CGROUP_PARENT exists before the test" || return
	done
	grep -qx "$CRI_BRIDGE" "$CRI_DIR/before/links" && { fail "link $CRI_BRIDGE exists before the test"; return; }

	# A /24 in 10.0.0.0/8 no route of the host touches.
	local i n
	for ((i = 0; i < 50; i++)); do
		n=$((RANDOM % 200 + 30))
		if ! ip -4 route show table all | grep -q "10\.$n\."; then
			CRI_SUBNET=10.$n.7.0/24
			break
		fi
	done
	[ -n "${CRI_SUBNET:-}" ] || fail "no free 10.x.7.0/24 subnet" || return
	export CRI_SUBNET

	# CNI: bridge (no gateway address, no masquerade: pods talk on the
	# bridge only, and the host's forwarding stays as it is) + portmap.
	jq -n --arg net "$CRI_NET" --arg br "$CRI_BRIDGE" --arg sub "$CRI_SUBNET" \
		--arg data "$CRI_DIR/cni/ipam" '{
		cniVersion: "0.4.0", name: $net,
		plugins: [
			{type: "bridge", bridge: $br, isGateway: false, ipMasq: false, hairpinMode: true,
			 ipam: {type: "host-local", ranges: [[{subnet: $sub}]], dataDir: $data}},
			{type: "portmap", capabilities: {portMappings: true}}
		]
	}' >"$CRI_DIR/cni/net.d/10-$CRI_NET.conflist"

	{
		__ctd_config
		cat <<-EOF
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CRI_DIR/opt"
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$PAUSE_IMAGE"
		  disable_apparmor = true
		  restrict_oom_score_adj = true
		  netns_mounts_under_state_dir = true
		  stream_server_address = "127.0.0.1"
		  stream_server_port = "0"
		  enable_selinux = false
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    snapshotter = "overlayfs"
		    default_runtime_name = "runc"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
		        BinaryName = "$RUNTIME_BIN"
		        Root = "$CTD_RUNC_ROOT"
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "$CNI_BIN_DIR"
		    conf_dir = "$CRI_DIR/cni/net.d"
		    max_conf_num = 1
		EOF
	} >"$CRI_DIR/config.toml"
	# Images from registry.k8s.io and gcr.io (critest's) come from a local
	# registry that has stand-ins under the same paths.
	local reg
	for reg in ${CRI_MIRROR:+registry.k8s.io gcr.io}; do
		cat >>"$CRI_DIR/config.toml" <<-EOF
			[plugins."io.containerd.grpc.v1.cri".registry.mirrors."$reg"]
			  endpoint = ["http://$CRI_MIRROR"]
		EOF
	done

	# The host on the bridge (critest fetches pages from the pods): the
	# bridge made here with the subnet's first address, which host-local
	# keeps for the gateway; the bridge plugin (isGateway false) takes it
	# as it is and the host's forwarding stays off.
	if [ -n "${CRI_HOST_ON_BRIDGE:-}" ]; then
		ip link add "$CRI_BRIDGE" type bridge &&
			ip addr add "${CRI_SUBNET%.0/24}.1/24" dev "$CRI_BRIDGE" &&
			ip link set "$CRI_BRIDGE" up ||
			fail "cannot make the bridge $CRI_BRIDGE with the host's address" || return
	fi

	# The descriptors of the client's messages.
	"$CRI_PYTHON" -m grpc_tools.protoc -I "$CRI_TESTS" --include_imports \
		--descriptor_set_out="$CRI_DESCRIPTORS" "$CRI_TESTS/cri.proto" ||
		fail "grpc_tools.protoc cannot compile $CRI_TESTS/cri.proto" || return

	# The pause image.
	mkdir -p "$CRI_DIR/pause-rootfs"
	cc -O2 -static -Wall -Werror -o "$CRI_DIR/pause-rootfs/pause" "$CRI_TESTS/pause.c" ||
		fail "cannot build the pause program (static libc missing?)" || return
	__ensure_rootfs_template || return

	__ctd_start __cri version || return

	local out
	# shellcheck disable=SC2153 # CTD_TESTS: ../containerd/helpers-containerd.bash
	IMAGE_CMD='["/pause"]' TMPDIR=$CRI_DIR/tmp "$CTD_TESTS/make-oci-archive" \
		"$CRI_DIR/pause-rootfs" "$CRI_DIR/pause.tar" "$PAUSE_IMAGE" >/dev/null ||
		fail "make-oci-archive (pause) failed" || return
	TMPDIR=$CRI_DIR/tmp "$CTD_TESTS/make-oci-archive" "$BUSYBOX_ROOTFS" "$CRI_DIR/busybox.tar" "$IMAGE" \
		>/dev/null || fail "make-oci-archive (busybox) failed" || return
	out=$(__ctr images import "$CRI_DIR/pause.tar" 2>&1) || fail "ctr images import (pause): $out" || return
	out=$(__ctr images import "$CRI_DIR/busybox.tar" 2>&1) || fail "ctr images import (busybox): $out" || return
}

cri_setup() {
	[ -n "${CRI_DIR:-}" ] || fail "cri_setup_file did not run" || return
	cd "$CRI_DIR" || return
}

# ---- teardown --------------------------------------------------------------

__cri_failed=
__cri_report() {
	echo "teardown: $*" >&2
	__cri_failed=1
}

# __ipt_new_rules TOOL TABLE: rules and chains (iptables -S lines) that were
# not there before.
__ipt_new() {
	"$1" -t "$2" -S 2>/dev/null | sort | comm -13 "$CRI_DIR/before/$1-$2" -
}

# __cri_undo_iptables: removes the rules and chains CNI added (new since the
# snapshot; only CNI's names), jump rules first, then flushes and deletes
# the chains; then the nft tables iptables-nft made for them, when they are
# new and empty.
__cri_undo_iptables() {
	local x t line chains chain rule
	for x in iptables ip6tables; do
		for t in $__ipt_tables; do
			chains=()
			while IFS= read -r line; do
				case $line in
				"-N CNI-"*) chains+=("${line#-N }") ;;
				"-A "*CNI-*)
					# iptables -S quotes as a shell would (comments).
					eval "rule=($line)"
					"$x" -t "$t" -D "${rule[@]:1}" 2>/dev/null || __cri_report "$x -t $t: cannot delete: $line"
					;;
				"") ;;
				*) echo "teardown: $x -t $t: new, not CNI's (left alone): $line" >&2 ;;
				esac
			done < <(__ipt_new "$x" "$t")
			for chain in "${chains[@]}"; do
				"$x" -t "$t" -F "$chain" 2>/dev/null || true
			done
			for chain in "${chains[@]}"; do
				"$x" -t "$t" -X "$chain" 2>/dev/null || __cri_report "$x -t $t: cannot delete chain $chain"
			done
		done
	done
	# Tables iptables-nft made (e.g. an empty `ip6 nat` from portmap).
	local fam name
	while read -r _ fam name; do
		[ -n "$name" ] || continue
		if ! nft list table "$fam" "$name" 2>/dev/null |
			grep -qE '^\s+(ip|ip6|meta|counter|jump|tcp|udp|oifname|iifname|fib|ct|mark)\b'; then
			nft delete table "$fam" "$name" 2>/dev/null || __cri_report "cannot delete nft table $fam $name"
		else
			__cri_report "nft table $fam $name is new and has rules: $(nft list table "$fam" "$name" | tr '\n' ' ')"
		fi
	done < <(nft list tables 2>/dev/null | sort | comm -13 "$CRI_DIR/before/nft-tables" -)
}

# __cri_check_after: compares the host with the snapshot; reports.
__cri_check_after() {
	local a=$CRI_DIR/after
	__cri_snapshot "$a"
	# Other work shares these: what it removed meanwhile is not our business,
	# what is new is (except ip_forward: any change).
	local f added
	for f in iptables-nat iptables-filter ip6tables-nat ip6tables-filter nft-tables var-lib-cni shim-sockets run-netns shm; do
		added=$(comm -13 "$CRI_DIR/before/$f" "$a/$f")
		[ -z "$added" ] || __cri_report "new in $f since before the test: $(tr '\n' ' ' <<<"$added")"
	done
	for f in ip_forward ip6_forward; do
		cmp -s "$CRI_DIR/before/$f" "$a/$f" || __cri_report "$f changed: $(cat "$CRI_DIR/before/$f") -> $(cat "$a/$f")"
	done
	# Links and /tmp are shared with other work: only ours count.
	if grep -qx "$CRI_BRIDGE" "$a/links"; then __cri_report "link $CRI_BRIDGE is left"; fi
	local new
	new=$(comm -13 "$CRI_DIR/before/tmp" "$a/tmp" | grep -E '^/tmp/(cri-containerd|containerd-mount|cni)' || true)
	[ -z "$new" ] || __cri_report "left under /tmp: $new"
}

cri_teardown_file() {
	[ -n "${CRI_DIR:-}" ] && [ -d "$CRI_DIR" ] || return 0
	__cri_failed=
	cd / || true
	local id i pid

	if [ -n "${CTD_PID:-}" ] && ! pid_gone "$CTD_PID"; then
		# Every pod through CRI (this also removes their containers and
		# lets CNI delete the pods' network).
		for id in $(__cri pods 2>/dev/null | jq -r '.items[].id' 2>/dev/null); do
			__cri stopp "$id" >/dev/null 2>&1 || __cri_report "StopPodSandbox $id failed"
			__cri rmp "$id" >/dev/null 2>&1 || __cri_report "RemovePodSandbox $id failed"
		done
		kill -TERM "$CTD_PID" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			pid_gone "$CTD_PID" && break
			sleep 0.1
		done
		if ! pid_gone "$CTD_PID"; then
			__cri_report "containerd ($CTD_PID) did not stop on SIGTERM; killed"
			kill -KILL "$CTD_PID" 2>/dev/null || true
		fi
		wait "$CTD_PID" 2>/dev/null || true
	fi

	kill_pids_file "$CRI_DIR/.pids" || __cri_failed=1

	local shims=()
	for ((i = 0; i < 50; i++)); do
		mapfile -t shims < <(__ctd_shim_pids)
		[ "${#shims[@]}" -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${shims[@]}"; do
		__cri_report "shim $pid still runs; killed"
		kill -KILL "$pid" 2>/dev/null || true
	done

	# tong's state: empty once every container is gone.
	for id in $(container_ids "$CTD_RUNC_ROOT/$CTD_NS"); do
		__cri_report "tong state of $id is left in $CTD_RUNC_ROOT/$CTD_NS"
		"$TONG" --root "$CTD_RUNC_ROOT/$CTD_NS" kill "$id" KILL >/dev/null 2>&1 || true
		"$TONG" --root "$CTD_RUNC_ROOT/$CTD_NS" delete --force "$id" >/dev/null 2>&1 || true
	done

	# Mounts under our directory (rootfs overlays, /dev/shm, network
	# namespaces).
	local mp
	for ((i = 0; i < 10; i++)); do
		[ -n "$(__mounts_under "$CRI_DIR")" ] || break
		while IFS= read -r mp; do
			[ "$i" -gt 0 ] || __cri_report "$mp is still mounted"
			umount -l "$mp" 2>/dev/null || true
		done < <(__mounts_under "$CRI_DIR")
	done
	[ -z "$(__mounts_under "$CRI_DIR")" ] || __cri_report "cannot unmount under $CRI_DIR"

	# Pod cgroups: the runtime removes each container's own cgroup; the
	# pods' parent (ours by name) is left to the caller, as with runc.
	local m c
	for m in $(__cgroup_mounts); do
		[ -d "$m$CRI_CGROUP_PARENT" ] || continue
		while IFS= read -r c; do
			__cri_report "cgroup $c is left behind"
		done < <(find "$m$CRI_CGROUP_PARENT" -mindepth 1 -maxdepth 1 -type d)
		find "$m$CRI_CGROUP_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null || true
		[ ! -d "$m$CRI_CGROUP_PARENT" ] || __cri_report "cannot remove cgroup $m$CRI_CGROUP_PARENT"
	done

	# The network: veths still on our bridge, then the bridge itself.
	local l
	for l in $(ip -o link show master "$CRI_BRIDGE" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		__cri_report "veth $l is left on $CRI_BRIDGE"
		ip link del "$l" 2>/dev/null || true
	done
	ip link del "$CRI_BRIDGE" 2>/dev/null || true
	__cri_undo_iptables
	# containerd's CNI result cache and host-local's default place.
	if [ -d /var/lib/cni ]; then
		find /var/lib/cni -mindepth 2 -maxdepth 2 -name "$CRI_NET*" -exec rm -rf {} + 2>/dev/null || true
		while IFS= read -r d; do
			grep -qxF "$d" "$CRI_DIR/before/var-lib-cni" || rmdir "$d" 2>/dev/null || true
		done < <(find /var/lib/cni -depth -type d)
	fi
	local fwd
	fwd=$(cat "$CRI_DIR/before/ip_forward")
	if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$fwd" ]; then
		__cri_report "net.ipv4.ip_forward changed; restored to $fwd"
		echo "$fwd" >/proc/sys/net/ipv4/ip_forward
	fi

	# Shim sockets and /run/containerd.
	local s
	if [ -d "$CTD_SHIM_DIR" ]; then
		while IFS= read -r s; do
			[ -n "$s" ] || continue
			__cri_report "shim socket $CTD_SHIM_DIR/$s is left behind"
			rm -f "${CTD_SHIM_DIR:?}/$s"
		done < <(find "$CTD_SHIM_DIR" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort |
			comm -13 "$CRI_DIR/before/shim-sockets" -)
		[ -e "$CRI_DIR/.had-shim-dir" ] || rmdir "$CTD_SHIM_DIR" 2>/dev/null || true
	fi
	[ -e "$CRI_DIR/.had-run-containerd" ] || rmdir /run/containerd 2>/dev/null || true
	if [ -d /run/containerd ] && [ ! -e "$CRI_DIR/.had-run-containerd" ]; then
		__cri_report "/run/containerd is left behind: $(find /run/containerd | tr '\n' ' ')"
	fi

	__cri_remove_critest_shm
	__cri_check_after

	if [ -n "$__cri_failed" ] && [ -f "$CRI_DIR/containerd.log" ]; then
		echo "--- containerd.log (last 40 lines)" >&2
		tail -n 40 "$CRI_DIR/containerd.log" >&2
	fi
	if [ -n "${CRI_KEEP_DIR:-}" ]; then
		echo "teardown: CRI_KEEP_DIR: kept $CRI_DIR" >&2
	else
		rm -rf --one-file-system "$CRI_DIR" || __cri_report "cannot remove $CRI_DIR"
	fi
	[ -z "$__cri_failed" ]
}
