#!/usr/bin/env bats
# TLS with a CA of the test's own (subjectAltName IP:127.0.0.1), htpasswd
# basic auth, registry login|logout with Docker's config.json and its
# credential helpers, --insecure, --plain-http and the rule that local
# registries are insecure by default.

load ../helpers
load helpers-regctl

setup() {
	regctl_setup
	LAYOUT=$TEST_DIR/layout
	DIGEST=$(make_image "$LAYOUT" v1 --size 2000)
}

teardown() {
	regctl_teardown
}

certs_d() {
	mkdir -p "$TEST_DIR/certs.d/$1"
	cp "$TEST_DIR/tls/ca.crt" "$TEST_DIR/certs.d/$1/ca.crt"
}

@test "TLS: verified against the CA in certs.d, refused without it" {
	start_registry --tls
	regctl --tls-verify image copy "oci:$LAYOUT:v1" "$REG/tls/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"certificate"* ]]
	certs_d "$REG"
	regctl --tls-verify --certs-dir "$TEST_DIR/certs.d" image copy "oci:$LAYOUT:v1" "$REG/tls/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl --tls-verify --certs-dir "$TEST_DIR/certs.d" --verbose digest "$REG/tls/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"GET https://$REG/v2/ -> 200"* ]]
	[[ "$output" != *"http://"* ]]
}

@test "TLS: --insecure skips verification" {
	start_registry --tls
	regctl --tls-verify --insecure image copy "oci:$LAYOUT:v1" "$REG/tls/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
}

@test "a local registry is insecure by default: HTTPS unverified, then HTTP" {
	start_registry --tls
	regctl --verbose image copy "oci:$LAYOUT:v1" "$REG/tls/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"GET https://$REG/v2/ -> 200"* ]]
	start_registry --name PLAIN
	regctl --verbose image copy "oci:$LAYOUT:v1" "$REG_PLAIN/plain/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"GET https://$REG_PLAIN/v2/"* ]]
	[[ "$output" == *"GET http://$REG_PLAIN/v2/ -> 200"* ]]
	# --plain-http goes straight to HTTP, and fails against TLS.
	regctl --plain-http --verbose digest "$REG_PLAIN/plain/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"https://"* ]]
	regctl --plain-http digest "$REG/tls/img:v1"
	[ "$status" -eq 1 ]
}

@test "htpasswd: anonymous access is refused with a clear error" {
	start_registry --tls --htpasswd tong:secret
	regctl image copy "oci:$LAYOUT:v1" "$REG/auth/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"401 Unauthorized: authentication required"* ]]
	regctl digest "$REG/auth/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"401 Unauthorized"* ]]
}

@test "registry login with a wrong password fails clearly and saves nothing" {
	start_registry --tls --htpasswd tong:secret
	regctl registry login -u tong -p wrong "$REG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"login to $REG failed: wrong user name or password"* ]]
	[ ! -e "$DOCKER_CONFIG/config.json" ]
}

@test "registry login saves Docker's config.json; pull and push use it; logout forgets" {
	start_registry --tls --htpasswd tong:secret
	run bash -c 'printf "secret\n" | "$REGCTL" registry login -u tong --password-stdin "$1"' _ "$REG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Login Succeeded"* ]]
	[ "$(jq -r --arg r "$REG" '.auths[$r].auth' "$DOCKER_CONFIG/config.json")" = "$(printf tong:secret | base64)" ]
	[ "$(stat -c %a "$DOCKER_CONFIG/config.json")" = 600 ]
	regctl image copy "oci:$LAYOUT:v1" "$REG/auth/img:v1"
	[ "$status" -eq 0 ]
	regctl image pull "$REG/auth/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl image push "$REG/auth/img:v1" "$REG/auth/pushed:v1"
	[ "$status" -eq 0 ]
	regctl registry logout "$REG"
	[ "$status" -eq 0 ]
	[ "$(jq -r --arg r "$REG" '.auths[$r]' "$DOCKER_CONFIG/config.json")" = null ]
	regctl digest "$REG/auth/img:v1"
	[ "$status" -eq 1 ]
	regctl registry logout "$REG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not logged in"* ]]
}

