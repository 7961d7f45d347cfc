# Shipping to Kubernetes: the kubectl plugin, the image, manifest and plugin tests.
# The plugin needs neither libbpf nor the BPF skeleton: it links cJSON only.

KUBECTL_PWRU_SRCS := cmd/kubectl-pwru.c $(wildcard src/kubectl/*.c)
KUBECTL_PWRU_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(KUBECTL_PWRU_SRCS))

BINS        += $(OUT)/kubectl-pwru
TEST_DEPS   += $(OUT)/kubectl-pwru
TEST_SUITES += tests/k8s/lint.sh tests/k8s/manifests.py tests/k8s/kubectl-pwru.py

# More specific than the generic object rule, so these objects do not wait
# for the BPF skeleton.
$(OUT)/obj/src/kubectl/%.o: src/kubectl/%.c $(wildcard src/kubectl/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/obj/cmd/kubectl-pwru.o: cmd/kubectl-pwru.c $(wildcard src/kubectl/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/kubectl-pwru: $(KUBECTL_PWRU_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcjson -o $@

# The OCI image archive, built without a container engine (umoci).
.PHONY: image
image: all
	$(Q)scripts/build-image.sh $(OUT)/pwru-image.tar
