/* SPDX-License-Identifier: Apache-2.0 */
/* Checks the simulator against the ABI contract in bmdpu.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmdpu.h"
#include "bmdpu_sim.h"

#define CHECK(cond)                                                                   \
        do {                                                                          \
                if (!(cond)) {                                                        \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
                        exit(1);                                                      \
                }                                                                     \
        } while (0)

#define CHECK_RC(expr, want)                                                          \
        do {                                                                          \
                int rc_ = (expr);                                                     \
                if (rc_ != (want)) {                                                  \
                        fprintf(stderr, "%s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, rc_, want); \
                        exit(1);                                                      \
                }                                                                     \
        } while (0)

#define IP(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (uint32_t) (d))

/* Collects events delivered on the card's thread. */
struct recorder {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bmdpu_event events[64];
        unsigned n;
        bmdpu_card *card;
        int close_rc, subscribe_rc;
};

static void record(const bmdpu_event *ev, void *userdata) {
        struct recorder *r = userdata;

        pthread_mutex_lock(&r->lock);
        if (r->n < 64)
                r->events[r->n++] = *ev;
        r->close_rc = bmdpu_card_close(r->card);
        r->subscribe_rc = bmdpu_events_subscribe(r->card, NULL, NULL);
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
}

static void recorder_init(struct recorder *r, bmdpu_card *card) {
        memset(r, 0, sizeof(*r));
        pthread_mutex_init(&r->lock, NULL);
        pthread_cond_init(&r->cond, NULL);
        r->card = card;
        CHECK_RC(bmdpu_events_subscribe(card, record, r), 0);
}

static void recorder_destroy(struct recorder *r) {
        CHECK_RC(bmdpu_events_subscribe(r->card, NULL, NULL), 0);
        pthread_cond_destroy(&r->cond);
        pthread_mutex_destroy(&r->lock);
}

/* Waits up to two seconds for an event of type; returns it or fails. */
static bmdpu_event await_event(struct recorder *r, uint32_t type) {
        struct timespec deadline;
        bmdpu_event found = { 0 };

        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 2;
        pthread_mutex_lock(&r->lock);
        for (;;) {
                for (unsigned i = 0; i < r->n && !found.seq; i++)
                        if (r->events[i].type == type)
                                found = r->events[i];
                if (found.seq || pthread_cond_timedwait(&r->cond, &r->lock, &deadline) == ETIMEDOUT)
                        break;
        }
        pthread_mutex_unlock(&r->lock);
        CHECK(found.seq != 0);
        return found;
}

static bmdpu_card *open_card(const char *config) {
        bmdpu_card *card = NULL;

        CHECK_RC(bmdpu_card_open(config, &card), 0);
        CHECK(card != NULL);
        return card;
}

static bmdpu_nvmf_target target(const char *conn_id) {
        bmdpu_nvmf_target t = { .transport = BMDPU_TRANSPORT_TCP };

        snprintf(t.conn_id, sizeof(t.conn_id), "%s", conn_id);
        strcpy(t.address, "192.0.2.10");
        strcpy(t.service_id, "4420");
        strcpy(t.subsys_nqn, "nqn.2024-01.io.bmagent:vol");
        strcpy(t.host_nqn, "nqn.2024-01.io.bmagent:host");
        strcpy(t.dhchap_secret, "DHHC-1:00:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0:");
        return t;
}

static bmdpu_blockdev_spec device(const char *conn_id, const char *serial) {
        bmdpu_blockdev_spec s = {
                .size_bytes = 1u << 30, .type = BMDPU_DEV_NVME, .slot = BMDPU_SLOT_ANY,
                .nsid = 1, .block_size = 4096, .num_queues = 4,
        };

        snprintf(s.conn_id, sizeof(s.conn_id), "%s", conn_id);
        snprintf(s.serial, sizeof(s.serial), "%s", serial);
        return s;
}

