/* SPDX-License-Identifier: Apache-2.0 */
/* The port's instance metadata document (bmdpu_metadata_*): stored whole, looked up by key. */
#include <errno.h>
#include <string.h>

#include "bmdpu_sim.h"
#include "sim.h"

static int port_check(uint32_t port) {
        return port == 0 ? 0 : -ENOENT;
}

static uint32_t u32le(const uint8_t *p) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/*
 * Walks the records of blob[0..len). With key set, stores where its value is
 * and returns 1 when found, 0 when not; without, checks the whole blob and
 * returns 0, or -EINVAL for a malformed one.
 */
static int walk(const uint8_t *blob, uint32_t len, const char *key, const uint8_t **value, uint32_t *value_len) {
        size_t key_len = key ? strlen(key) : 0;
        uint32_t at = 0;

        while (at < len) {
                if (len - at < 4)
                        return -EINVAL;
                uint32_t kl = u32le(blob + at);
                if (kl == 0 || kl > BMDPU_METADATA_KEY_MAX || len - at - 4 < kl)
                        return -EINVAL;
                const uint8_t *k = blob + at + 4;
                at += 4 + kl;
                if (len - at < 4)
                        return -EINVAL;
                uint32_t vl = u32le(blob + at);
                if (len - at - 4 < vl)
                        return -EINVAL;
                const uint8_t *v = blob + at + 4;
                at += 4 + vl;
                if (key && kl == key_len && memcmp(k, key, kl) == 0) {
                        *value = v;
                        *value_len = vl;
                        return 1;
                }
                if (!key) {
                        /* A repeated key: compare with every later record's key. */
                        uint32_t next = at;
                        while (next + 4 <= len) {
                                uint32_t nkl = u32le(blob + next);
                                if (nkl == 0 || len - next - 4 < nkl)
                                        break;
                                if (nkl == kl && memcmp(blob + next + 4, k, kl) == 0)
                                        return -EINVAL;
                                next += 4 + nkl;
                                if (len - next < 4)
                                        break;
                                uint32_t nvl = u32le(blob + next);
                                if (len - next - 4 < nvl)
                                        break;
                                next += 4 + nvl;
                        }
                }
        }
        return 0;
}

static int set(bmdpu_card *card, uint32_t port, const uint8_t *blob, uint32_t len) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (len > BMDPU_METADATA_MAX)
                return -E2BIG;
        if (len > 0 && !blob)
                return -EINVAL;
        if (!card->port_configured)
                return -ENOENT;
        if (len > 0 && walk(blob, len, NULL, NULL, NULL) < 0)
                return -EINVAL;
        if (len > 0)
                memcpy(card->metadata, blob, len);
        card->metadata_len = len;
        return 0;
}

SIM_EXPORT int bmdpu_metadata_set(bmdpu_card *card, uint32_t port, const uint8_t *blob, uint32_t len) {
        SIM_CALL(card, "metadata_set", set(card, port, blob, len));
}

static int copy_out(const uint8_t *v, uint32_t vl, uint8_t *buf, uint32_t cap, uint32_t *len) {
        if (!len || (cap > 0 && !buf))
                return -EINVAL;
        *len = vl;
        if (vl > cap)
                return -ENOSPC;
        if (vl > 0)
                memcpy(buf, v, vl);
        return 0;
}

static int get(bmdpu_card *card, uint32_t port, uint8_t *buf, uint32_t cap, uint32_t *len) {
        int r = port_check(port);

        if (r < 0)
                return r;
        if (card->metadata_len == 0)
                return -ENOENT;
        return copy_out(card->metadata, card->metadata_len, buf, cap, len);
}

SIM_EXPORT int bmdpu_metadata_get(bmdpu_card *card, uint32_t port, uint8_t *buf, uint32_t cap, uint32_t *len) {
        SIM_CALL(card, "metadata_get", get(card, port, buf, cap, len));
}

static int lookup(bmdpu_card *card, uint32_t port, const char *key, uint8_t *buf, uint32_t cap, uint32_t *len) {
        const uint8_t *v = NULL;
        uint32_t vl = 0;
        int r = port_check(port);

        if (r < 0)
                return r;
        if (!key)
                return -EINVAL;
        if (card->metadata_len == 0 || walk(card->metadata, card->metadata_len, key, &v, &vl) != 1)
                return -ENOENT;
        return copy_out(v, vl, buf, cap, len);
}

SIM_EXPORT int bmdpu_sim_metadata_lookup(bmdpu_card *card, uint32_t port, const char *key, uint8_t *buf,
                                         uint32_t cap, uint32_t *len) {
        SIM_CALL(card, "metadata_get", lookup(card, port, key, buf, cap, len));
}
