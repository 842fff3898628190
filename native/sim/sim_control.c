/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bmdpu_sim.h"
#include "sim.h"

static const struct {
        const char *name;
        bool mutating;                /* changes the card's state: counted by bmdpu_sim_mutations() */
} ops[] = {
        { "card_get_info", false }, { "card_get_limits", false }, { "events_subscribe", false },
        { "host_power_on", true }, { "host_power_off", true }, { "host_reset", true },
        { "host_get_power", false }, { "host_console_read", false },
        { "nvmf_connect", true }, { "nvmf_disconnect", true }, { "nvmf_get_status", false },
        { "nvmf_get_target", false }, { "nvmf_list", false },
        { "blockdev_attach", true }, { "blockdev_detach", true }, { "blockdev_freeze", true },
        { "blockdev_thaw", true }, { "blockdev_list", false }, { "blockdev_get_stats", false },
        { "port_configure", true }, { "port_remove", true }, { "port_get", false },
        { "port_get_counters", false },
        { "rules_apply", true }, { "rules_remove", true }, { "rules_list", false },
        { "rules_get_version", false },
        { "vpc_mappings_upsert", true }, { "vpc_mappings_delete", true }, { "vpc_mappings_count", false },
        { "vpc_mappings_list", false },
        { "vpc_gateway_set", true }, { "vpc_gateway_remove", true }, { "vpc_gateway_get", false },
        { "vpc_gateway_list", false },
        { "metadata_set", true }, { "metadata_get", false },
};

static int find_op(const char *op) {
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
                if (strcmp(ops[i].name, op) == 0)
                        return (int) i;
        return -1;
}

bool sim_known_op(const char *op) {
        return find_op(op) >= 0;
}

static void sleep_us(uint32_t us) {
        struct timespec ts = { .tv_sec = us / 1000000u, .tv_nsec = (long) (us % 1000000u) * 1000 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int sim_enter(bmdpu_card *card, const char *op) {
        uint32_t latency_us = 0;
        int err = 0;

        if (!card)
                return -EINVAL;
        pthread_mutex_lock(&card->fault_lock);
        /* A call the card received counts even when it fails: the caller meant to change something. */
        if (ops[find_op(op)].mutating)
                card->mutations++;
        for (int i = 0; i < SIM_MAX_FAULTS; i++) {
                struct sim_fault *f = &card->faults[i];

                if (f->count > 0 && strcmp(f->op, op) == 0) {
                        f->count--;
                        err = f->err;
                        latency_us = f->latency_us;
                        break;
                }
        }
        pthread_mutex_unlock(&card->fault_lock);
        /* Latency is spent outside the card lock, like a slow firmware round trip. */
        if (latency_us)
                sleep_us(latency_us);
        if (err)
                return -err;
        pthread_mutex_lock(&card->lock);
        return 0;
}

void sim_leave(bmdpu_card *card) {
        pthread_mutex_unlock(&card->lock);
}

SIM_EXPORT int bmdpu_sim_inject_fault(bmdpu_card *card, const char *op, uint32_t count, int err,
                                      uint32_t latency_us) {
        struct sim_fault *slot = NULL;

        if (!card || !op || !sim_known_op(op) || err < 0)
                return -EINVAL;
        pthread_mutex_lock(&card->fault_lock);
        for (int i = 0; i < SIM_MAX_FAULTS; i++) {
                struct sim_fault *f = &card->faults[i];

                if (f->count > 0 && strcmp(f->op, op) == 0) {
                        slot = f;
                        break;
                }
                if (!slot && f->count == 0)
                        slot = f;
        }
        if (slot) {
                memset(slot, 0, sizeof(*slot));
                strcpy(slot->op, op);
                slot->count = count;
                slot->err = err;
                slot->latency_us = latency_us;
        }
        pthread_mutex_unlock(&card->fault_lock);
        return slot ? 0 : -ENOSPC;
}

SIM_EXPORT int bmdpu_sim_mutations(bmdpu_card *card, uint64_t *count) {
        if (!card || !count)
                return -EINVAL;
        pthread_mutex_lock(&card->fault_lock);
        *count = card->mutations;
        pthread_mutex_unlock(&card->fault_lock);
        return 0;
}

static int port_traffic(bmdpu_card *card, uint64_t rx, uint64_t tx, uint32_t bytes) {
        bmdpu_port_counters *c = &card->counters;

        if (!card->port_configured) {
                c->rx_drops += rx;
                c->tx_drops += tx;
                return 0;
        }
        c->rx_packets += rx;
        c->rx_bytes += rx * bytes;
        c->tx_packets += tx;
        c->tx_bytes += tx * bytes;
        return 0;
}

SIM_EXPORT int bmdpu_sim_port_traffic(bmdpu_card *card, uint64_t rx_packets, uint64_t tx_packets,
                                      uint32_t bytes_per_packet) {
        if (!card)
                return -EINVAL;
        pthread_mutex_lock(&card->lock);
        port_traffic(card, rx_packets, tx_packets, bytes_per_packet);
        pthread_mutex_unlock(&card->lock);
        return 0;
}
