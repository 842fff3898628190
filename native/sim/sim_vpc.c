/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "sim.h"

#define VNI_MAX ((1u << 24) - 1)

static uint64_t key(const bmdpu_vpc_mapping *m) {
        return (uint64_t) m->vni << 32 | m->overlay_ipv4;
}

/* Index of the first mapping whose key is >= k. */
static uint32_t lower_bound(const bmdpu_card *card, uint64_t k) {
        uint32_t lo = 0, hi = card->nmaps;

        while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;

                if (key(&card->maps[mid]) < k)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static int upsert_one(bmdpu_card *card, const bmdpu_vpc_mapping *m) {
        uint32_t i;

        if (m->vni > VNI_MAX || m->overlay_ipv4 == 0 || m->underlay_ipv4 == 0)
                return -EINVAL;
        i = lower_bound(card, key(m));
        if (i < card->nmaps && key(&card->maps[i]) == key(m)) {
                card->maps[i] = *m;
                return 0;
        }
        if (card->nmaps >= card->cfg.limits.max_vpc_mappings)
                return -ENOSPC;
        memmove(&card->maps[i + 1], &card->maps[i], (card->nmaps - i) * sizeof(*m));
        card->maps[i] = *m;
        card->nmaps++;
        return 0;
}

static int delete_one(bmdpu_card *card, const bmdpu_vpc_mapping *m) {
        uint32_t i = lower_bound(card, key(m));

        if (i >= card->nmaps || key(&card->maps[i]) != key(m))
                return -ENOENT;
        memmove(&card->maps[i], &card->maps[i + 1], (card->nmaps - i - 1) * sizeof(*m));
        card->nmaps--;
        return 0;
}

static int batch(bmdpu_card *card, int (*one)(bmdpu_card *, const bmdpu_vpc_mapping *),
                 const bmdpu_vpc_mapping *maps, uint32_t n, uint32_t *done) {
        if (n > 0 && !maps)
                return -EINVAL;
        for (; *done < n; (*done)++) {
                int r = one(card, &maps[*done]);

                if (r < 0)
                        return r;
        }
        return 0;
}

SIM_EXPORT int bmdpu_vpc_mappings_upsert(bmdpu_card *card, const bmdpu_vpc_mapping *mappings, uint32_t n,
                                         uint32_t *done) {
        if (!done)
                return -EINVAL;
        *done = 0;
        SIM_CALL(card, "vpc_mappings_upsert", batch(card, upsert_one, mappings, n, done));
}

SIM_EXPORT int bmdpu_vpc_mappings_delete(bmdpu_card *card, const bmdpu_vpc_mapping *mappings, uint32_t n,
                                         uint32_t *done) {
        if (!done)
                return -EINVAL;
        *done = 0;
        SIM_CALL(card, "vpc_mappings_delete", batch(card, delete_one, mappings, n, done));
}

static int count(bmdpu_card *card, uint32_t *out) {
        if (!out)
                return -EINVAL;
        *out = card->nmaps;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_mappings_count(bmdpu_card *card, uint32_t *out) {
        SIM_CALL(card, "vpc_mappings_count", count(card, out));
}

/* The cursor is the smallest key not yet returned, so edits between calls cannot skip entries. */
static int list(bmdpu_card *card, uint64_t *cursor, bmdpu_vpc_mapping *out, uint32_t *n) {
        uint32_t i, k = 0;

        if (!cursor || !n || (*n > 0 && !out))
                return -EINVAL;
        if (*cursor == BMDPU_CURSOR_END) {
                *n = 0;
                return 0;
        }
        for (i = lower_bound(card, *cursor); i < card->nmaps && k < *n; i++)
                out[k++] = card->maps[i];
        *cursor = i < card->nmaps ? key(&card->maps[i]) : BMDPU_CURSOR_END;
        *n = k;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_mappings_list(bmdpu_card *card, uint64_t *cursor, bmdpu_vpc_mapping *out,
                                       uint32_t *count) {
        SIM_CALL(card, "vpc_mappings_list", list(card, cursor, out, count));
}

/* Gateways are kept sorted by VNI, so that listing them is a copy. Index of the first >= vni. */
static uint32_t gw_lower_bound(const bmdpu_card *card, uint32_t vni) {
        uint32_t i = 0;

        while (i < card->ngws && card->gws[i].vni < vni)
                i++;
        return i;
}

static bmdpu_vpc_gateway *find_gw(bmdpu_card *card, uint32_t vni) {
        uint32_t i = gw_lower_bound(card, vni);

        return i < card->ngws && card->gws[i].vni == vni ? &card->gws[i] : NULL;
}

static int gw_set(bmdpu_card *card, const bmdpu_vpc_gateway *gw) {
        uint32_t i;

        if (!gw || gw->vni > VNI_MAX || gw->gateway_ipv4 == 0 || gw->underlay_ipv4 == 0)
                return -EINVAL;
        i = gw_lower_bound(card, gw->vni);
        if (i >= card->ngws || card->gws[i].vni != gw->vni) {
                if (card->ngws >= card->cfg.limits.max_vpc_gateways)
                        return -ENOSPC;
                memmove(&card->gws[i + 1], &card->gws[i], (card->ngws - i) * sizeof(*gw));
                card->ngws++;
        }
        card->gws[i] = *gw;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_gateway_set(bmdpu_card *card, const bmdpu_vpc_gateway *gw) {
        SIM_CALL(card, "vpc_gateway_set", gw_set(card, gw));
}

static int gw_remove(bmdpu_card *card, uint32_t vni) {
        bmdpu_vpc_gateway *g = find_gw(card, vni);

        if (!g)
                return -ENOENT;
        memmove(g, g + 1, (size_t) (&card->gws[card->ngws] - (g + 1)) * sizeof(*g));
        card->ngws--;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_gateway_remove(bmdpu_card *card, uint32_t vni) {
        SIM_CALL(card, "vpc_gateway_remove", gw_remove(card, vni));
}

static int gw_get(bmdpu_card *card, uint32_t vni, bmdpu_vpc_gateway *out) {
        bmdpu_vpc_gateway *g;

        if (!out)
                return -EINVAL;
        g = find_gw(card, vni);
        if (!g)
                return -ENOENT;
        *out = *g;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_gateway_get(bmdpu_card *card, uint32_t vni, bmdpu_vpc_gateway *out) {
        SIM_CALL(card, "vpc_gateway_get", gw_get(card, vni, out));
}

static int gw_list(bmdpu_card *card, bmdpu_vpc_gateway *out, uint32_t *count) {
        if (!count || (*count > 0 && !out))
                return -EINVAL;
        if (card->ngws > *count) {
                *count = card->ngws;
                return -ERANGE;
        }
        if (card->ngws > 0)
                memcpy(out, card->gws, card->ngws * sizeof(*out));
        *count = card->ngws;
        return 0;
}

SIM_EXPORT int bmdpu_vpc_gateway_list(bmdpu_card *card, bmdpu_vpc_gateway *out, uint32_t *count) {
        SIM_CALL(card, "vpc_gateway_list", gw_list(card, out, count));
}
