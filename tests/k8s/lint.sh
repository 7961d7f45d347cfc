#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# yamllint (Debian's) over every YAML file we ship for Kubernetes: the
# manifests in k8s/, the chart's Chart.yaml and values.yaml, the krew
# manifest. --strict: warnings fail too. The chart's templates are Go
# templates, not YAML, and Helm is not in Debian: they are checked by
# tests/k8s/manifests.py against k8s/ instead.
set -u
cd "$(dirname "$0")/../.."
conf=k8s/.yamllint
rc=0

if ! command -v yamllint >/dev/null; then
	echo "SKIP: yamllint - not installed (scripts/install-deps.sh installs it)"
	exit 0
fi

for f in k8s/.yamllint k8s/*.yaml charts/pwru/Chart.yaml charts/pwru/values.yaml plugins/krew/pwru.yaml; do
	if out=$(yamllint --strict -f parsable -c "$conf" "$f" 2>&1); then
		echo "PASS: yamllint $f"
	else
		echo "FAIL: yamllint $f - expected no findings, saw: $(echo "$out" | head -3 | tr '\n' ' ')"
		rc=1
	fi
done

# The lint must be able to fail: a manifest with a tab-indented key and a
# duplicate key is rejected by the same configuration.
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
printf -- '---\nkind: Pod\nkind: Pod\nspec:\n\thostPID: true\n' > "$bad"
if yamllint --strict -c "$conf" "$bad" >/dev/null 2>&1; then
	echo "FAIL: yamllint rejects a broken manifest - expected findings, saw none"
	rc=1
else
	echo "PASS: yamllint rejects a broken manifest"
fi
exit $rc
