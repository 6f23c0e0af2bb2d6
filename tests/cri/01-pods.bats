#!/usr/bin/env bats
# Kubernetes' node interface (CRI v1) over containerd 1.6's CRI plugin, with
# tong as the runc runtime (issue 8): two pods on a private bridge, a
# container in each, exec, logs, stats, pod-to-pod traffic, stop and
# removal, and a host left as it was found.  The tests run in order and
# share the pods (their ids are saved in $CRI_DIR).  TONG=$(type -P runc)
# runs them against runc, the reference.

# shellcheck disable=SC2016 # $ expanded by the container's shell

load ../helpers
load ../containerd/helpers-containerd
load helpers-cri

setup_file() { cri_setup_file; }
teardown_file() { cri_teardown_file; }
setup() { cri_setup; }

# wait_ctr ID STATE: bounded wait until ContainerStatus says STATE
# (CONTAINER_RUNNING, CONTAINER_EXITED...).
wait_ctr() {
	local i got=
	for ((i = 0; i < WAIT_TRIES; i++)); do
		got=$(__cri inspect "$1" | jq -r .status.state)
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	echo "--- its log:" >&2
	__cri logs "$1" >&2 || true
	fail "wait_ctr: container $1 is $got, not $2"
}

# log_has ID TEXT: the container's CRI log has a line with TEXT.
log_has() {
	__cri logs "$1" | grep -qF "$2"
}

# in_subnet IP: IP is in $CRI_SUBNET (a /24).
in_subnet() {
	[[ "$1" == "${CRI_SUBNET%.0/24}."* ]]
}

@test "Version: containerd's CRI plugin answers on the private socket" {
	cri version
	[ "$status" -eq 0 ]
	[ "$(jq -r .runtime_name <<<"$output")" = containerd ]
	[ "$(jq -r .runtime_api_version <<<"$output")" = v1 ]
	cri images
	[ "$status" -eq 0 ]
	jq -e --arg i "$IMAGE" '[.images[].repo_tags[]] | index($i) != null' <<<"$output"
	jq -e --arg i "$PAUSE_IMAGE" '[.images[].repo_tags[]] | index($i) != null' <<<"$output"
}

@test "RunPodSandbox: two pods, on the runc shim with tong, get addresses on the bridge" {
	local name id ip ips=()
	for name in a b; do
		cri runp "$(pod_config "$name")"
		[ "$status" -eq 0 ]
		id=$output
		save "pod-$name" "$id"
		cri inspectp "$id"
		[ "$status" -eq 0 ]
		[ "$(jq -r .status.state <<<"$output")" = SANDBOX_READY ]
		ip=$(jq -r .status.network.ip <<<"$output")
		in_subnet "$ip" || fail "pod $name's address $ip is not in $CRI_SUBNET"
		save "ip-$name" "$ip"
		ips+=("$ip")
		# The runc v2 shim runs the sandbox with tong.
		local info
		info=$(jq -r '.info.info' <<<"$output")
		[ "$(jq -r .runtimeType <<<"$info")" = io.containerd.runc.v2 ]
		[ "$(jq -r .runtimeOptions.binary_name <<<"$info")" = "$RUNTIME_BIN" ]
		# tong knows the sandbox, running, in the root CRI gave it.
		run_logged "$RUNTIME_BIN" --root "$CTD_RUNC_ROOT/k8s.io" state "$id"
		[ "$status" -eq 0 ]
		[ "$(jq -r .status <<<"$output")" = running ]
	done
	[ "${ips[0]}" != "${ips[1]}" ]
	# Each pod's veth is on the private bridge.
	[ "$(ip -o link show master "$CRI_BRIDGE" | wc -l)" -eq 2 ]
	cri pods
	[ "$(jq '[.items[] | select(.state == "SANDBOX_READY")] | length' <<<"$output")" -eq 2 ]
}

@test "CreateContainer/StartContainer: a busybox container in each pod runs" {
	local name pod id cfg
	for name in a b; do
		pod=$(load_saved "pod-$name")
		cfg=$(ctr_config "srv-$name" sh -c \
			'echo "hello from $CTR_NAME"; echo "to stderr" >&2; while :; do echo "pong from $CTR_NAME" | nc -l -p 8080; done')
		cri create "$pod" "$cfg" "$CRI_DIR/pod-$name.json"
		[ "$status" -eq 0 ]
		id=$output
		save "ctr-$name" "$id"
		cri start "$id"
		[ "$status" -eq 0 ]
		wait_ctr "$id" CONTAINER_RUNNING
		cri inspect "$id"
		[ "$(jq -r .status.image.image <<<"$output")" = "$IMAGE" ] ||
			[[ "$(jq -r .status.image_ref <<<"$output")" == sha256:* ]]
		[ "$(jq -r .status.log_path <<<"$output")" = "$CRI_DIR/logs/$name/srv-$name.log" ]
	done
	cri list
	[ "$status" -eq 0 ]
	[ "$(jq '[.containers[] | select(.state == "CONTAINER_RUNNING")] | length' <<<"$output")" -eq 2 ]
	cri list --pod "$(load_saved pod-a)"
	[ "$(jq '.containers | length' <<<"$output")" -eq 1 ]
}

