#!/usr/bin/env bats
# critest, the CRI validation suite of kubernetes-sigs/cri-tools (v1.26),
# against containerd 1.6's CRI plugin with tong as the runc runtime (issue
# 8).  The project does not carry or download cri-tools: this file runs
# where a build of critest is on the machine ($CRITEST, `critest` on PATH,
# or /var/cache/tong-cri-tools/critest; see docs/cri-lane.md) and skips,
# saying so, elsewhere.
#
# critest's images come from registry.k8s.io and gcr.io, which are out of
# reach here: make-critest-images builds stand-ins of each from
# busybox-static and the lane's own programs, tong-regctl pushes them to
# Debian's docker-registry on 127.0.0.1, and containerd uses that registry
# as the mirror of both.  The host gets an address on the pods' bridge
# (critest fetches pages from the pods).  Specs that listen on the host's
# real interfaces (host network, host ports) are never run.
#
# Environment: TONG=$(type -P runc) runs the file against runc, the
# reference; CRITEST_FOCUS=REGEX runs only the matching specs.
#
# The per-spec results are written to $BUILDDIR/critest.tap (one TAP line
# per spec; tests/cri/check-cri shows their tally) and the JSON report of
# ginkgo to $BUILDDIR/critest.json.

load ../helpers
load ../containerd/helpers-containerd
load ../regctl/helpers-regctl
load helpers-cri

CRITEST_CACHE=/var/cache/tong-cri-tools/critest

# Specs skipped always: they listen on the host's real interfaces.
CRITEST_SKIP='HostNetwork|host port|host network'

# Specs no stand-in can pass, with any runtime: name regex, then reason.
CRITEST_IMPOSSIBLE=(
	'public image with digest should be pulled and removed'
	"pulls gcr.io/k8s-staging-cri-tools/test-image-digest by the digest of the real image's manifest, which a stand-in cannot have"
)

