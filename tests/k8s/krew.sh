#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The krew package (k8s/krew-package.sh, `make krew`): the archive holds the
# plugin, the manifest's entry for this architecture names that archive with
# its real checksum, and the manifest still passes yamllint.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-build}
case $OUT in /*) ;; *) OUT=$root/$OUT ;; esac
failed=0
fail() { echo "FAIL: $1 - $2"; failed=1; }
pass() { echo "PASS: $1"; }
[ -x "$OUT/kubectl-pwru" ] || { fail "krew package" "expected $OUT/kubectl-pwru built"; exit 1; }
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) echo "SKIP: krew package - no krew platform for $(uname -m)"; exit 0 ;; esac

work=$(mktemp -d /tmp/pwru-krew-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
if "$root/k8s/krew-package.sh" "$OUT/kubectl-pwru" "$work" v9.8.7 https://releases.invalid/pwru/v9.8.7 > "$work/log" 2>&1; then
	pass "krew-package.sh packages the plugin"
else
	fail "krew-package.sh packages the plugin" "exit 0, saw: $(tail -2 "$work/log" | tr '\n' ' ')"
	exit 1
fi
archive=$work/kubectl-pwru-linux-$arch.tar.gz
[ "$(tar -tzf "$archive" 2>/dev/null)" = kubectl-pwru ] && pass "archive holds kubectl-pwru" ||
	fail "archive holds kubectl-pwru" "kubectl-pwru, saw: $(tar -tzf "$archive" 2>&1 | tr '\n' ' ')"
tar -xzf "$archive" -C "$work" && cmp -s "$work/kubectl-pwru" "$OUT/kubectl-pwru" &&
	pass "archived plugin is the built one" || fail "archived plugin is the built one" "identical files"
entry=$(python3 - "$work/pwru.yaml" "$arch" <<'PY'
import sys, yaml
m = yaml.safe_load(open(sys.argv[1]))
for p in m["spec"]["platforms"]:
    if p["selector"]["matchLabels"]["arch"] == sys.argv[2]:
        print(m["spec"]["version"], p["uri"], p["sha256"], p["bin"])
PY
)
want="v9.8.7 https://releases.invalid/pwru/v9.8.7/kubectl-pwru-linux-$arch.tar.gz $(sha256sum "$archive" | cut -d' ' -f1) kubectl-pwru"
[ "$entry" = "$want" ] && pass "manifest names the archive with its sha256" ||
	fail "manifest names the archive with its sha256" "'$want', saw '$entry'"
if command -v yamllint >/dev/null; then
	yamllint --strict -c "$root/k8s/.yamllint" "$work/pwru.yaml" > "$work/lint" 2>&1 &&
		pass "packaged manifest passes yamllint" ||
		fail "packaged manifest passes yamllint" "no findings, saw: $(head -3 "$work/lint" | tr '\n' ' ')"
fi
exit $failed
