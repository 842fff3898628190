/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "sim.h"

#define VNI_MAX ((1u << 24) - 1)

static int port_check(uint32_t port) {
        /* One PF per host; the parameter keeps the ABI stable for cards with more. */
        return port == 0 ? 0 : -ENOENT;
}

static bool config_ok(const bmdpu_port_config *c) {
        static const uint8_t zero_mac[6];

        if (memcmp(c->mac, zero_mac, sizeof(zero_mac)) == 0 || (c->mac[0] & 1))
                return false;
        if (!sim_str_ok(c->nic_id, sizeof(c->nic_id), false) || c->dns_count > BMDPU_DNS_MAX)
                return false;
        /* Unused DNS entries are zero so that a read-back config compares equal byte for byte. */
        for (uint32_t i = 0; i < BMDPU_DNS_MAX; i++)
                if ((i < c->dns_count) != (c->dns_ipv4[i] != 0))
                        return false;
        return c->ipv4 != 0 && c->prefix_len >= 1 && c->prefix_len <= 32 && c->vni <= VNI_MAX &&
               c->mtu >= 576 && c->mtu <= 9000;
}

static int configure(bmdpu_card *card, uint32_t port, const bmdpu_port_config *config) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (!config || !config_ok(config))
                return -EINVAL;
        card->port = *config;
        card->port_configured = true;
        return 0;
}

SIM_EXPORT int bmdpu_port_configure(bmdpu_card *card, uint32_t port, const bmdpu_port_config *config) {
        SIM_CALL(card, "port_configure", configure(card, port, config));
}

static int remove_port(bmdpu_card *card, uint32_t port) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (!card->port_configured)
                return -ENOENT;
        card->port_configured = false;
        memset(&card->port, 0, sizeof(card->port));
        card->metadata_len = 0;
        return 0;
}

SIM_EXPORT int bmdpu_port_remove(bmdpu_card *card, uint32_t port) {
        SIM_CALL(card, "port_remove", remove_port(card, port));
}

static int get(bmdpu_card *card, uint32_t port, bmdpu_port_config *out) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (!out)
                return -EINVAL;
        if (!card->port_configured)
                return -ENOENT;
        *out = card->port;
        return 0;
}

SIM_EXPORT int bmdpu_port_get(bmdpu_card *card, uint32_t port, bmdpu_port_config *out) {
        SIM_CALL(card, "port_get", get(card, port, out));
}

static int get_counters(bmdpu_card *card, uint32_t port, bmdpu_port_counters *out) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (!out)
                return -EINVAL;
        *out = card->counters;
        return 0;
}

SIM_EXPORT int bmdpu_port_get_counters(bmdpu_card *card, uint32_t port, bmdpu_port_counters *out) {
        SIM_CALL(card, "port_get_counters", get_counters(card, port, out));
}
