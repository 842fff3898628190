/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>

#include "sim.h"

static bool table_ok(uint32_t table) {
        return table >= BMDPU_TABLE_ACL_INGRESS && table <= BMDPU_TABLE_NAT;
}

static bool rule_ok(const bmdpu_rule *r) {
        if (!table_ok(r->table) || r->remote_prefix_len > 32 || r->protocol > 255)
                return false;
        if (r->port_min > r->port_max || r->port_max > 65535)
                return false;
        /* A TCAM matches networks: host bits beyond the prefix must be clear. */
        if (r->remote_prefix_len < 32 && (r->remote_ipv4 & (UINT32_MAX >> r->remote_prefix_len)))
                return false;
        if (r->table == BMDPU_TABLE_NAT)
                return (r->action == BMDPU_ACTION_SNAT || r->action == BMDPU_ACTION_DNAT) && r->nat_ipv4 != 0;
        return (r->action == BMDPU_ACTION_ALLOW || r->action == BMDPU_ACTION_DENY) && r->nat_ipv4 == 0;
}

static bool before(const bmdpu_rule *a, const bmdpu_rule *b) {
        return a->priority < b->priority || (a->priority == b->priority && a->rule_id < b->rule_id);
}

static int64_t find_rule(const struct sim_table *t, uint32_t rule_id) {
        for (uint32_t i = 0; i < t->n; i++)
                if (t->rules[i].rule_id == rule_id)
                        return i;
        return -1;
}

static int apply_one(bmdpu_card *card, const bmdpu_rule *rule) {
        struct sim_table *t;
        uint32_t lo, hi;

        if (!rule_ok(rule))
                return -EINVAL;
        t = &card->tables[rule->table];
        if (find_rule(t, rule->rule_id) >= 0)
                return -EEXIST;
        if (t->n >= card->cfg.limits.max_rules_per_table)
                return -ENOSPC;
        for (lo = 0, hi = t->n; lo < hi;) {
                uint32_t mid = lo + (hi - lo) / 2;

                if (before(&t->rules[mid], rule))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        memmove(&t->rules[lo + 1], &t->rules[lo], (t->n - lo) * sizeof(*rule));
        t->rules[lo] = *rule;
        t->n++;
        t->version++;
        return 0;
}

static int remove_one(bmdpu_card *card, const bmdpu_rule *rule) {
        struct sim_table *t;
        int64_t i;

        if (!table_ok(rule->table))
                return -EINVAL;
        t = &card->tables[rule->table];
        i = find_rule(t, rule->rule_id);
        if (i < 0)
                return -ENOENT;
        memmove(&t->rules[i], &t->rules[i + 1], (t->n - (uint32_t) i - 1) * sizeof(*rule));
        t->n--;
        t->version++;
        return 0;
}

static int batch(bmdpu_card *card, int (*one)(bmdpu_card *, const bmdpu_rule *), const bmdpu_rule *rules,
                 uint32_t n, uint32_t *done) {
        if (n > 0 && !rules)
                return -EINVAL;
        for (; *done < n; (*done)++) {
                int r = one(card, &rules[*done]);

                if (r < 0)
                        return r;
        }
        return 0;
}

SIM_EXPORT int bmdpu_rules_apply(bmdpu_card *card, const bmdpu_rule *rules, uint32_t n, uint32_t *applied) {
        if (!applied)
                return -EINVAL;
        *applied = 0;
        SIM_CALL(card, "rules_apply", batch(card, apply_one, rules, n, applied));
}

SIM_EXPORT int bmdpu_rules_remove(bmdpu_card *card, const bmdpu_rule *rules, uint32_t n, uint32_t *removed) {
        if (!removed)
                return -EINVAL;
        *removed = 0;
        SIM_CALL(card, "rules_remove", batch(card, remove_one, rules, n, removed));
}

static int list(bmdpu_card *card, uint32_t table, bmdpu_rule *out, uint32_t *count) {
        const struct sim_table *t;

        if (!table_ok(table) || !count || (*count > 0 && !out))
                return -EINVAL;
        t = &card->tables[table];
        if (t->n > *count) {
                *count = t->n;
                return -ERANGE;
        }
        if (t->n > 0)
                memcpy(out, t->rules, t->n * sizeof(*out));
        *count = t->n;
        return 0;
}

SIM_EXPORT int bmdpu_rules_list(bmdpu_card *card, uint32_t table, bmdpu_rule *out, uint32_t *count) {
        SIM_CALL(card, "rules_list", list(card, table, out, count));
}

static int get_version(bmdpu_card *card, uint32_t table, uint64_t *version) {
        if (!table_ok(table) || !version)
                return -EINVAL;
        *version = card->tables[table].version;
        return 0;
}

SIM_EXPORT int bmdpu_rules_get_version(bmdpu_card *card, uint32_t table, uint64_t *version) {
        SIM_CALL(card, "rules_get_version", get_version(card, table, version));
}