@test "ExecSync: output, stderr and exit code of a command in the container" {
	local id
	id=$(load_saved ctr-a)
	cri exec-sync "$id" sh -c 'echo out; echo err >&2; exit 7'
	[ "$status" -eq 7 ]
	[[ "$output" == *out* ]]
	[[ "$output" == *err* ]]
	cri exec-sync "$id" hostname
	[ "$status" -eq 0 ]
	[ "$output" = a ]
	cri exec-sync "$id" sh -c 'echo "$CTR_NAME"; /probe id'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = srv-a ]
	[ "${lines[1]}" = "uid=0 gid=0 groups=0" ]
	# The container shares the pod's network namespace: it has the pod's address.
	cri exec-sync "$id" ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *" $(load_saved ip-a)/24 "* ]]
}

@test "container logs: the CRI log file has stdout and stderr lines" {
	local id
	id=$(load_saved ctr-b)
	retry 100 0.1 log_has "$id" "stdout F hello from srv-b"
	retry 100 0.1 log_has "$id" "stderr F to stderr"
	cri logs "$id"
	[ "$status" -eq 0 ]
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) stdout F hello from srv-b$' <<<"$output"
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+) stderr F to stderr$' <<<"$output"
}

@test "ContainerStats: cpu, memory and the writable layer" {
	local id
	id=$(load_saved ctr-a)
	# Some work to count.
	cri exec-sync "$id" sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'
	[ "$status" -eq 0 ]
	cri stats "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .attributes.id <<<"$output")" = "$id" ]
	[ "$(jq -r '.cpu.usage_core_nano_seconds.value // "0"' <<<"$output")" -gt 0 ]
	[ "$(jq -r '.memory.working_set_bytes.value // "0"' <<<"$output")" -gt 0 ]
	[ "$(jq -r '.writable_layer.fs_id.mountpoint' <<<"$output")" != "" ]
}

@test "pod-to-pod traffic on the bridge: TCP and ICMP" {
	local a b ip_a ip_b
	a=$(load_saved ctr-a) b=$(load_saved ctr-b)
	ip_a=$(load_saved ip-a) ip_b=$(load_saved ip-b)
	retry 50 0.2 __cri exec-sync "$a" sh -c "nc -w 5 $ip_b 8080 </dev/null"
	[ "$output" = "pong from srv-b" ]
	retry 50 0.2 __cri exec-sync "$b" sh -c "nc -w 5 $ip_a 8080 </dev/null"
	[ "$output" = "pong from srv-a" ]
	cri exec-sync "$a" ping -c 1 -W 5 "$ip_b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* ]]
}

@test "a container that exits by itself: its exit code and the Error reason" {
	local pod cfg id
	pod=$(load_saved pod-b)
	cfg=$(ctr_config once-b sh -c 'echo bye; exit 3')
	cri create "$pod" "$cfg" "$CRI_DIR/pod-b.json"
	[ "$status" -eq 0 ]
	id=$output
	cri start "$id"
	[ "$status" -eq 0 ]
	wait_ctr "$id" CONTAINER_EXITED
	cri inspect "$id"
	[ "$(jq -r .status.exit_code <<<"$output")" -eq 3 ]
	[ "$(jq -r .status.reason <<<"$output")" = Error ]
	cri logs "$id"
	[[ "$output" == *"stdout F bye"* ]]
	cri rm "$id"
	[ "$status" -eq 0 ]
}

@test "StopContainer and RemoveContainer" {
	local id
	id=$(load_saved ctr-a)
	cri stop -t 2 "$id"
	[ "$status" -eq 0 ]
	cri inspect "$id"
	[ "$(jq -r .status.state <<<"$output")" = CONTAINER_EXITED ]
	cri rm "$id"
	[ "$status" -eq 0 ]
	cri ! inspect "$id"
	[[ "$output" == *NOT_FOUND* ]]
	[ ! -e "$CTD_RUNC_ROOT/k8s.io/$id" ]
	cri list
	[ "$(jq '.containers | length' <<<"$output")" -eq 1 ]
}

@test "StopPodSandbox and RemovePodSandbox: pods, containers and their network go" {
	local name pod
	for name in a b; do
		pod=$(load_saved "pod-$name")
		cri stopp "$pod"
		[ "$status" -eq 0 ]
		cri inspectp "$pod"
		[ "$(jq -r .status.state <<<"$output")" = SANDBOX_NOTREADY ]
		cri rmp "$pod"
		[ "$status" -eq 0 ]
		cri ! inspectp "$pod"
		[[ "$output" == *NOT_FOUND* ]]
	done
	cri pods
	[ "$(jq '.items | length' <<<"$output")" -eq 0 ]
	cri list
	[ "$(jq '.containers | length' <<<"$output")" -eq 0 ]
	[ -z "$(ls -A "$CTD_RUNC_ROOT/k8s.io" 2>/dev/null)" ]
	[ -z "$(ip -o link show master "$CRI_BRIDGE" 2>/dev/null)" ]
}

@test "teardown: containerd stopped, and the host is as it was found" {
	# The file's teardown, run as a test so that what it finds counts.
	cri_teardown_file
	[ -n "${CRI_KEEP_DIR:-}" ] || [ ! -d "$CRI_DIR" ]
}