static void test_open_and_info(void) {
        bmdpu_card *card = NULL;
        bmdpu_card_info info;
        bmdpu_limits limits;

        CHECK_RC(bmdpu_abi_version(), BMDPU_ABI_VERSION);
        CHECK_RC(bmdpu_card_open("max_devices=0", &card), -EINVAL);
        CHECK_RC(bmdpu_card_open("colour=blue", &card), -EINVAL);
        CHECK_RC(bmdpu_card_open("max_devices", &card), -EINVAL);
        CHECK_RC(bmdpu_card_close(NULL), 0);
        card = open_card("model=sim-x;max_devices=4;max_rules=10");
        CHECK_RC(bmdpu_card_get_info(card, &info), 0);
        CHECK(strcmp(info.model, "sim-x") == 0);
        CHECK(info.abi_version == BMDPU_ABI_VERSION);
        CHECK(info.capabilities & BMDPU_CAP_FREEZE);
        CHECK_RC(bmdpu_card_get_limits(card, &limits), 0);
        CHECK(limits.max_block_devices == 4 && limits.max_rules_per_table == 10 && limits.max_ports == 1);
        CHECK_RC(bmdpu_card_get_info(NULL, &info), -EINVAL);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_power(void) {
        bmdpu_card *card = open_card("power_transition_ms=30");
        struct recorder rec;
        uint32_t state;

        recorder_init(&rec, card);
        CHECK_RC(bmdpu_host_get_power(card, &state), 0);
        CHECK(state == BMDPU_POWER_OFF);
        CHECK_RC(bmdpu_host_reset(card), -EBUSY);
        CHECK_RC(bmdpu_host_power_on(card), 0);
        CHECK_RC(bmdpu_host_get_power(card, &state), 0);
        CHECK(state == BMDPU_POWER_TRANSITIONING);
        CHECK_RC(bmdpu_host_power_off(card, 1, 0), -EBUSY);
        CHECK(await_event(&rec, BMDPU_EVENT_HOST_POWER_CHANGED).value == BMDPU_POWER_ON);
        CHECK_RC(bmdpu_host_get_power(card, &state), 0);
        CHECK(state == BMDPU_POWER_ON);
        /* Callbacks may not close or resubscribe their own card. */
        CHECK(rec.close_rc == -EDEADLK && rec.subscribe_rc == -EDEADLK);
        CHECK_RC(bmdpu_host_power_on(card), 0);
        CHECK_RC(bmdpu_host_power_off(card, 1, 0), 0);
        CHECK_RC(bmdpu_host_get_power(card, &state), 0);
        CHECK(state == BMDPU_POWER_OFF);
        recorder_destroy(&rec);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_nvmf(void) {
        bmdpu_card *card = open_card("max_connections=2");
        bmdpu_nvmf_target t = target("c1"), got;
        bmdpu_nvmf_status st[2];
        uint32_t n = 1;

        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EEXIST);
        /* The target reads back whole except for the secret, whose presence is in the status. */
        memset(&got, 0xff, sizeof(got));
        CHECK_RC(bmdpu_nvmf_get_target(card, "c1", &got), 0);
        memset(t.dhchap_secret, 0, sizeof(t.dhchap_secret));
        CHECK(memcmp(&got, &t, sizeof(t)) == 0);
        CHECK_RC(bmdpu_nvmf_get_target(card, "nope", &got), -ENOENT);
        CHECK_RC(bmdpu_nvmf_get_status(card, "c1", st), 0);
        CHECK(st[0].has_secret == 1);
        t = target("bad");
        strcpy(t.dhchap_secret, "plaintext");
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EINVAL);
        t = target("bad");
        memset(t.address, 'x', sizeof(t.address));
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EINVAL);
        t = target("c2");
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        t = target("c3");
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -ENOSPC);
        CHECK_RC(bmdpu_nvmf_list(card, st, &n), -ERANGE);
        CHECK(n == 2);
        CHECK_RC(bmdpu_nvmf_list(card, st, &n), 0);
        CHECK(st[0].state == BMDPU_PATH_CONNECTED);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "c2"), 0);
        t = target("c2");
        memset(t.dhchap_secret, 0, sizeof(t.dhchap_secret));
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_nvmf_get_status(card, "c2", st), 0);
        CHECK(st[0].has_secret == 0);
        CHECK_RC(bmdpu_nvmf_get_status(card, "nope", st), -ENOENT);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "c2"), 0);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "c2"), -ENOENT);
        CHECK_RC(bmdpu_card_close(card), 0);
}

