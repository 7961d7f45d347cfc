# SPDX-License-Identifier: GPL-2.0
# Shipping to Kubernetes: the kubectl plugin, the image, manifest and plugin tests.
# The plugin needs neither libbpf nor the BPF skeleton: it links cJSON only.
K8S_TEST_OUT := $(OUT)/tests/k8s

# The tree's error-message and growable-array helpers come along: they
# depend on nothing else.
KUBECTL_PWRU_SRCS := cmd/kubectl-pwru.c $(wildcard src/kubectl/*.c) src/errmsg.c src/array.c
KUBECTL_PWRU_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(KUBECTL_PWRU_SRCS))

BINS        += $(OUT)/kubectl-pwru
TEST_DEPS   += $(OUT)/kubectl-pwru $(K8S_TEST_OUT)/plugin-unit $(OUT)/tests/k8s/cri-pod-run $(OUT)/tests/cri/cri-tool
TEST_SUITES += tests/k8s/unit.sh tests/k8s/lint.sh tests/k8s/krew.sh tests/k8s/manifests.py tests/k8s/kubectl-pwru.py tests/k8s/image.sh tests/k8s/image-in-containerd.sh
# kubectl pwru against a real kube-apiserver and kubelet (tests/k8s/realk8s/)
TEST_SUITES += tests/k8s/realk8s.sh

# The objects come from the top Makefile's one compile rule; none needs the
# BPF skeleton. The headers are named too, for objects built before -MMD.
# Objects come from the top Makefile's one compile rule (headers tracked by -MMD).

# The plugin is linked statically (glibc's libc.a, and cJSON built from
# Debian's source package: libcjson-dev has no libcjson.a), so a bastion host
# needs neither libcjson nor a given glibc. `make ARCH=arm64
# build-arm64/kubectl-pwru` builds the arm64 one against the cross sysroot.
# Sanitizer builds cannot link statically: they keep libcjson.so.
ifeq ($(SAN),1)
KUBECTL_PWRU_LIBS := -lcjson
else
KUBECTL_PWRU_CJSON := $(OUT)/cjson-static/cJSON.o
KUBECTL_PWRU_LIBS := -static -lm
endif

$(OUT)/kubectl-pwru: $(KUBECTL_PWRU_OBJS) $(KUBECTL_PWRU_CJSON)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(KUBECTL_PWRU_LIBS) -o $@

# Debian's patched cJSON.c (scripts/cjson-source caches the source package
# under build/cache), compiled as Debian builds it: not with the tree's
# -Werror warnings, which are ours to keep, not cJSON's.
$(OUT)/cjson-static/cJSON.c:
	$(call msg,FETCH,cjson source)
	$(Q)src=$$(scripts/cjson-source) && mkdir -p $(@D) && cp $$src/cJSON.h $$src/cJSON.c $(@D)/

$(OUT)/cjson-static/cJSON.o: $(OUT)/cjson-static/cJSON.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CROSS_SYSROOT:%=--sysroot=%) -g -O2 -std=c89 -c $< -o $@

# Unit tests of the plugin's parts (everything but its main()).
$(K8S_TEST_OUT)/plugin-unit: $(OUT)/obj/tests/k8s/plugin_unit.o \
		$(filter-out %/kubectl-pwru.o,$(KUBECTL_PWRU_OBJS))
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ -lcjson -lcmocka -o $@

# krew: the static plugin's archives for linux/amd64 and linux/arm64 and the
# manifest with their URLs and checksums, for a release published under
# KREW_URL. On an amd64 host the arm64 plugin is cross-built into
# $(OUT)-arm64 (scripts/cross.mk).
# krew wants a semantic version: a vX.Y.Z tag, else the manifest's own.
KREW_VERSION ?= $(if $(filter v%,$(VERSION)),$(VERSION),$(shell sed -n 's/^  version: //p' plugins/krew/pwru.yaml))
KREW_URL ?= https://example.invalid/pwru/releases/$(KREW_VERSION)
ifeq ($(HOST_ARCH),x86)
KREW_ARM64_PLUGIN := $(OUT)-arm64/kubectl-pwru
.PHONY: $(KREW_ARM64_PLUGIN)
$(KREW_ARM64_PLUGIN):
	$(Q)$(MAKE) ARCH=arm64 OUT=$(OUT)-arm64 $@
.PHONY: krew
krew: $(OUT)/kubectl-pwru $(KREW_ARM64_PLUGIN)
	$(Q)k8s/krew-package.sh $(OUT)/krew $(KREW_VERSION) $(KREW_URL) \
		amd64=$(OUT)/kubectl-pwru arm64=$(KREW_ARM64_PLUGIN)
# tests/k8s/krew.sh packages both (a sanitizer build has no static plugin)
ifeq ($(SAN)$(CROSS),)
TEST_DEPS += $(KREW_ARM64_PLUGIN)
endif
else
.PHONY: krew
krew:
	@echo "make krew: packages on an amd64 host (cross-builds arm64); this is $(HOST_ARCH)" >&2; exit 1
endif

# The OCI image archive, built without a container engine (umoci).
.PHONY: image
image: all
	$(Q)scripts/build-image.sh $(OUT)/pwru-image.tar

# The image test's node: starts a Pod object on containerd through CRI with
# the fields a kubelet would send (privileged, host namespaces, mounts).
# It links cri/'s client (CRI_LIB from cri/cri.mk) with messages of its own.

$(K8S_TEST_OUT)/cri_pod.pb-c.c $(K8S_TEST_OUT)/cri_pod.pb-c.h &: tests/k8s/cri_pod.proto
	$(call msg,PROTOC,$@)
	$(Q)mkdir -p $(K8S_TEST_OUT)
	$(Q)protoc-c --proto_path=tests/k8s --c_out=$(K8S_TEST_OUT) tests/k8s/cri_pod.proto

# -Ulinux: gnu11 predefines it, and the CRI messages have fields named linux.
$(K8S_TEST_OUT)/cri_pod.pb-c.o: $(K8S_TEST_OUT)/cri_pod.pb-c.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Ulinux -c $< -o $@

$(K8S_TEST_OUT)/cri_pod_run.o: tests/k8s/cri_pod_run.c $(K8S_TEST_OUT)/cri_pod.pb-c.h $(CRI_PB)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(K8S_TEST_OUT) -c $< -o $@

$(K8S_TEST_OUT)/cri-pod-run: $(K8S_TEST_OUT)/cri_pod_run.o $(K8S_TEST_OUT)/cri_pod.pb-c.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -o $@
