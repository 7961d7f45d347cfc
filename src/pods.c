// SPDX-License-Identifier: GPL-2.0
/* Pod resolution and the netns -> pod table (see pods.h).
 *
 * Threads: the caller's thread runs pods_open/pods_select/pods_lookup; one
 * background thread refreshes the table when lookups miss. `list_lock`
 * serialises every use of the runtime and of the pod list; `lock` guards
 * only the table pointer and the miss bookkeeping, and is held for a
 * binary search at most, so the event path never waits on the runtime. */
#include "pods.h"
#include "array.h"
#include "cri/endpoint.h"
#include "cri/runtime.h"
#include "errmsg.h"
#include "hostns.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_MIN_GAP_NS (200ull * 1000 * 1000)
#define REFRESH_PERIOD_NS (5ull * 1000 * 1000 * 1000)
#define MISS_FIRST_RETRY_NS (250ull * 1000 * 1000)
/* Capped at a second so a pod whose first packets beat its CRI record
 * (CNI set-up traffic) is still named within about a second. */
#define MISS_MAX_RETRY_NS (1000ull * 1000 * 1000)
#define MISS_SLOTS 256
#define POOL_CHUNK 64

struct netns_entry {
	uint32_t inode;
	const struct pod_ref *ref;
};

struct netns_table {
	size_t n;
	struct netns_entry v[];
};

/* pod_refs handed out by pods_lookup live here until pods_close, so a
 * refresh never frees a name an event printer still holds. */
struct ref_chunk {
	struct ref_chunk *next;
	size_t n;
	struct pod_ref refs[POOL_CHUNK];
};

struct miss {
	uint32_t inode;
	uint64_t retry_at_ns;
	uint64_t backoff_ns;
};

struct pods {
	char source[8448];
	char host_root[4096];
	uint32_t host_netns;	/* the node's own netns: never a pod's, 0 if unreadable */
	struct cri_client *cri; /* NULL: the /proc source */

	pthread_mutex_t list_lock;
	struct pod_list list;
	struct ref_chunk *pool;

	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct netns_table *table;
	struct miss misses[MISS_SLOTS];
	size_t next_miss;
	bool want_refresh, stop;
	pthread_t thread;
	bool thread_started;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct pod_ref *intern_ref(struct pods *p, const struct pod_ref *r)
{
	struct ref_chunk *c;

	for (c = p->pool; c; c = c->next)
		for (size_t i = 0; i < c->n; i++)
			if (memcmp(&c->refs[i], r, sizeof(*r)) == 0)
				return &c->refs[i];
	if (!p->pool || p->pool->n == POOL_CHUNK) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		c->next = p->pool;
		p->pool = c;
	}
	p->pool->refs[p->pool->n] = *r;
	return &p->pool->refs[p->pool->n++];
}

static int cmp_entry(const void *a, const void *b)
{
	const struct netns_entry *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* Host-network pods are left out: their netns is the node's, and naming
 * every node event after one of them would be wrong. */
static struct netns_table *build_table(struct pods *p, const struct pod_list *l)
{
	struct netns_table *t = malloc(sizeof(*t) + (l->n ? l->n : 1) * sizeof(t->v[0]));

	if (!t)
		return NULL;
	t->n = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct pod_info *pi = &l->v[i];
		const struct pod_ref *ref;

		if (!pi->ready || !pi->netns_inode || pi->host_network)
			continue;
		if (!(ref = intern_ref(p, &pi->ref))) {
			free(t);
			return NULL;
		}
		t->v[t->n].inode = pi->netns_inode;
		t->v[t->n++].ref = ref;
	}
	qsort(t->v, t->n, sizeof(t->v[0]), cmp_entry);
	return t;
}

static int read_source(struct pods *p, struct pod_list *out, char *err, size_t errlen)
{
	if (p->cri)
		return cri_pods_list(p->cri, p->host_root, p->host_netns, &p->list, out, err,
				     errlen);
	return proc_pods_list(p->host_root, p->host_netns, out, err, errlen);
}

/* Caller holds list_lock. */
static int refresh_locked(struct pods *p, char *err, size_t errlen)
{
	struct pod_list fresh;
	struct netns_table *t, *old;
	int ret;

	ret = read_source(p, &fresh, err, errlen);
	if (ret < 0)
		return ret;
	t = build_table(p, &fresh);
	if (!t) {
		pod_list_free(&fresh);
		return set_err(err, errlen, -ENOMEM, "out of memory for the pod table");
	}
	pod_list_free(&p->list);
	p->list = fresh;
	pthread_mutex_lock(&p->lock);
	old = p->table;
	p->table = t;
	pthread_mutex_unlock(&p->lock);
	free(old);
	return 0;
}

