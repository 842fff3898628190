/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "bmdpu_sim.h"
#include "sim.h"

static struct sim_dev *find_dev(bmdpu_card *card, uint32_t slot) {
        if (slot >= card->cfg.limits.max_block_devices || !card->devs[slot].used)
                return NULL;
        return &card->devs[slot];
}

static bool spec_ok(bmdpu_card *card, const bmdpu_blockdev_spec *s) {
        if (!sim_str_ok(s->conn_id, sizeof(s->conn_id), true) ||
            !sim_str_ok(s->serial, sizeof(s->serial), true))
                return false;
        if (s->type != BMDPU_DEV_NVME && s->type != BMDPU_DEV_VIRTIO_BLK)
                return false;
        if (s->block_size != 512 && s->block_size != 4096)
                return false;
        if (s->size_bytes == 0 || s->size_bytes % s->block_size != 0 || s->nsid == 0)
                return false;
        if (s->num_queues == 0 || s->num_queues > card->cfg.limits.max_queues_per_device)
                return false;
        if (s->boot > 1)
                return false;
        return s->slot == BMDPU_SLOT_ANY || s->slot < card->cfg.limits.max_block_devices;
}

static int pick_slot(bmdpu_card *card, uint32_t requested, uint32_t *slot) {
        if (requested != BMDPU_SLOT_ANY) {
                if (card->devs[requested].used)
                        return -EEXIST;
                *slot = requested;
                return 0;
        }
        for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++)
                if (!card->devs[i].used) {
                        *slot = i;
                        return 0;
                }
        return -ENOSPC;
}

static int attach(bmdpu_card *card, const bmdpu_blockdev_spec *spec, uint32_t *slot_out) {
        const struct sim_conn *conn = NULL;
        struct sim_dev *d;
        uint32_t slot;
        int r;

        if (!spec || !slot_out || !spec_ok(card, spec))
                return -EINVAL;
        if (card->power != BMDPU_POWER_OFF)
                return -EBUSY;
        for (uint32_t i = 0; i < card->cfg.limits.max_nvmf_connections && !conn; i++)
                if (card->conns[i].used && strcmp(card->conns[i].target.conn_id, spec->conn_id) == 0)
                        conn = &card->conns[i];
        if (!conn)
                return -ENOENT;
        for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++)
                if (card->devs[i].used && strcmp(card->devs[i].spec.serial, spec->serial) == 0)
                        return -EEXIST;
        r = pick_slot(card, spec->slot, &slot);
        if (r < 0)
                return r;
        d = &card->devs[slot];
        memset(d, 0, sizeof(*d));
        d->used = true;
        d->spec = *spec;
        d->spec.slot = slot;
        d->conn = (uint32_t) (conn - card->conns);
        card->conns[d->conn].refs++;
        *slot_out = slot;
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_attach(bmdpu_card *card, const bmdpu_blockdev_spec *spec, uint32_t *slot) {
        SIM_CALL(card, "blockdev_attach", attach(card, spec, slot));
}

