# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A private apt configuration over this machine's Debian archive, for any
# suite and architecture: own sources list, lists, cache and an empty dpkg
# status, so the system's apt state is never read for packages nor touched
# (and no dpkg --add-architecture is needed for a foreign one). Sourced by
# tests/vm/fetch-kernels and scripts/cross-sysroot; the caller defines die().

# The first non-security Debian URI of this machine's apt sources (deb822
# .sources first, then the one-line format).
debian_uri() {
	local uri
	uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' |
		grep -v -- '-security' | grep -i debian | head -n1 || true)
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1=="deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
			grep -v -- '-security' | grep -i debian | head -n1 || true)
	fi
	[ -n "$uri" ] || die "no Debian URI in /etc/apt/sources.list{,.d/*}"
	echo "$uri"
}

# apt_private DIR SUITE ARCH: writes DIR's sources list, runs apt-get update
# and prints the options every later apt-get/apt-cache call needs.
apt_private() {
	local dir=$1 suite=$2 arch=$3 opts
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_uri) $suite main" \
		>"$dir/sources.list"
	opts="-o Dir::Etc::SourceList=$dir/sources.list -o Dir::Etc::SourceParts=/dev/null"
	opts+=" -o Dir::State::Lists=$dir/lists -o Dir::Cache=$dir/cache -o Dir::State::status=/dev/null"
	opts+=" -o Debug::NoLocking=1 -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root"
	opts+=" -o APT::Architecture=$arch -o APT::Architectures=$arch"
	echo "apt: update ($suite $arch)" >&2
	# shellcheck disable=SC2086 # opts is a list of words on purpose
	apt-get $opts -o DPkg::Lock::Timeout=600 -qq update >&2 || die "apt-get update for $suite $arch failed"
	echo "$opts"
}
