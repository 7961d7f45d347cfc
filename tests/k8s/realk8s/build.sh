#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and kubelet
# v1.20.2 from Debian's `kubernetes` source package (bookworm) into a cache
# outside the clone, so CI on this machine and later runs reuse them.
# Usage: tests/k8s/realk8s/build.sh          (prints the cache directory)
# Env:   REALK8S_CACHE (default /var/cache/pwru-realk8s)
#
# Debian ships no binary kube-apiserver or kubelet, but its source package
# carries the whole upstream tree with vendor/. A plain `go build` fails (the
# generated OpenAPI code is not in the tarball), so upstream's make runs the
# generators first; hack/lib/init.sh makes it build in GOPATH mode.
# The source comes through a private apt configuration (own sources list with
# a deb-src line, own lists and cache): the system's apt state is untouched.
set -eu

version=1.20.2
suite=bookworm
cache=${REALK8S_CACHE:-/var/cache/pwru-realk8s}
bins="kube-apiserver kube-controller-manager kube-scheduler kubelet"

die() { echo "realk8s-build: $*" >&2; exit 1; }

have_all() {
	local b
	for b in $bins; do [ -x "$cache/bin/$b" ] || return 1; done
	[ "$(cat "$cache/bin/version" 2>/dev/null)" = "v$version" ]
}
if have_all; then echo "$cache"; exit 0; fi

for t in apt-get dpkg-source go rsync jq make; do
	command -v $t >/dev/null || die "$t missing (scripts/install-deps.sh installs it)"
done

# Only one build at a time: a second caller waits for the first one's result.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if have_all; then echo "$cache"; exit 0; fi

# debian_uri: the Debian archive this machine's apt already uses (shared with tests/vm)
. "$(cd "$(dirname "$0")/../../vm" && pwd)/apt-private.sh"

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

# The source package files stay in $cache/src: a rebuild is offline.
src="$cache/src"
if ! ls "$src"/kubernetes_*.dsc >/dev/null 2>&1; then
	apt="$cache/apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$src.new"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_uri) $suite main" \
		>"$apt/sources.list"
	opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o Debug::NoLocking=1 -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
	echo "realk8s-build: apt-get update ($suite deb-src)" >&2
	apt-get "${opts[@]}" -qq update >&2 || die "apt-get update failed"
	echo "realk8s-build: downloading the kubernetes source package" >&2
	(cd "$src.new" && apt-get "${opts[@]}" -qq source --download-only kubernetes >&2) ||
		die "apt-get source kubernetes failed"
	# bookworm's is 1.20.5+really1.20.2: the version it really carries ends the string
	ls "$src.new"/kubernetes_*"$version"-*.dsc >/dev/null 2>&1 ||
		die "$suite's kubernetes source is $(ls "$src.new"/*.dsc), not $version"
	rm -rf "$src"
	mv "$src.new" "$src"
fi

echo "realk8s-build: unpacking" >&2
dpkg-source --no-check -x "$src"/kubernetes_*.dsc "$work/kubernetes" >/dev/null ||
	die "dpkg-source -x failed"
cd "$work/kubernetes"
# not a git checkout: the version comes from here, else it reads v0.0.0-master
export KUBE_GIT_VERSION=v$version KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 KUBE_GIT_TREE_STATE=clean
# no network for Go: everything is in vendor/
export GOFLAGS=-mod=vendor GOPROXY=off GOTOOLCHAIN=local
unset GOPATH GOROOT_FINAL
for b in $bins; do
	t0=$(date +%s)
	echo "realk8s-build: make WHAT=cmd/$b" >&2
	make WHAT="cmd/$b" >"$work/make-$b.log" 2>&1 || {
		tail -n 30 "$work/make-$b.log" >&2
		die "make WHAT=cmd/$b failed"
	}
	echo "realk8s-build: $b built in $(($(date +%s) - t0)) s" >&2
done

rm -rf "$cache/bin.new"
mkdir -p "$cache/bin.new"
for b in $bins; do
	cp "_output/local/go/bin/$b" "$cache/bin.new/$b" || die "$b not in _output/local/go/bin"
done
"$cache/bin.new/kube-apiserver" --version | grep -q "v$version" ||
	die "kube-apiserver reports $("$cache/bin.new/kube-apiserver" --version), not v$version"
echo "v$version" >"$cache/bin.new/version"
echo "$(($(date +%s) - start))" >"$cache/bin.new/build-seconds"
rm -rf "$cache/bin"
mv "$cache/bin.new" "$cache/bin"
echo "realk8s-build: done in $(cat "$cache/bin/build-seconds") s -> $cache/bin" >&2
echo "$cache"