static int detach(bmdpu_card *card, uint32_t slot) {
        struct sim_dev *d = find_dev(card, slot);

        if (!d)
                return -ENOENT;
        if (card->power != BMDPU_POWER_OFF)
                return -EBUSY;
        card->conns[d->conn].refs--;
        memset(d, 0, sizeof(*d));
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_detach(bmdpu_card *card, uint32_t slot) {
        SIM_CALL(card, "blockdev_detach", detach(card, slot));
}

static int freeze(bmdpu_card *card, uint32_t slot, uint32_t timeout_ms) {
        struct sim_dev *d = find_dev(card, slot);

        if (!d)
                return -ENOENT;
        if (timeout_ms == 0 || timeout_ms > card->cfg.limits.max_freeze_ms)
                return -EINVAL;
        if (d->frozen)
                return -EALREADY;
        d->frozen = true;
        d->thaw_deadline_ns = sim_deadline_ns(timeout_ms);
        sim_kick(card);
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_freeze(bmdpu_card *card, uint32_t slot, uint32_t timeout_ms) {
        SIM_CALL(card, "blockdev_freeze", freeze(card, slot, timeout_ms));
}

static int thaw(bmdpu_card *card, uint32_t slot) {
        struct sim_dev *d = find_dev(card, slot);

        if (!d)
                return -ENOENT;
        d->frozen = false;
        d->thaw_deadline_ns = 0;
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_thaw(bmdpu_card *card, uint32_t slot) {
        SIM_CALL(card, "blockdev_thaw", thaw(card, slot));
}

static int list(bmdpu_card *card, bmdpu_blockdev_info *out, uint32_t *count) {
        uint32_t n = 0, k = 0;

        if (!count || (*count > 0 && !out))
                return -EINVAL;
        for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++)
                n += card->devs[i].used;
        if (n > *count) {
                *count = n;
                return -ERANGE;
        }
        for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++) {
                if (!card->devs[i].used)
                        continue;
                memset(&out[k], 0, sizeof(out[k]));
                out[k].spec = card->devs[i].spec;
                out[k].frozen = card->devs[i].frozen;
                k++;
        }
        *count = n;
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_list(bmdpu_card *card, bmdpu_blockdev_info *out, uint32_t *count) {
        SIM_CALL(card, "blockdev_list", list(card, out, count));
}

static int get_stats(bmdpu_card *card, uint32_t slot, bmdpu_blockdev_stats *out) {
        struct sim_dev *d = find_dev(card, slot);

        if (!out)
                return -EINVAL;
        if (!d)
                return -ENOENT;
        *out = d->stats;
        out->frozen = d->frozen;
        out->path_state = card->conns[d->conn].state;
        return 0;
}

SIM_EXPORT int bmdpu_blockdev_get_stats(bmdpu_card *card, uint32_t slot, bmdpu_blockdev_stats *out) {
        SIM_CALL(card, "blockdev_get_stats", get_stats(card, slot, out));
}

static int host_io(bmdpu_card *card, uint32_t slot, uint64_t reads, uint64_t writes, uint32_t bytes) {
        struct sim_dev *d = find_dev(card, slot);

        if (!d)
                return -ENOENT;
        if (d->frozen)
                return -EAGAIN;
        if (card->conns[d->conn].state != BMDPU_PATH_CONNECTED) {
                d->stats.errors += reads + writes;
                return 0;
        }
        d->stats.read_ops += reads;
        d->stats.write_ops += writes;
        d->stats.read_bytes += reads * bytes;
        d->stats.write_bytes += writes * bytes;
        return 0;
}

SIM_EXPORT int bmdpu_sim_host_io(bmdpu_card *card, uint32_t slot, uint64_t read_ops, uint64_t write_ops,
                                 uint32_t bytes_per_op) {
        if (!card)
                return -EINVAL;
        pthread_mutex_lock(&card->lock);
        int r = host_io(card, slot, read_ops, write_ops, bytes_per_op);
        pthread_mutex_unlock(&card->lock);
        return r;
}

static void due(uint64_t deadline, uint64_t now, uint64_t *next, bool *fire) {
        *fire = deadline != 0 && deadline <= now;
        if (deadline != 0 && deadline > now && deadline < *next)
                *next = deadline;
}

void sim_storage_timers(bmdpu_card *card, uint64_t now, uint64_t *next) {
        bool fire;

        for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++) {
                struct sim_dev *d = &card->devs[i];

                due(d->used && d->frozen ? d->thaw_deadline_ns : 0, now, next, &fire);
                if (!fire)
                        continue;
                d->frozen = false;
                d->thaw_deadline_ns = 0;
                sim_raise(card, BMDPU_EVENT_FREEZE_TIMEOUT, i, 0, d->spec.serial);
        }
        for (uint32_t c = 0; c < card->cfg.limits.max_nvmf_connections; c++) {
                struct sim_conn *conn = &card->conns[c];

                due(conn->used ? conn->loss_deadline_ns : 0, now, next, &fire);
                if (!fire)
                        continue;
                conn->loss_deadline_ns = 0;
                conn->state = BMDPU_PATH_DOWN;
                for (uint32_t i = 0; i < card->cfg.limits.max_block_devices; i++)
                        if (card->devs[i].used && card->devs[i].conn == c)
                                sim_raise(card, BMDPU_EVENT_DEVICE_ERROR, i, -ENOTCONN,
                                          card->devs[i].spec.serial);
        }
}