@test "registry login keeps the rest of config.json" {
	start_registry --tls --htpasswd tong:secret
	echo '{"auths": {"other.example": {"auth": "eDp5"}}, "psFormat": "table"}' >"$DOCKER_CONFIG/config.json"
	regctl registry login -u tong -p secret "$REG"
	[ "$status" -eq 0 ]
	[ "$(jq -r .psFormat "$DOCKER_CONFIG/config.json")" = table ]
	[ "$(jq -r '.auths["other.example"].auth' "$DOCKER_CONFIG/config.json")" = eDp5 ]
}

@test "credential helpers: credHelpers for get, store and erase" {
	start_registry --tls --htpasswd tong:secret
	mkdir -p "$TEST_DIR/bin"
	cat >"$TEST_DIR/bin/docker-credential-tongtest" <<-EOF
		#!/bin/sh
		case "\$1" in
		get) cat >"$TEST_DIR/helper-get"; printf '{"ServerURL":"%s","Username":"tong","Secret":"secret"}' "$REG" ;;
		store) cat >"$TEST_DIR/helper-store" ;;
		erase) cat >"$TEST_DIR/helper-erase" ;;
		esac
	EOF
	chmod +x "$TEST_DIR/bin/docker-credential-tongtest"
	jq -n --arg r "$REG" '{credHelpers: {($r): "tongtest"}}' >"$DOCKER_CONFIG/config.json"
	PATH=$TEST_DIR/bin:$PATH regctl image copy "oci:$LAYOUT:v1" "$REG/helper/img:v1"
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_DIR/helper-get")" = "$REG" ]
	PATH=$TEST_DIR/bin:$PATH regctl registry login -u tong -p secret "$REG"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Secret "$TEST_DIR/helper-store")" = secret ]
	[ "$(jq -r --arg r "$REG" '.auths[$r].auth' "$DOCKER_CONFIG/config.json")" = null ]
	PATH=$TEST_DIR/bin:$PATH regctl registry logout "$REG"
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_DIR/helper-erase")" = "$REG" ]
}

@test "--config DIR is used instead of \$DOCKER_CONFIG" {
	start_registry --tls --htpasswd tong:secret
	regctl registry login --config "$TEST_DIR/elsewhere" -u tong -p secret "$REG"
	[ "$status" -eq 0 ]
	[ -f "$TEST_DIR/elsewhere/config.json" ]
	[ ! -e "$DOCKER_CONFIG/config.json" ]
	regctl --config "$TEST_DIR/elsewhere" image copy "oci:$LAYOUT:v1" "$REG/auth/img:v1"
	[ "$status" -eq 0 ]
}

@test "per-registry settings: plainHttp, insecure, caFile" {
	start_registry --name PLAIN
	start_registry --tls
	mkdir -p "$XDG_CONFIG_HOME/tong"
	jq -n --arg p "$REG_PLAIN" --arg t "$REG" --arg ca "$TEST_DIR/tls/ca.crt" \
		'{registries: {($p): {plainHttp: true}, ($t): {caFile: $ca}}}' >"$XDG_CONFIG_HOME/tong/registries.json"
	# --tls-verify turns Docker's local rule off: only the settings apply.
	regctl --tls-verify --verbose image copy "oci:$LAYOUT:v1" "$REG_PLAIN/cfg/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"https://"* ]]
	regctl --tls-verify --verbose image copy "oci:$LAYOUT:v1" "$REG/cfg/img:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"GET https://$REG/v2/ -> 200"* ]]
	# "insecure": unverified HTTPS, and HTTP when HTTPS fails.
	jq -n --arg p "$REG_PLAIN" --arg t "$REG" '{registries: {($p): {insecure: true}, ($t): {insecure: true}}}' \
		>"$TEST_DIR/insecure.json"
	regctl --tls-verify --registries-config "$TEST_DIR/insecure.json" digest "$REG/cfg/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	regctl --tls-verify --registries-config "$TEST_DIR/insecure.json" digest "$REG_PLAIN/cfg/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	# A broken file is an error, not silence.
	echo '{"registries": {"'"$REG"'": {"plainHttp": "yes"}}}' >"$TEST_DIR/bad.json"
	regctl --registries-config "$TEST_DIR/bad.json" digest "$REG/cfg/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"plainHttp: expected true or false"* ]]
}