int pods_refresh(struct pods *p, char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&p->list_lock);
	ret = refresh_locked(p, err, errlen);
	pthread_mutex_unlock(&p->list_lock);
	return ret;
}

/* Caller holds lock. The wake condvar runs on CLOCK_MONOTONIC. */
static void wait_until(struct pods *p, uint64_t due_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(due_ns / 1000000000ull),
			       .tv_nsec = (long)(due_ns % 1000000000ull) };

	pthread_cond_timedwait(&p->wake, &p->lock, &ts);
}

/* Refreshes on request (a lookup missed), at most every REFRESH_MIN_GAP_NS,
 * and every REFRESH_PERIOD_NS regardless: a deleted pod's netns inode can
 * be reused by a new one, and only a refresh notices. */
static void *refresh_thread(void *arg)
{
	struct pods *p = arg;
	uint64_t last = now_ns(); /* pods_open has just built the table */
	char err[256];

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		uint64_t due = last + (p->want_refresh ? REFRESH_MIN_GAP_NS : REFRESH_PERIOD_NS);

		if (now_ns() < due) {
			wait_until(p, due);
			continue;
		}
		p->want_refresh = false;
		pthread_mutex_unlock(&p->lock);
		/* A failed refresh keeps the old table; the next miss retries. */
		pods_refresh(p, err, sizeof(err));
		last = now_ns();
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static const struct netns_entry *table_find(const struct netns_table *t, uint32_t inode)
{
	struct netns_entry key = { .inode = inode };

	return t ? bsearch(&key, t->v, t->n, sizeof(t->v[0]), cmp_entry) : NULL;
}

/* Caller holds lock. Decides whether this miss is worth a refresh. */
static bool note_miss(struct pods *p, uint32_t inode)
{
	uint64_t now = now_ns();
	struct miss *m;

	for (size_t i = 0; i < MISS_SLOTS; i++) {
		m = &p->misses[i];
		if (m->inode != inode)
			continue;
		if (now < m->retry_at_ns)
			return false;
		m->backoff_ns = m->backoff_ns * 2 > MISS_MAX_RETRY_NS ? MISS_MAX_RETRY_NS :
									m->backoff_ns * 2;
		m->retry_at_ns = now + m->backoff_ns;
		return true;
	}
	m = &p->misses[p->next_miss++ % MISS_SLOTS];
	m->inode = inode;
	m->backoff_ns = MISS_FIRST_RETRY_NS;
	m->retry_at_ns = now + m->backoff_ns;
	return true;
}

const struct pod_ref *pods_lookup(struct pods *p, uint32_t inode)
{
	const struct netns_entry *e;
	const struct pod_ref *ref = NULL;

	if (!p || !inode || inode == p->host_netns)
		return NULL;
	pthread_mutex_lock(&p->lock);
	e = table_find(p->table, inode);
	if (e)
		ref = e->ref;
	else if (note_miss(p, inode) && p->thread_started) {
		p->want_refresh = true;
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
	return ref;
}

size_t pods_count(struct pods *p)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->table ? p->table->n : 0;
	pthread_mutex_unlock(&p->lock);
	return n;
}

const char *pods_source(const struct pods *p)
{
	return p->source;
}

static int connect_source(struct pods *p, const struct pods_opts *o, char *err, size_t errlen)
{
	char runtime[128] = "";
	int ret;

	ret = cri_endpoint_open(o->cri_endpoint, p->host_root,
				o->timeout_ms > 0 ? o->timeout_ms : 2000, &p->cri, runtime,
				sizeof(runtime), err, errlen);
	if (ret == 0) {
		snprintf(p->source, sizeof(p->source), "cri unix://%s (%s)",
			 cri_client_socket(p->cri), runtime);
		return 0;
	}
	if ((o->cri_endpoint && o->cri_endpoint[0]) || o->no_fallback)
		return ret;
	snprintf(p->source, sizeof(p->source),
		 "proc (%s/proc cgroups + /var/log/pods; no CRI socket answered)",
		 strcmp(p->host_root, "/") ? p->host_root : "");
	return 0;
}

int pods_open(const struct pods_opts *o, struct pods **out, char *err, size_t errlen)
{
	struct pods *p = calloc(1, sizeof(*p));
	pthread_condattr_t ca;
	int ret;

	if (!p)
		return set_err(err, errlen, -ENOMEM, "out of memory for the pod resolver");
	pthread_mutex_init(&p->list_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->wake, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(p->host_root, sizeof(p->host_root), "%s",
		 o->host_root && o->host_root[0] ? o->host_root : "/");
	/* Unreadable: lookups then cannot tell the node from a pod, but the
	 * table holds only pods, so no node event gets a pod's name. */
	if (host_netns_inode(p->host_root, &p->host_netns) < 0)
		p->host_netns = 0;
	ret = connect_source(p, o, err, errlen);
	if (ret < 0)
		goto fail;
	ret = pods_refresh(p, err, errlen);
	if (ret < 0)
		goto fail;
	if (pthread_create(&p->thread, NULL, refresh_thread, p) == 0)
		p->thread_started = true;
	*out = p;
	return 0;
fail:
	pods_close(p);
	return ret;
}

void pods_close(struct pods *p)
{
	struct ref_chunk *c, *next;

	if (!p)
		return;
	if (p->thread_started) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	cri_client_free(p->cri);
	pod_list_free(&p->list);
	free(p->table);
	for (c = p->pool; c; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&p->list_lock);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}

/* ---- selection ---- */

struct inode_set {
	uint32_t *v;
	size_t n, cap;
};

static int set_add(struct inode_set *s, uint32_t inode)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == inode)
			return 0;
	if (array_reserve(s->v, s->cap, s->n + 1))
		return -ENOMEM;
	s->v[s->n++] = inode;
	return 0;
}