/* NVMe/TCP digests: requested in the target's flags, read back, in effect in the status. */
static void test_nvmf_digests(void) {
        bmdpu_card *card = open_card("max_connections=2");
        bmdpu_card_info info;
        bmdpu_nvmf_target t = target("d1"), got;
        bmdpu_nvmf_status st;

        CHECK_RC(bmdpu_card_get_info(card, &info), 0);
        CHECK(info.capabilities & BMDPU_CAP_NVMF_DIGESTS);
        t.flags = BMDPU_NVMF_HDGST | BMDPU_NVMF_DDGST;
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_nvmf_get_target(card, "d1", &got), 0);
        CHECK(got.flags == (BMDPU_NVMF_HDGST | BMDPU_NVMF_DDGST));
        CHECK_RC(bmdpu_nvmf_get_status(card, "d1", &st), 0);
        CHECK(st.digests == (BMDPU_NVMF_HDGST | BMDPU_NVMF_DDGST));
        t = target("d2");
        t.flags = BMDPU_NVMF_DDGST;
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_nvmf_get_status(card, "d2", &st), 0);
        CHECK(st.digests == BMDPU_NVMF_DDGST);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "d2"), 0);
        t = target("bad");
        t.flags = 1u << 7;
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EINVAL);
        t = target("bad");
        t.transport = BMDPU_TRANSPORT_RDMA;
        t.flags = BMDPU_NVMF_HDGST;
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EINVAL);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_blockdev(void) {
        bmdpu_card *card = open_card("max_devices=2");
        bmdpu_nvmf_target t = target("c1");
        bmdpu_blockdev_spec s = device("c1", "vol-1");
        bmdpu_blockdev_info infos[2];
        bmdpu_blockdev_stats stats;
        uint32_t slot, slot2, n = 2;

        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), -ENOENT);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_host_power_on(card), 0);
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), -EBUSY);
        CHECK_RC(bmdpu_host_power_off(card, 1, 0), 0);
        s.num_queues = 1000;
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), -EINVAL);
        s.num_queues = 4;
        s.boot = 2;
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), -EINVAL);
        s.boot = 1;
        s.slot = 1;
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), 0);
        CHECK(slot == 1);
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot2), -EEXIST);
        s = device("c1", "vol-2");
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot2), 0);
        CHECK(slot2 == 0);
        s = device("c1", "vol-3");
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot2), -ENOSPC);
        CHECK_RC(bmdpu_blockdev_list(card, infos, &n), 0);
        CHECK(n == 2 && infos[0].spec.slot == 0 && strcmp(infos[1].spec.serial, "vol-1") == 0);
        CHECK(infos[0].spec.boot == 0 && infos[1].spec.boot == 1);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "c1"), -EBUSY);
        CHECK_RC(bmdpu_sim_host_io(card, 1, 10, 5, 4096), 0);
        CHECK_RC(bmdpu_blockdev_get_stats(card, 1, &stats), 0);
        CHECK(stats.read_ops == 10 && stats.write_bytes == 5 * 4096 && stats.path_state == BMDPU_PATH_CONNECTED);
        CHECK_RC(bmdpu_host_power_on(card), 0);
        CHECK_RC(bmdpu_blockdev_detach(card, 1), -EBUSY);
        CHECK_RC(bmdpu_host_power_off(card, 0, 1000), 0);
        CHECK_RC(bmdpu_blockdev_detach(card, 1), 0);
        CHECK_RC(bmdpu_blockdev_detach(card, 1), -ENOENT);
        CHECK_RC(bmdpu_blockdev_detach(card, 0), 0);
        CHECK_RC(bmdpu_nvmf_disconnect(card, "c1"), 0);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_freeze_and_paths(void) {
        bmdpu_card *card = open_card("ctrl_loss_tmo_ms=20");
        bmdpu_nvmf_target t = target("c1");
        bmdpu_blockdev_spec s = device("c1", "vol-1");
        bmdpu_blockdev_stats stats;
        struct recorder rec;
        bmdpu_event ev;
        uint32_t slot;

        recorder_init(&rec, card);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), 0);
        CHECK_RC(bmdpu_blockdev_freeze(card, slot, 0), -EINVAL);
        CHECK_RC(bmdpu_blockdev_freeze(card, slot, 40), 0);
        CHECK_RC(bmdpu_blockdev_freeze(card, slot, 40), -EALREADY);
        CHECK_RC(bmdpu_sim_host_io(card, slot, 1, 0, 512), -EAGAIN);
        ev = await_event(&rec, BMDPU_EVENT_FREEZE_TIMEOUT);
        CHECK(ev.slot == slot && strcmp(ev.object_id, "vol-1") == 0);
        CHECK_RC(bmdpu_blockdev_get_stats(card, slot, &stats), 0);
        CHECK(stats.frozen == 0);
        CHECK_RC(bmdpu_blockdev_thaw(card, slot), 0);

        CHECK_RC(bmdpu_sim_set_path(card, "c1", 0), 0);
        CHECK(strcmp(await_event(&rec, BMDPU_EVENT_PATH_DOWN).object_id, "c1") == 0);
        CHECK(await_event(&rec, BMDPU_EVENT_DEVICE_ERROR).value == -ENOTCONN);
        CHECK_RC(bmdpu_blockdev_get_stats(card, slot, &stats), 0);
        CHECK(stats.path_state == BMDPU_PATH_DOWN);
        CHECK_RC(bmdpu_sim_host_io(card, slot, 3, 0, 512), 0);
        CHECK_RC(bmdpu_blockdev_get_stats(card, slot, &stats), 0);
        CHECK(stats.errors == 3);
        CHECK_RC(bmdpu_sim_set_path(card, "c1", 1), 0);
        await_event(&rec, BMDPU_EVENT_PATH_UP);
        recorder_destroy(&rec);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static bmdpu_rule acl(uint32_t id) {
        return (bmdpu_rule) {
                .table = BMDPU_TABLE_SG_INGRESS, .rule_id = id, .priority = 1000 - id % 7,
                .protocol = 6, .remote_ipv4 = IP(10, id >> 8 & 255, id & 255, 0), .remote_prefix_len = 24,
                .port_min = 443, .port_max = 443, .action = BMDPU_ACTION_ALLOW,
        };
}