@test "TLS client certificates: certs.d client.cert and client.key, or clientCert and clientKey in the settings" {
	start_registry --tls --client-ca
	make_client_cert
	# Without one the TLS handshake fails, and the fallback to HTTP finds
	# no registry (a 400 from the TLS server): the TLS error is the one told.
	regctl image copy "oci:$LAYOUT:v1" "$REG/mtls/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad certificate"* ]]
	[[ "$output" == *"over HTTP: GET http://$REG/v2/: 400"* ]]
	certs_d "$REG"
	cp "$TEST_DIR/tls/client.crt" "$TEST_DIR/certs.d/$REG/client.cert"
	cp "$TEST_DIR/tls/client.key" "$TEST_DIR/certs.d/$REG/client.key"
	regctl --tls-verify --certs-dir "$TEST_DIR/certs.d" image copy "oci:$LAYOUT:v1" "$REG/mtls/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	# A certificate without its key is refused by name.
	rm "$TEST_DIR/certs.d/$REG/client.key"
	regctl --tls-verify --certs-dir "$TEST_DIR/certs.d" digest "$REG/mtls/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"client certificate $TEST_DIR/certs.d/$REG/client.cert has no key"* ]]
	# The same from the per-registry settings.
	jq -n --arg r "$REG" --arg ca "$TEST_DIR/tls/ca.crt" --arg c "$TEST_DIR/tls/client.crt" --arg k "$TEST_DIR/tls/client.key" \
		'{registries: {($r): {caFile: $ca, clientCert: $c, clientKey: $k}}}' >"$TEST_DIR/mtls.json"
	regctl --tls-verify --registries-config "$TEST_DIR/mtls.json" digest "$REG/mtls/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	jq -n --arg r "$REG" --arg ca "$TEST_DIR/tls/ca.crt" '{registries: {($r): {caFile: $ca}}}' >"$TEST_DIR/no-client.json"
	regctl --tls-verify --registries-config "$TEST_DIR/no-client.json" digest "$REG/mtls/img:v1"
	[ "$status" -eq 1 ]
}

@test "credential helpers: credsStore for every registry, docker's protocol" {
	start_registry --tls --htpasswd tong:secret
	mkdir -p "$TEST_DIR/bin" "$TEST_DIR/keychain"
	# A keychain in files, one per server URL, as docker-credential-pass keeps them.
	cat >"$TEST_DIR/bin/docker-credential-tongstore" <<-EOF
		#!/bin/sh
		k=$TEST_DIR/keychain
		echo "\$1" >>"\$k/calls"
		case "\$1" in
		get) read -r url; f="\$k/\$(printf %s "\$url" | tr / _)"
		     if [ -f "\$f" ]; then cat "\$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
		store) cat >"\$k/input"; url=\$(jq -r .ServerURL "\$k/input"); mv "\$k/input" "\$k/\$(printf %s "\$url" | tr / _)" ;;
		erase) read -r url; rm "\$k/\$(printf %s "\$url" | tr / _)" || exit 1 ;;
		esac
	EOF
	chmod +x "$TEST_DIR/bin/docker-credential-tongstore"
	echo '{"credsStore": "tongstore"}' >"$DOCKER_CONFIG/config.json"
	# Nothing stored: anonymous, refused.
	PATH=$TEST_DIR/bin:$PATH regctl image copy "oci:$LAYOUT:v1" "$REG/store/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"401 Unauthorized"* ]]
	PATH=$TEST_DIR/bin:$PATH regctl registry login -u tong -p secret "$REG"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Username "$TEST_DIR/keychain/$REG")" = tong ]
	[ "$(jq -r .Secret "$TEST_DIR/keychain/$REG")" = secret ]
	# The secret stays out of config.json, which lists the registry.
	[ "$(jq -c --arg r "$REG" '.auths[$r]' "$DOCKER_CONFIG/config.json")" = '{}' ]
	! grep -q secret "$DOCKER_CONFIG/config.json"
	PATH=$TEST_DIR/bin:$PATH regctl image copy "oci:$LAYOUT:v1" "$REG/store/img:v1"
	[ "$status" -eq 0 ]
	[ "$output" = "$DIGEST" ]
	grep -qx get "$TEST_DIR/keychain/calls"
	PATH=$TEST_DIR/bin:$PATH regctl registry logout "$REG"
	[ "$status" -eq 0 ]
	[ ! -e "$TEST_DIR/keychain/$REG" ]
	PATH=$TEST_DIR/bin:$PATH regctl digest "$REG/store/img:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"401 Unauthorized"* ]]
}