/* One "key=value" line of p->labels (see pod_add_label). */
static bool pod_has_label(const struct pod_info *p, const char *kv)
{
	size_t len = strlen(kv);

	for (const char *line = p->labels; *line;) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);

		if (llen == len && memcmp(line, kv, len) == 0)
			return true;
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

bool pod_has_labels(const struct pod_info *p, const char *const *kvs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pod_has_label(p, kvs[i]))
			return false;
	return true;
}

bool pod_has_container(const struct pod_info *p, const char *name)
{
	size_t len = strlen(name);

	for (const char *s = p->ref.container; *s;) {
		const char *comma = strchr(s, ',');
		size_t l = comma ? (size_t)(comma - s) : strlen(s);

		if (l == len && memcmp(s, name, len) == 0)
			return true;
		if (!comma)
			break;
		s = comma + 1;
	}
	return false;
}

const struct pod_info *pod_list_find(const struct pod_list *l, const char *ns, const char *name)
{
	const struct pod_info *best = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct pod_info *p = &l->v[i];

		if (strcmp(p->ref.namespace_, ns) || strcmp(p->ref.name, name))
			continue;
		/* Old attempts of a pod linger as NOTREADY sandboxes. */
		if (!best || p->ready > best->ready ||
		    (p->ready == best->ready && p->created_at > best->created_at))
			best = p;
	}
	return best;
}

int pod_name_split(const char *spec, const char *default_ns, char *ns, size_t nslen, char *name,
		   size_t namelen, char *err, size_t errlen)
{
	const char *slash = strchr(spec, '/');
	int n1, n2;

	if (slash)
		n1 = snprintf(ns, nslen, "%.*s", (int)(slash - spec), spec);
	else
		n1 = snprintf(ns, nslen, "%s", default_ns ? default_ns : "default");
	n2 = snprintf(name, namelen, "%s", slash ? slash + 1 : spec);
	if (!ns[0] || !name[0] || strchr(name, '/') || n1 >= (int)nslen || n2 >= (int)namelen)
		return set_err(err, errlen, -EINVAL, "pod '%s': expected NAMESPACE/NAME or NAME",
			       spec);
	return 0;
}