static void test_rules(void) {
        bmdpu_card *card = open_card("max_rules=1500");
        bmdpu_rule *rules = calloc(1000, sizeof(*rules));
        bmdpu_rule *listed = calloc(1500, sizeof(*listed));
        uint32_t done, n = 1500;
        uint64_t version;

        CHECK(rules && listed);
        for (uint32_t i = 0; i < 1000; i++)
                rules[i] = acl(i);
        CHECK_RC(bmdpu_rules_apply(card, rules, 1000, &done), 0);
        CHECK(done == 1000);
        CHECK_RC(bmdpu_rules_apply(card, rules + 10, 1, &done), -EEXIST);
        CHECK(done == 0);
        CHECK_RC(bmdpu_rules_list(card, BMDPU_TABLE_SG_INGRESS, listed, &n), 0);
        CHECK(n == 1000);
        for (uint32_t i = 1; i < n; i++)
                CHECK(listed[i - 1].priority < listed[i].priority ||
                      (listed[i - 1].priority == listed[i].priority && listed[i - 1].rule_id < listed[i].rule_id));
        for (uint32_t i = 0; i < 1000; i++)
                rules[i] = acl(1000 + i);
        rules[3].remote_prefix_len = 8;
        CHECK_RC(bmdpu_rules_apply(card, rules, 1000, &done), -EINVAL);
        CHECK(done == 3);
        rules[3] = acl(1003);
        CHECK_RC(bmdpu_rules_apply(card, rules + 3, 997, &done), -ENOSPC);
        CHECK(done == 497);
        CHECK_RC(bmdpu_rules_get_version(card, BMDPU_TABLE_SG_INGRESS, &version), 0);
        CHECK(version == 1500);
        rules[0] = (bmdpu_rule) { .table = BMDPU_TABLE_NAT, .rule_id = 1, .action = BMDPU_ACTION_ALLOW };
        CHECK_RC(bmdpu_rules_apply(card, rules, 1, &done), -EINVAL);
        rules[0].action = BMDPU_ACTION_SNAT;
        rules[0].nat_ipv4 = IP(203, 0, 113, 5);
        CHECK_RC(bmdpu_rules_apply(card, rules, 1, &done), 0);
        CHECK_RC(bmdpu_rules_remove(card, listed, 1000, &done), 0);
        CHECK(done == 1000);
        CHECK_RC(bmdpu_rules_remove(card, listed, 1, &done), -ENOENT);
        CHECK_RC(bmdpu_rules_list(card, BMDPU_TABLE_SG_INGRESS, listed, &n), 0);
        CHECK(n == 500);
        free(rules);
        free(listed);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_vpc(void) {
        bmdpu_card *card = open_card("max_mappings=3000;max_gateways=1");
        bmdpu_vpc_mapping *maps = calloc(4000, sizeof(*maps));
        bmdpu_vpc_mapping page[700];
        bmdpu_vpc_gateway gw = { .vni = 7, .gateway_ipv4 = IP(10, 0, 0, 1), .underlay_ipv4 = IP(172, 16, 0, 1) };
        uint64_t cursor = 0, last = 0;
        uint32_t done, n, total = 0;

        CHECK(maps);
        for (uint32_t i = 0; i < 4000; i++)
                maps[i] = (bmdpu_vpc_mapping) { .vni = 7 + i % 2, .overlay_ipv4 = IP(10, 0, 0, 0) + 4000 - i,
                                                .underlay_ipv4 = IP(172, 16, 0, 2), .mac = { 2, 0, 0, 0, 0, 1 } };
        CHECK_RC(bmdpu_vpc_mappings_upsert(card, maps, 4000, &done), -ENOSPC);
        CHECK(done == 3000);
        CHECK_RC(bmdpu_vpc_mappings_upsert(card, maps, 10, &done), 0);
        CHECK_RC(bmdpu_vpc_mappings_count(card, &n), 0);
        CHECK(n == 3000);
        do {
                n = 700;
                CHECK_RC(bmdpu_vpc_mappings_list(card, &cursor, page, &n), 0);
                for (uint32_t i = 0; i < n; i++) {
                        uint64_t k = (uint64_t) page[i].vni << 32 | page[i].overlay_ipv4;

                        CHECK(k > last);
                        last = k;
                }
                total += n;
        } while (cursor != BMDPU_CURSOR_END);
        CHECK(total == 3000);
        CHECK_RC(bmdpu_vpc_mappings_delete(card, maps + 2990, 20, &done), -ENOENT);
        CHECK(done == 10);
        CHECK_RC(bmdpu_vpc_gateway_set(card, &gw), 0);
        gw.vni = 8;
        CHECK_RC(bmdpu_vpc_gateway_set(card, &gw), -ENOSPC);
        CHECK_RC(bmdpu_vpc_gateway_get(card, 7, &gw), 0);
        CHECK_RC(bmdpu_vpc_gateway_remove(card, 7), 0);
        CHECK_RC(bmdpu_vpc_gateway_remove(card, 7), -ENOENT);
        free(maps);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_gateway_list(void) {
        bmdpu_card *card = open_card("max_gateways=3");
        bmdpu_vpc_gateway gws[3];
        uint32_t n = 0;

        CHECK_RC(bmdpu_vpc_gateway_list(card, NULL, &n), 0);
        CHECK(n == 0);
        for (uint32_t vni = 30; vni >= 10; vni -= 10) {
                bmdpu_vpc_gateway gw = { .vni = vni, .gateway_ipv4 = IP(10, 0, 0, 1), .underlay_ipv4 = vni };

                CHECK_RC(bmdpu_vpc_gateway_set(card, &gw), 0);
        }
        n = 2;
        CHECK_RC(bmdpu_vpc_gateway_list(card, gws, &n), -ERANGE);
        CHECK(n == 3);
        CHECK_RC(bmdpu_vpc_gateway_list(card, gws, &n), 0);
        CHECK(n == 3 && gws[0].vni == 10 && gws[1].vni == 20 && gws[2].vni == 30 && gws[2].underlay_ipv4 == 30);
        CHECK_RC(bmdpu_vpc_gateway_remove(card, 20), 0);
        gws[0].underlay_ipv4 = 99;
        CHECK_RC(bmdpu_vpc_gateway_set(card, &gws[0]), 0);
        CHECK_RC(bmdpu_vpc_gateway_list(card, gws, &n), 0);
        CHECK(n == 2 && gws[0].vni == 10 && gws[0].underlay_ipv4 == 99 && gws[1].vni == 30);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_port(void) {
        bmdpu_card *card = open_card(NULL);
        bmdpu_port_config cfg = { .mac = { 2, 0, 0, 0, 0, 1 }, .ipv4 = IP(10, 0, 0, 5), .prefix_len = 24,
                                  .vni = 7, .gateway_ipv4 = IP(10, 0, 0, 1), .mtu = 8950,
                                  .nic_id = "eni-1", .dns_ipv4 = { IP(10, 0, 0, 2), IP(10, 0, 0, 3) },
                                  .dns_count = 2 }, got;
        bmdpu_port_counters c;

        CHECK_RC(bmdpu_port_get(card, 0, &got), -ENOENT);
        CHECK_RC(bmdpu_port_configure(card, 1, &cfg), -ENOENT);
        CHECK_RC(bmdpu_sim_port_traffic(card, 3, 0, 100), 0);
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), 0);
        CHECK_RC(bmdpu_port_get(card, 0, &got), 0);
        CHECK(memcmp(&got, &cfg, sizeof(cfg)) == 0);
        CHECK_RC(bmdpu_sim_port_traffic(card, 10, 20, 1500), 0);
        CHECK_RC(bmdpu_port_get_counters(card, 0, &c), 0);
        CHECK(c.rx_packets == 10 && c.tx_bytes == 30000 && c.rx_drops == 3);
        cfg.dns_count = BMDPU_DNS_MAX + 1;
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), -EINVAL);
        cfg.dns_count = 1;
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), -EINVAL);
        cfg.dns_count = 2;
        memset(cfg.nic_id, 'x', sizeof(cfg.nic_id));
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), -EINVAL);
        cfg.nic_id[0] = '\0';
        cfg.mtu = 100;
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), -EINVAL);
        CHECK_RC(bmdpu_port_remove(card, 0), 0);
        CHECK_RC(bmdpu_port_remove(card, 0), -ENOENT);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static void test_faults(void) {
        bmdpu_card *card = open_card(NULL);
        bmdpu_nvmf_target t = target("c1");
        bmdpu_rule r = acl(1);
        struct timespec a, b;
        uint32_t done = 99;

        CHECK_RC(bmdpu_sim_inject_fault(card, "no_such_op", 1, EIO, 0), -EINVAL);
        CHECK_RC(bmdpu_sim_inject_fault(card, "nvmf_connect", 2, ECONNREFUSED, 0), 0);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -ECONNREFUSED);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -ECONNREFUSED);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_sim_inject_fault(card, "rules_apply", 1, EIO, 0), 0);
        CHECK_RC(bmdpu_rules_apply(card, &r, 1, &done), -EIO);
        CHECK(done == 0);
        CHECK_RC(bmdpu_sim_inject_fault(card, "host_get_power", 1, 0, 20000), 0);
        clock_gettime(CLOCK_MONOTONIC, &a);
        CHECK_RC(bmdpu_host_get_power(card, &done), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        CHECK((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 20000000L);
        CHECK_RC(bmdpu_sim_inject_fault(card, "port_get", 5, EIO, 0), 0);
        CHECK_RC(bmdpu_sim_inject_fault(card, "port_get", 0, 0, 0), 0);
        CHECK_RC(bmdpu_port_get(card, 0, &(bmdpu_port_config) { 0 }), -ENOENT);
        CHECK_RC(bmdpu_card_close(card), 0);
}

static uint64_t mutations(bmdpu_card *card) {
        uint64_t n = UINT64_MAX;

        CHECK_RC(bmdpu_sim_mutations(card, &n), 0);
        return n;
}

/* A named card is hardware that outlives its handle: a new handle finds what the last one left. */
static void test_persistence(void) {
        bmdpu_card *card = open_card("serial=SIM-P1;max_devices=4"), *other = NULL;
        bmdpu_nvmf_target t = target("c1");
        bmdpu_blockdev_spec s = device("c1", "vol-1");
        bmdpu_port_config cfg = { .mac = { 2, 0, 0, 0, 0, 1 }, .ipv4 = IP(10, 0, 0, 5), .prefix_len = 24,
                                  .vni = 7, .gateway_ipv4 = IP(10, 0, 0, 1), .mtu = 1500, .nic_id = "eni-1",
                                  .dns_ipv4 = { IP(10, 0, 0, 2) }, .dns_count = 1 }, port;
        bmdpu_vpc_gateway gw = { .vni = 7, .gateway_ipv4 = IP(10, 0, 0, 1), .underlay_ipv4 = IP(172, 16, 0, 1) };
        bmdpu_rule r = acl(1);
        bmdpu_blockdev_info info;
        bmdpu_nvmf_status st;
        bmdpu_card_info ci;
        bmdpu_limits limits;
        uint32_t slot, n = 1, power, done;

        s.boot = 1;
        CHECK(mutations(card) == 0);
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_blockdev_attach(card, &s, &slot), 0);
        CHECK_RC(bmdpu_port_configure(card, 0, &cfg), 0);
        CHECK_RC(bmdpu_rules_apply(card, &r, 1, &done), 0);
        CHECK_RC(bmdpu_vpc_gateway_set(card, &gw), 0);
        CHECK_RC(bmdpu_host_power_on(card), 0);
        CHECK_RC(bmdpu_sim_inject_fault(card, "port_get", 1, EIO, 0), 0);
        /* Failed calls count too; reads do not. */
        CHECK_RC(bmdpu_nvmf_connect(card, &t), -EEXIST);
        CHECK_RC(bmdpu_host_get_power(card, &power), 0);
        CHECK(mutations(card) == 7);
        CHECK_RC(bmdpu_card_open("serial=SIM-P1", &other), -EBUSY);
        CHECK_RC(bmdpu_sim_forget("SIM-P1"), -EBUSY);
        CHECK_RC(bmdpu_card_close(card), 0);

        /* Other keys do not reshape the card; the pending fault ended with its handle. */
        card = open_card("serial=SIM-P1;max_devices=9");
        CHECK(mutations(card) == 0);
        CHECK_RC(bmdpu_card_get_limits(card, &limits), 0);
        CHECK(limits.max_block_devices == 4);
        CHECK_RC(bmdpu_card_get_info(card, &ci), 0);
        CHECK(strcmp(ci.serial, "SIM-P1") == 0);
        CHECK_RC(bmdpu_host_get_power(card, &power), 0);
        CHECK(power == BMDPU_POWER_ON);
        CHECK_RC(bmdpu_blockdev_list(card, &info, &n), 0);
        CHECK(n == 1 && info.spec.slot == slot && info.spec.boot == 1 && strcmp(info.spec.serial, "vol-1") == 0);
        CHECK_RC(bmdpu_nvmf_get_status(card, "c1", &st), 0);
        CHECK(st.has_secret == 1 && st.device_refs == 1);
        CHECK_RC(bmdpu_port_get(card, 0, &port), 0);
        CHECK(memcmp(&port, &cfg, sizeof(cfg)) == 0);
        CHECK_RC(bmdpu_rules_list(card, BMDPU_TABLE_SG_INGRESS, &r, &n), 0);
        CHECK(n == 1 && r.rule_id == 1);
        n = 1;
        CHECK_RC(bmdpu_vpc_gateway_list(card, &gw, &n), 0);
        CHECK(n == 1 && gw.vni == 7);
        CHECK(mutations(card) == 0);

        /* An unnamed card is new on every open, even beside a named one. */
        other = open_card(NULL);
        CHECK_RC(bmdpu_host_get_power(other, &power), 0);
        CHECK(power == BMDPU_POWER_OFF);
        CHECK_RC(bmdpu_card_close(other), 0);

        CHECK_RC(bmdpu_card_close(card), 0);
        CHECK_RC(bmdpu_sim_forget("SIM-P1"), 0);
        CHECK_RC(bmdpu_sim_forget("SIM-P1"), -ENOENT);
        card = open_card("serial=SIM-P1");
        n = 1;
        CHECK_RC(bmdpu_blockdev_list(card, &info, &n), 0);
        CHECK(n == 0);
        CHECK_RC(bmdpu_card_close(card), 0);
        CHECK_RC(bmdpu_sim_forget("SIM-P1"), 0);

        /* Left parked on purpose: the library's destructor frees it at exit, under the leak checker. */
        card = open_card("serial=SIM-P2");
        CHECK_RC(bmdpu_nvmf_connect(card, &t), 0);
        CHECK_RC(bmdpu_card_close(card), 0);
}

