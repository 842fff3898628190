/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bmdpu_sim.h"
#include "sim.h"

static const char *const ops[] = {
        "card_get_info", "card_get_limits", "events_subscribe",
        "host_power_on", "host_power_off", "host_reset", "host_get_power",
        "nvmf_connect", "nvmf_disconnect", "nvmf_get_status", "nvmf_list",
        "blockdev_attach", "blockdev_detach", "blockdev_freeze", "blockdev_thaw",
        "blockdev_list", "blockdev_get_stats",
        "port_configure", "port_remove", "port_get", "port_get_counters",
        "rules_apply", "rules_remove", "rules_list", "rules_get_version",
        "vpc_mappings_upsert", "vpc_mappings_delete", "vpc_mappings_count", "vpc_mappings_list",
        "vpc_gateway_set", "vpc_gateway_remove", "vpc_gateway_get",
};

bool sim_known_op(const char *op) {
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
                if (strcmp(ops[i], op) == 0)
                        return true;
        return false;
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