/* Caller holds list_lock. The netns to trace for one chosen pod. */
static int pod_netns(struct pods *p, const struct pod_info *pi, const struct pod_selector *sel,
		     uint32_t *inode, char *err, size_t errlen)
{
	const char *ns = pi->ref.namespace_, *name = pi->ref.name;
	char why[256];
	int ret;

	if (!pi->ready)
		return set_err(err, errlen, -EAGAIN,
			       "pod %s/%s is not ready (its sandbox is not running)", ns, name);
	if (pi->host_network && !sel->allow_host_netns)
		return set_err(
			err, errlen, -EPERM,
			"pod %s/%s uses the host network: a filter on it would match the whole node; "
			"add --allow-host-netns to trace it anyway",
			ns, name);
	*inode = pi->netns_inode;
	if (sel->container && p->cri) {
		ret = cri_container_netns(p->cri, p->host_root, pi->sandbox_id, sel->container,
					  inode, why, sizeof(why));
		if (ret < 0)
			return set_err(err, errlen, ret, "pod %s/%s: %s", ns, name, why);
	} else if (sel->container && !pod_has_container(pi, sel->container)) {
		return set_err(err, errlen, -ENOENT, "pod %s/%s has no container named %s", ns,
			       name, sel->container);
	}
	if (!*inode && pi->problem[0])
		return set_err(err, errlen, -EIO, "pod %s/%s: cannot find its netns: %s", ns, name,
			       pi->problem);
	if (!*inode)
		return set_err(err, errlen, -ESRCH,
			       "pod %s/%s has no running process to take its netns from", ns, name);
	return 0;
}

/* Caller holds list_lock. */
static int select_named(struct pods *p, const struct pod_selector *sel, const char *spec,
			struct inode_set *out, char *err, size_t errlen)
{
	char ns[64], name[256];
	const struct pod_info *pi;
	uint32_t inode;
	int ret;

	ret = pod_name_split(spec, sel->default_namespace, ns, sizeof(ns), name, sizeof(name), err,
			     errlen);
	if (ret < 0)
		return ret;
	pi = pod_list_find(&p->list, ns, name);
	if (!pi) {
		/* Maybe it started after the table was built. */
		if (refresh_locked(p, err, errlen) < 0 || !(pi = pod_list_find(&p->list, ns, name)))
			return set_err(err, errlen, -ENOENT,
				       "pod %s/%s not found (%zu sandboxes known to %s)", ns, name,
				       p->list.n, p->source);
	}
	ret = pod_netns(p, pi, sel, &inode, err, errlen);
	return ret < 0 ? ret : set_add(out, inode);
}

/* Caller holds list_lock. Pods picked by labels and/or container name. */
static int select_matching(struct pods *p, const struct pod_selector *sel, struct inode_set *out,
			   char *err, size_t errlen)
{
	size_t matched = 0;
	uint32_t inode;
	int ret;

	for (size_t i = 0; i < p->list.n; i++) {
		const struct pod_info *pi = &p->list.v[i];

		if (!pi->ready || !pod_has_labels(pi, sel->labels, sel->n_labels) ||
		    (sel->container && !pod_has_container(pi, sel->container)))
			continue;
		ret = pod_netns(p, pi, sel, &inode, err, errlen);
		if (ret < 0)
			return ret;
		if ((ret = set_add(out, inode)) < 0)
			return ret;
		matched++;
	}
	if (!matched)
		return set_err(err, errlen, -ENOENT,
			       "no ready pod matches %s%s%s%s (%zu sandboxes known to %s)",
			       sel->n_labels ? "labels " : "", sel->n_labels ? sel->labels[0] : "",
			       sel->n_labels > 1 ? ",..." : "",
			       sel->container ? " with that container" : "", p->list.n, p->source);
	return 0;
}

int pods_select(struct pods *p, const struct pod_selector *sel, uint32_t **netns_inodes, size_t *n,
		char *err, size_t errlen)
{
	struct inode_set set = { 0 };
	int ret = 0;

	if (!sel->n_pods && !sel->n_labels && !sel->container)
		return set_err(err, errlen, -EINVAL,
			       "no pod selected: give a pod name, a label or a container name");
	pthread_mutex_lock(&p->list_lock);
	for (size_t i = 0; i < sel->n_pods && ret == 0; i++)
		ret = select_named(p, sel, sel->pods[i], &set, err, errlen);
	if (ret == 0 && (sel->n_labels || (!sel->n_pods && sel->container)))
		ret = select_matching(p, sel, &set, err, errlen);
	pthread_mutex_unlock(&p->list_lock);
	if (ret == -ENOMEM)
		set_err(err, errlen, ret, "out of memory selecting pods");
	if (ret < 0) {
		free(set.v);
		return ret;
	}
	*netns_inodes = set.v;
	*n = set.n;
	return 0;
}