find_critest() {
	local c
	for c in "${CRITEST:-}" "$(type -P critest || true)" "$CRITEST_CACHE"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# sh_busybox: prints the path of Debian's dynamically linked busybox (the
# stand-ins' sh, see make-critest-images), from the busybox package, which
# is extracted, never installed (it conflicts with busybox-static), and
# kept in critest's cache directory.
sh_busybox() {
	local dir=${CRITEST_CACHE%/*}/busybox-deb tmp
	if [ ! -x "$dir/bin/busybox" ]; then
		tmp=$(mktemp -d "$BATS_FILE_TMPDIR/busybox-deb.XXXXXX") || return
		(cd "$tmp" && apt-get download -q busybox >&2) || return 1
		dpkg-deb -x "$tmp"/busybox_*.deb "$tmp/x" || return
		mkdir -p "${dir%/*}" && rm -rf "$dir.new" && mv "$tmp/x" "$dir.new" &&
			rm -rf "$dir" && mv "$dir.new" "$dir" || return
	fi
	echo "$dir/bin/busybox"
}

setup_file() {
	CRITEST_BIN=$(find_critest) ||
		skip "critest: no cri-tools build on this machine (\$CRITEST, critest on PATH or $CRITEST_CACHE); the project does not carry or fetch cri-tools"
	export CRITEST_BIN
	[ -x "$DOCKER_REGISTRY" ] || skip "docker-registry not installed (make deps)"
	[ -x "$REGCTL" ] || fail "$REGCTL is not built (make)" || return

	# Fetched, not installed: a machine without Debian's mirror skips.
	SH_BUSYBOX=$(sh_busybox) ||
		skip "critest: Debian's busybox package (the stand-ins' sh) cannot be fetched with apt-get download"
	export SH_BUSYBOX
	local port
	port=$(free_port) || return
	export CRI_MIRROR=127.0.0.1:$port CRI_HOST_ON_BRIDGE=1
	cri_setup_file || return

	# The registry and the stand-in images.
	TEST_DIR=$CRI_DIR
	: >"$CRI_DIR/.pids"
	start_registry --port "$port" || return
	mkdir -p "$CRI_DIR/stand-in-bin"
	local b
	for b in stand-in-web stand-in-nnp; do
		cc -O2 -static -Wall -Wextra -Werror -o "$CRI_DIR/stand-in-bin/$b" "$CRI_TESTS/$b.c" ||
			fail "cannot build $b (static libc missing?)" || return
	done
	TMPDIR=$CRI_DIR/tmp "$CRI_TESTS/make-critest-images" "$CRI_DIR/stand-ins" "$CRI_DIR/stand-in-bin" \
		>"$CRI_DIR/stand-ins.list" || fail "make-critest-images failed" || return
	local ref target
	while read -r ref target; do
		"$REGCTL" --store "$CRI_DIR/store" --config "$CRI_DIR/docker-config" --no-progress \
			image copy "oci:$CRI_DIR/stand-ins:$ref" "$CRI_MIRROR/$target" >/dev/null 3>&- ||
			fail "tong-regctl cannot push $ref to $CRI_MIRROR/$target" || return
	done <"$CRI_DIR/stand-ins.list"
}

teardown_file() { cri_teardown_file; }
setup() { cri_setup; }

@test "critest stand-ins: containerd pulls them through its mirror, as tong-regctl pushed them" {
	local ref target want got
	read -r ref target < <(grep ' e2e-test-images/busybox:' "$CRI_DIR/stand-ins.list")
	cri pull "registry.k8s.io/$target"
	[ -n "$output" ]
	# The manifest containerd fetched is the layout's, byte for byte.
	want=$(jq -r --arg r "$ref" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' \
		"$CRI_DIR/stand-ins/index.json")
	cri images
	got=$(jq -r --arg t "registry.k8s.io/$target" '.images[] | select(.repo_tags | index($t)) | .repo_digests[]' <<<"$output")
	[ "$got" = "registry.k8s.io/${target%:*}@$want" ] ||
		fail "containerd has ${got:-nothing} for registry.k8s.io/$target, the layout $want"
}

# critest_tap REPORT.json: one TAP line per spec of ginkgo's JSON report.
critest_tap() {
	jq -r '[.[].SpecReports[] | select(.LeafNodeType == "It")] | "1..\(length)",
		(to_entries[] | .key as $i | .value |
		 ((.ContainerHierarchyTexts + [.LeafNodeText]) | join(" ") | gsub("[\n#]"; " ")) as $name |
		 if .State == "passed" then "ok \($i + 1) \($name)"
		 elif .State == "skipped" or .State == "pending" then
			"ok \($i + 1) \($name) # skip \((.Failure.Message // "skipped by critest") | gsub("\n"; " "))"
		 else "not ok \($i + 1) \($name) (\(.State): \((.Failure.Message // "") | gsub("\n"; " ") | .[0:300]))"
		 end)' "$1"
}

@test "critest: every spec passes with the runtime, but those no stand-in can pass" {
	local report=$CRI_DIR/critest.json focus=()
	[ -z "${CRITEST_FOCUS:-}" ] || focus=(--ginkgo.focus="$CRITEST_FOCUS")
	# critest's temporary files (host paths it mounts, seccomp profiles)
	# under $CRI_DIR too: teardown removes what failed specs leave.
	run_logged env TMPDIR="$CRI_DIR/tmp" timeout -s KILL 2400 "$CRITEST_BIN" \
		-runtime-endpoint "$CRI_ENDPOINT" -image-endpoint "$CRI_ENDPOINT" \
		--ginkgo.no-color --ginkgo.skip="$CRITEST_SKIP" "${focus[@]}" \
		--ginkgo.json-report="$report" 3>&-
	[ -s "$report" ] || fail "critest wrote no report (exit status $status)" || return
	cp -f "$report" "$BUILDDIR/critest.json"
	critest_tap "$report" >"$BUILDDIR/critest.tap"

	local failed=() name i known reason unexpected=0
	mapfile -t failed < <(jq -r '.[].SpecReports[] | select(.LeafNodeType == "It")
		| select(.State != "passed" and .State != "skipped" and .State != "pending")
		| (.ContainerHierarchyTexts + [.LeafNodeText]) | join(" ")' "$report")
	for name in "${failed[@]}"; do
		known=
		for ((i = 0; i < ${#CRITEST_IMPOSSIBLE[@]}; i += 2)); do
			if [[ "$name" =~ ${CRITEST_IMPOSSIBLE[i]} ]]; then
				known=1 reason=${CRITEST_IMPOSSIBLE[i + 1]}
			fi
		done
		if [ -n "$known" ]; then
			echo "# failed, as it must here: $name ($reason)" >&3
		else
			echo "failed: $name" >&2
			unexpected=$((unexpected + 1))
		fi
	done
	[ "$unexpected" -eq 0 ] || fail "$unexpected critest spec(s) failed (TAP: $BUILDDIR/critest.tap)"
}
