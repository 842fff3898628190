/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "bmdpu_sim.h"
#include "sim.h"

static struct sim_conn *find_conn(bmdpu_card *card, const char *conn_id) {
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections; i++)
                if (card->conns[i].used && strcmp(card->conns[i].target.conn_id, conn_id) == 0)
                        return &card->conns[i];
        return NULL;
}

static void release_conn(struct sim_conn *c) {
        explicit_bzero(c, sizeof(*c));
}

void sim_wipe_conns(bmdpu_card *card) {
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections; i++)
                release_conn(&card->conns[i]);
}

static bool target_ok(const bmdpu_nvmf_target *t) {
        if (!sim_str_ok(t->conn_id, sizeof(t->conn_id), true) ||
            !sim_str_ok(t->address, sizeof(t->address), true) ||
            !sim_str_ok(t->service_id, sizeof(t->service_id), true) ||
            !sim_str_ok(t->subsys_nqn, sizeof(t->subsys_nqn), true) ||
            !sim_str_ok(t->host_nqn, sizeof(t->host_nqn), true) ||
            !sim_str_ok(t->dhchap_secret, sizeof(t->dhchap_secret), false))
                return false;
        if (t->transport != BMDPU_TRANSPORT_TCP && t->transport != BMDPU_TRANSPORT_RDMA)
                return false;
        /* Digests are an NVMe/TCP feature; RDMA has its own integrity. */
        if ((t->flags & ~(uint32_t)(BMDPU_NVMF_HDGST | BMDPU_NVMF_DDGST)) != 0 ||
            (t->flags != 0 && t->transport != BMDPU_TRANSPORT_TCP))
                return false;
        if (strncmp(t->subsys_nqn, "nqn.", 4) != 0 || strncmp(t->host_nqn, "nqn.", 4) != 0)
                return false;
        /* NVMe TP 8006 secret representation; anything else would fail authentication. */
        return t->dhchap_secret[0] == '\0' || strncmp(t->dhchap_secret, "DHHC-1:", 7) == 0;
}

static int connect_target(bmdpu_card *card, const bmdpu_nvmf_target *t) {
        struct sim_conn *free_slot = NULL;

        if (!t || !target_ok(t))
                return -EINVAL;
        if (find_conn(card, t->conn_id))
                return -EEXIST;
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections && !free_slot; i++)
                if (!card->conns[i].used)
                        free_slot = &card->conns[i];
        if (!free_slot)
                return -ENOSPC;
        free_slot->used = true;
        free_slot->target = *t;
        free_slot->state = BMDPU_PATH_CONNECTED;
        return 0;
}

SIM_EXPORT int bmdpu_nvmf_connect(bmdpu_card *card, const bmdpu_nvmf_target *target) {
        SIM_CALL(card, "nvmf_connect", connect_target(card, target));
}

static int disconnect(bmdpu_card *card, const char *conn_id) {
        struct sim_conn *c;

        if (!conn_id)
                return -EINVAL;
        c = find_conn(card, conn_id);
        if (!c)
                return -ENOENT;
        if (c->refs > 0)
                return -EBUSY;
        release_conn(c);
        return 0;
}

SIM_EXPORT int bmdpu_nvmf_disconnect(bmdpu_card *card, const char *conn_id) {
        SIM_CALL(card, "nvmf_disconnect", disconnect(card, conn_id));
}

static void fill_status(const struct sim_conn *c, bmdpu_nvmf_status *out) {
        memset(out, 0, sizeof(*out));
        memcpy(out->conn_id, c->target.conn_id, sizeof(out->conn_id));
        out->state = c->state;
        out->device_refs = c->refs;
        out->has_secret = c->target.dhchap_secret[0] != '\0';
        /* The simulated target accepts every digest the host asks for in ICReq. */
        out->digests = c->target.flags;
}

static int get_status(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_status *out) {
        struct sim_conn *c;

        if (!conn_id || !out)
                return -EINVAL;
        c = find_conn(card, conn_id);
        if (!c)
                return -ENOENT;
        fill_status(c, out);
        return 0;
}

SIM_EXPORT int bmdpu_nvmf_get_status(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_status *out) {
        SIM_CALL(card, "nvmf_get_status", get_status(card, conn_id, out));
}

static int get_target(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_target *out) {
        struct sim_conn *c;

        if (!conn_id || !out)
                return -EINVAL;
        c = find_conn(card, conn_id);
        if (!c)
                return -ENOENT;
        *out = c->target;
        /* The secret never leaves card memory. */
        explicit_bzero(out->dhchap_secret, sizeof(out->dhchap_secret));
        return 0;
}

SIM_EXPORT int bmdpu_nvmf_get_target(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_target *out) {
        SIM_CALL(card, "nvmf_get_target", get_target(card, conn_id, out));
}

static int list(bmdpu_card *card, bmdpu_nvmf_status *out, uint32_t *count) {
        uint32_t n = 0, k = 0;

        if (!count || (*count > 0 && !out))
                return -EINVAL;
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections; i++)
                n += card->conns[i].used;
        if (n > *count) {
                *count = n;
                return -ERANGE;
        }
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections; i++)
                if (card->conns[i].used)
                        fill_status(&card->conns[i], &out[k++]);
        *count = n;
        return 0;
}

SIM_EXPORT int bmdpu_nvmf_list(bmdpu_card *card, bmdpu_nvmf_status *out, uint32_t *count) {
        SIM_CALL(card, "nvmf_list", list(card, out, count));
}

static int set_path(bmdpu_card *card, const char *conn_id, uint32_t up) {
        struct sim_conn *c;

        if (!conn_id)
                return -EINVAL;
        c = find_conn(card, conn_id);
        if (!c)
                return -ENOENT;
        if (up && c->state != BMDPU_PATH_CONNECTED) {
                c->state = BMDPU_PATH_CONNECTED;
                c->loss_deadline_ns = 0;
                sim_raise(card, BMDPU_EVENT_PATH_UP, BMDPU_SLOT_ANY, 0, conn_id);
        } else if (!up && c->state == BMDPU_PATH_CONNECTED) {
                c->state = BMDPU_PATH_RECONNECTING;
                if (card->cfg.ctrl_loss_tmo_ms > 0) {
                        c->loss_deadline_ns = sim_deadline_ns(card->cfg.ctrl_loss_tmo_ms);
                        sim_kick(card);
                }
                sim_raise(card, BMDPU_EVENT_PATH_DOWN, BMDPU_SLOT_ANY, 0, conn_id);
        }
        return 0;
}

SIM_EXPORT int bmdpu_sim_set_path(bmdpu_card *card, const char *conn_id, uint32_t up) {
        if (!card)
                return -EINVAL;
        pthread_mutex_lock(&card->lock);
        int r = set_path(card, conn_id, up);
        pthread_mutex_unlock(&card->lock);
        return r;
}