struct churner {
        bmdpu_card *card;
        pthread_t thread;
        uint32_t base;
};

static void *churn(void *arg) {
        struct churner *c = arg;
        bmdpu_vpc_mapping m = { .vni = 1, .underlay_ipv4 = 1 };
        uint32_t done, n;

        for (uint32_t i = 1; i <= 2000; i++) {
                m.overlay_ipv4 = c->base + i;
                CHECK_RC(bmdpu_vpc_mappings_upsert(c->card, &m, 1, &done), 0);
                CHECK_RC(bmdpu_vpc_mappings_delete(c->card, &m, 1, &done), 0);
                CHECK_RC(bmdpu_vpc_mappings_count(c->card, &n), 0);
        }
        return NULL;
}

static void test_concurrency(void) {
        bmdpu_card *card = open_card(NULL);
        struct churner churners[4];
        uint32_t n;

        for (uint32_t i = 0; i < 4; i++) {
                churners[i] = (struct churner) { .card = card, .base = i * 10000 };
                CHECK(pthread_create(&churners[i].thread, NULL, churn, &churners[i]) == 0);
        }
        for (int i = 0; i < 4; i++)
                pthread_join(churners[i].thread, NULL);
        CHECK_RC(bmdpu_vpc_mappings_count(card, &n), 0);
        CHECK(n == 0);
        CHECK_RC(bmdpu_card_close(card), 0);
}

