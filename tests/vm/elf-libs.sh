# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# elf_libs ROOT FILE...: prints (once each) the guest paths of the shared
# libraries FILEs need, recursively, and of their program interpreter, found
# under ROOT the way the guest's loader will find them. For a foreign
# architecture, where ldd cannot run the binary: readelf reads NEEDED.
# Sourced by tests/vm/mkinitramfs and tests/vm/run.
elf_libs() {
	local root=$1 f lib d found
	shift
	local -A seen=()
	local queue=("$@")
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(readelf -lW "$f" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p') \
			$(readelf -dW "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			found=""
			# the loader (the interpreter) is loaded already: a NEEDED of
			# its name is satisfied by it wherever it lives (/lib64 on amd64)
			[ -n "${seen[interp:${lib##*/}]:-}" ] && continue
			case $lib in
			/*) found=$lib ;;
			*)
				for d in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib/x86_64-linux-gnu \
					/usr/lib/x86_64-linux-gnu /lib /usr/lib; do
					[ -e "$root$d/$lib" ] && { found=$d/$lib; break; }
				done
				;;
			esac
			[ -n "$found" ] || { echo "elf_libs: $lib (for $f) not under $root" >&2; return 1; }
			[ -n "${seen[$found]:-}" ] && continue
			seen[$found]=1
			case $lib in /*) seen[interp:${lib##*/}]=1 ;; esac
			echo "$found"
			queue+=("$(readlink -f "$root$found")")
		done
	done
}
