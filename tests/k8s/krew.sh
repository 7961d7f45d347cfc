#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The krew package (k8s/krew-package.sh, what `make krew` runs): the plugin is
# a static Linux executable for amd64 and arm64 (no libcjson.so, no glibc
# version asked of a bastion host), each archive holds its plugin, the
# manifest's entry per platform names its archive with that archive's real
# sha256, and the manifest still passes yamllint.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }
pass() { echo "PASS: $1"; }
amd64=$OUT/kubectl-pwru arm64=$OUT-arm64/kubectl-pwru
[ -x "$amd64" ] || { fail "krew package" "expected $amd64 built"; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: krew package - packaged on amd64 hosts (this is $(uname -m))"; exit 0; }
# A sanitizer build (make test-asan) cannot link statically: nothing to ship.
if nm "$amd64" 2>/dev/null | grep -q ' __asan_init$'; then
	echo "SKIP: krew package - $amd64 is a sanitizer build (dynamic by necessity)"
	exit 0
fi
[ -x "$arm64" ] || { fail "krew package" "expected $arm64 built (make ARCH=arm64 OUT=$OUT-arm64 $arm64)"; exit 1; }

for bin in "$amd64" "$arm64"; do
	desc=$(file -b "$bin")
	case $desc in
	*"statically linked"*) pass "$(basename "$(dirname "$bin")")/kubectl-pwru is statically linked" ;;
	*) fail "$(basename "$(dirname "$bin")")/kubectl-pwru is statically linked" "file says: $desc" ;;
	esac
done
# It runs with no shared library at all: not even the dynamic loader.
ver=$(env -i "$amd64" --version 2>&1)
case $ver in
"kubectl-pwru "*) pass "static amd64 plugin runs --version" ;;
*) fail "static amd64 plugin runs --version" "'kubectl-pwru VERSION', saw '$ver'" ;;
esac
"$amd64" --help 2>&1 | grep -q '^Usage: kubectl pwru' && pass "static amd64 plugin runs --help" ||
	fail "static amd64 plugin runs --help" "a Usage: line"

work=$(mktemp -d /tmp/pwru-krew-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The arm64 one runs on arm64: in tests/vm's arm64 guest (~25 s under TCG),
# given as a file (a copy: the run also lands $PWRU_ARM64, here the plugin,
# as pwru, and a path given twice lands once).
if command -v qemu-system-aarch64 >/dev/null; then
	mkdir "$work/arm64" && cp "$arm64" "$work/arm64/kubectl-pwru"
	printf 'set -e\nkubectl-pwru --version\nkubectl-pwru --help | head -n1\nuname -m\n' >"$work/arm64.sh"
	PWRU_ARM64=$arm64 "$root/tests/vm/run" -t 120 6.12-arm64 "$work/arm64.sh" "$work/arm64/kubectl-pwru" >"$work/arm64.log" 2>&1
	# the guest's console ends lines with CR LF
	got=$(tr -d '\r' <"$work/arm64.log" |
		sed -n 's/^\(kubectl-pwru\) [0-9a-z].*/\1 VERSION/p; s/^\(Usage: kubectl pwru\) .*/\1/p; /^aarch64$/p' |
		tr '\n' '|')
	[ "$got" = "kubectl-pwru VERSION|Usage: kubectl pwru|aarch64|" ] &&
		pass "static arm64 plugin runs --version and --help on arm64 (tests/vm guest)" ||
		fail "static arm64 plugin runs --version and --help on arm64 (tests/vm guest)" \
			"its version, Usage and aarch64, saw: $(tail -3 "$work/arm64.log" | tr '\n' ' ')"
else
	echo "SKIP: static arm64 plugin runs on arm64 - no qemu-system-aarch64 (scripts/deps/vm.txt) for tests/vm's arm64 guest"
fi
if "$root/k8s/krew-package.sh" "$work" v9.8.7 https://releases.invalid/pwru/v9.8.7 \
	amd64="$amd64" arm64="$arm64" >"$work/log" 2>&1; then
	pass "krew-package.sh packages both platforms"
else
	fail "krew-package.sh packages both platforms" "exit 0, saw: $(tail -2 "$work/log" | tr '\n' ' ')"
	exit 1
fi
for arch in amd64 arm64; do
	archive=$work/kubectl-pwru-linux-$arch.tar.gz
	[ "$(tar -tzf "$archive" 2>/dev/null)" = kubectl-pwru ] && pass "$arch archive holds kubectl-pwru" ||
		fail "$arch archive holds kubectl-pwru" "kubectl-pwru, saw: $(tar -tzf "$archive" 2>&1 | tr '\n' ' ')"
	mkdir "$work/x-$arch"
	tar -xzf "$archive" -C "$work/x-$arch" && cmp -s "$work/x-$arch/kubectl-pwru" "${!arch}" &&
		pass "$arch archived plugin is the built one" || fail "$arch archived plugin is the built one" "identical files"
	entry=$(python3 - "$work/pwru.yaml" "$arch" <<'PY'
import sys, yaml
m = yaml.safe_load(open(sys.argv[1]))
for p in m["spec"]["platforms"]:
    if p["selector"]["matchLabels"] == {"os": "linux", "arch": sys.argv[2]}:
        print(m["spec"]["version"], p["uri"], p["sha256"], p["bin"])
PY
)
	want="v9.8.7 https://releases.invalid/pwru/v9.8.7/kubectl-pwru-linux-$arch.tar.gz $(sha256sum "$archive" | cut -d' ' -f1) kubectl-pwru"
	[ "$entry" = "$want" ] && pass "manifest names the $arch archive with its sha256" ||
		fail "manifest names the $arch archive with its sha256" "'$want', saw '$entry'"
done
if command -v yamllint >/dev/null; then
	yamllint --strict -c "$root/k8s/.yamllint" "$work/pwru.yaml" >"$work/lint" 2>&1 &&
		pass "packaged manifest passes yamllint" ||
		fail "packaged manifest passes yamllint" "no findings, saw: $(head -3 "$work/lint" | tr '\n' ' ')"
fi
# A dynamically linked plugin, or one of the wrong architecture, is refused.
if "$root/k8s/krew-package.sh" "$work/bad" v9.8.7 https://releases.invalid/x amd64=/bin/true >"$work/log" 2>&1; then
	fail "krew-package.sh refuses a dynamic binary" "non-zero exit"
else
	grep -q 'not a static amd64 executable' "$work/log" && pass "krew-package.sh refuses a dynamic binary" ||
		fail "krew-package.sh refuses a dynamic binary" "'not a static amd64 executable', saw: $(head -1 "$work/log")"
fi
if "$root/k8s/krew-package.sh" "$work/bad" v9.8.7 https://releases.invalid/x amd64="$arm64" >"$work/log" 2>&1; then
	fail "krew-package.sh refuses an arm64 binary for amd64" "non-zero exit"
else
	pass "krew-package.sh refuses an arm64 binary for amd64"
fi
exit $failed