/* The console ring: empty until the host boots, the last bytes kept, every byte counted. */
static void test_console(void) {
        bmdpu_card *card = open_card(NULL);
        static uint8_t buf[2 * 16384], big[20000];
        uint32_t len = sizeof(buf);
        uint64_t total = 1, ts = 1, boot;

        CHECK_RC(bmdpu_host_console_read(card, buf, &len, &total, &ts), 0);
        CHECK(len == 0 && total == 0 && ts == 0);
        CHECK_RC(bmdpu_sim_console_write(card, (const uint8_t *) "x", 1), -EBUSY);
        CHECK_RC(bmdpu_host_console_read(card, buf, NULL, &total, &ts), -EINVAL);

        CHECK_RC(bmdpu_host_power_on(card), 0);
        len = sizeof(buf) - 1;
        CHECK_RC(bmdpu_host_console_read(card, buf, &len, &total, &ts), 0);
        buf[len] = 0;
        CHECK(len == total && ts > 0);
        CHECK(strstr((char *) buf, "Linux version") == (char *) buf + 15);
        CHECK(strstr((char *) buf, "bmdpu-sim boot 1"));
        boot = total;

        for (size_t i = 0; i < sizeof(big); i++)
                big[i] = (uint8_t) ('a' + i % 26);
        CHECK_RC(bmdpu_sim_console_write(card, big, sizeof(big)), 0);
        len = sizeof(buf);
        CHECK_RC(bmdpu_host_console_read(card, buf, &len, &total, &ts), 0);
        CHECK(len == 16384 && total == boot + sizeof(big));
        CHECK(memcmp(buf, big + sizeof(big) - 16384, 16384) == 0);
        len = 10;
        CHECK_RC(bmdpu_host_console_read(card, buf, &len, &total, &ts), 0);
        CHECK(len == 10 && memcmp(buf, big + sizeof(big) - 10, 10) == 0);

        CHECK_RC(bmdpu_host_reset(card), 0);
        len = sizeof(buf) - 1;
        CHECK_RC(bmdpu_host_console_read(card, buf, &len, &total, &ts), 0);
        buf[len] = 0;
        CHECK(total == boot * 2 + sizeof(big) && strstr((char *) buf, "bmdpu-sim boot 2"));
        CHECK_RC(bmdpu_card_close(card), 0);
}

int main(void) {
        test_open_and_info();
        test_power();
        test_nvmf();
        test_nvmf_digests();
        test_blockdev();
        test_freeze_and_paths();
        test_rules();
        test_vpc();
        test_port();
        test_gateway_list();
        test_faults();
        test_persistence();
        test_concurrency();
        test_console();
        puts("test_sim: all checks passed");
        return 0;
}
