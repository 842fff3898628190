/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const struct sim_config defaults = {
        .limits = {
                .max_block_devices = 32,
                .max_ports = 1,
                .max_rules_per_table = 4096,
                .max_vpc_mappings = 65536,
                .max_vpc_gateways = 64,
                .max_nvmf_connections = 64,
                .max_queues_per_device = 32,
                .max_freeze_ms = 600000,
        },
        .model = "bmdpu-sim",
        .firmware = "sim-1.0.0",
        .serial = "SIM0000000001",
};

static int parse_u32(const char *v, uint32_t *out, bool positive) {
        char *end;
        unsigned long x;

        if (*v < '0' || *v > '9')
                return -EINVAL;
        errno = 0;
        x = strtoul(v, &end, 10);
        if (errno != 0 || *end != '\0' || x > UINT32_MAX || (positive && x == 0))
                return -EINVAL;
        *out = (uint32_t) x;
        return 0;
}

static int copy_str(char *dst, size_t cap, const char *v) {
        size_t n = strlen(v);

        if (n == 0 || n >= cap)
                return -EINVAL;
        memcpy(dst, v, n + 1);
        return 0;
}

static int apply_pair(struct sim_config *cfg, const char *k, const char *v) {
        static const struct {
                const char *key;
                size_t offset;
                bool positive;
        } numbers[] = {
                { "max_devices", offsetof(struct sim_config, limits.max_block_devices), true },
                { "max_rules", offsetof(struct sim_config, limits.max_rules_per_table), true },
                { "max_mappings", offsetof(struct sim_config, limits.max_vpc_mappings), true },
                { "max_gateways", offsetof(struct sim_config, limits.max_vpc_gateways), true },
                { "max_connections", offsetof(struct sim_config, limits.max_nvmf_connections), true },
                { "max_queues", offsetof(struct sim_config, limits.max_queues_per_device), true },
                { "max_freeze_ms", offsetof(struct sim_config, limits.max_freeze_ms), true },
                { "power_transition_ms", offsetof(struct sim_config, power_transition_ms), false },
                { "ctrl_loss_tmo_ms", offsetof(struct sim_config, ctrl_loss_tmo_ms), false },
        };

        if (strcmp(k, "model") == 0)
                return copy_str(cfg->model, sizeof(cfg->model), v);
        if (strcmp(k, "firmware") == 0)
                return copy_str(cfg->firmware, sizeof(cfg->firmware), v);
        if (strcmp(k, "serial") == 0) {
                cfg->named = true;
                return copy_str(cfg->serial, sizeof(cfg->serial), v);
        }
        for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
                if (strcmp(k, numbers[i].key) == 0)
                        return parse_u32(v, (uint32_t *) ((char *) cfg + numbers[i].offset),
                                         numbers[i].positive);
        return -EINVAL;
}

int sim_parse_config(const char *config, struct sim_config *cfg) {
        char *copy, *save = NULL;
        int r = 0;

        *cfg = defaults;
        if (!config || !*config)
                return 0;
        copy = strdup(config);
        if (!copy)
                return -ENOMEM;
        for (char *pair = strtok_r(copy, ";", &save); pair && r == 0;
             pair = strtok_r(NULL, ";", &save)) {
                char *eq = strchr(pair, '=');

                if (!eq) {
                        r = -EINVAL;
                        break;
                }
                *eq = '\0';
                r = apply_pair(cfg, pair, eq + 1);
        }
        free(copy);
        return r;
}
