#!/bin/bash
# Which BPF attach kinds does this guest's kernel take? (vm-probe's lines)
# plus the facts the backends depend on.
set -eu
echo "PROBE info kernel=$(uname -r)"
vm-probe
echo "PROBE info kallsyms_text=$(grep -c ' [tT] ' /proc/kallsyms)"
