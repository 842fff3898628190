/* SPDX-License-Identifier: Apache-2.0 */
#ifndef SIM_H
#define SIM_H

/* The simulator's internal state, shared by its translation units. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmdpu.h"

/* The layout is the ABI: a size change here breaks every binding. */
_Static_assert(sizeof(bmdpu_card_info) == 104, "bmdpu_card_info");
_Static_assert(sizeof(bmdpu_limits) == 32, "bmdpu_limits");
_Static_assert(sizeof(bmdpu_nvmf_target) == 808, "bmdpu_nvmf_target");
_Static_assert(sizeof(bmdpu_nvmf_status) == 80, "bmdpu_nvmf_status");
_Static_assert(sizeof(bmdpu_blockdev_spec) == 144, "bmdpu_blockdev_spec");
_Static_assert(sizeof(bmdpu_blockdev_stats) == 48, "bmdpu_blockdev_stats");
_Static_assert(sizeof(bmdpu_blockdev_info) == 152, "bmdpu_blockdev_info");
_Static_assert(sizeof(bmdpu_port_config) == 120, "bmdpu_port_config");
_Static_assert(sizeof(bmdpu_port_counters) == 48, "bmdpu_port_counters");
_Static_assert(sizeof(bmdpu_rule) == 40, "bmdpu_rule");
_Static_assert(sizeof(bmdpu_vpc_mapping) == 20, "bmdpu_vpc_mapping");
_Static_assert(sizeof(bmdpu_vpc_gateway) == 20, "bmdpu_vpc_gateway");
_Static_assert(sizeof(bmdpu_event) == 96, "bmdpu_event");

#define SIM_EXPORT __attribute__((visibility("default")))
#define SIM_TABLES 6            /* BMDPU_TABLE_* are 1..5; 0 is unused */
#define SIM_MAX_FAULTS 16
#define SIM_OP_MAX 32

struct sim_config {
        bmdpu_limits limits;
        char model[BMDPU_NAME_MAX];
        char firmware[BMDPU_NAME_MAX];
        char serial[BMDPU_SERIAL_MAX];
        uint32_t power_transition_ms;
        uint32_t ctrl_loss_tmo_ms;
        bool named;                   /* serial= was given: the card outlives its handles */
};

struct sim_fault {
        char op[SIM_OP_MAX];
        uint32_t count;
        int err;
        uint32_t latency_us;
};

struct sim_conn {
        bool used;
        bmdpu_nvmf_target target;     /* holds the secret: wiped on release */
        uint32_t state;
        uint32_t refs;
        uint64_t loss_deadline_ns;    /* 0: none */
};

struct sim_dev {
        bool used;
        bool frozen;
        bmdpu_blockdev_spec spec;
        uint32_t conn;                /* index into conns */
        uint64_t thaw_deadline_ns;
        bmdpu_blockdev_stats stats;
};

struct sim_table {
        bmdpu_rule *rules;            /* sorted by (priority, rule_id) */
        uint32_t n;
        uint64_t version;
};

struct sim_event {
        struct sim_event *next;
        bmdpu_event ev;
};

#define SIM_CONSOLE_RING 16384  /* small, so that a test can wrap it */

/* The host's serial console as the card records it: the last SIM_CONSOLE_RING bytes. */
struct sim_console {
        uint8_t ring[SIM_CONSOLE_RING];
        uint64_t total;               /* bytes ever received; byte i is at ring[i % SIM_CONSOLE_RING] */
        uint64_t last_ns;             /* CLOCK_REALTIME of the last byte, 0: none yet */
        uint32_t boots;
};

/*
 * One simulated card. The handle is the card itself: closing a named card
 * stops its event thread and parks it in a process-wide registry, and the
 * next open of its serial takes it back with its state (see sim_card.c).
 */
struct bmdpu_card {
        struct bmdpu_card *next;      /* registry of named cards, under its own lock */
        bool open;                    /* a handle is open; under the registry lock */

        pthread_mutex_t lock;
        pthread_cond_t wake;          /* the event thread has work */
        pthread_cond_t idle;          /* a callback returned */
        pthread_t thread;
        bool stop;
        bool dispatching;
        bmdpu_event_cb running_cb;    /* the callback being run, with its userdata */
        void *running_userdata;

        struct sim_config cfg;

        uint32_t power;
        uint32_t power_target;
        uint64_t power_deadline_ns;   /* 0: no transition */
        struct sim_console console;

        struct sim_conn *conns;
        struct sim_dev *devs;

        bool port_configured;
        bmdpu_port_config port;
        bmdpu_port_counters counters;
        struct sim_table tables[SIM_TABLES];
        bmdpu_vpc_mapping *maps;      /* sorted by (vni, overlay_ipv4) */
        uint32_t nmaps;
        bmdpu_vpc_gateway *gws;
        uint32_t ngws;

        uint8_t metadata[BMDPU_METADATA_MAX];  /* the port's metadata document (sim_metadata.c) */
        uint32_t metadata_len;                 /* 0: none */

        struct sim_event *head, *tail;
        uint64_t seq;
        bmdpu_event_cb cb;
        void *userdata;

        pthread_mutex_t fault_lock;   /* also guards mutations */
        struct sim_fault faults[SIM_MAX_FAULTS];
        uint64_t mutations;           /* mutating calls through the open handle */
};

/* Counts a mutating op, consumes a pending fault of op, then takes the card lock. */
int sim_enter(bmdpu_card *card, const char *op);
void sim_leave(bmdpu_card *card);
bool sim_known_op(const char *op);

/* Runs a call body under the card lock, after fault injection. */
#define SIM_CALL(card, op, expr)                        \
        do {                                            \
                int r_ = sim_enter((card), (op));       \
                if (r_ < 0)                             \
                        return r_;                      \
                r_ = (expr);                            \
                sim_leave(card);                        \
                return r_;                              \
        } while (0)

uint64_t sim_now_ns(void);
uint64_t sim_deadline_ns(uint32_t ms);
bool sim_str_ok(const char *s, size_t cap, bool nonempty);

/* With the lock held: queues an event for the event thread. */
void sim_raise(bmdpu_card *card, uint32_t type, uint32_t slot, int32_t value, const char *object_id);
/* With the lock held: tells the event thread a deadline changed. */
void sim_kick(bmdpu_card *card);

/* With the lock held, from the event thread: fires due timers. */
void sim_storage_timers(bmdpu_card *card, uint64_t now, uint64_t *next);
void sim_wipe_conns(bmdpu_card *card);

int sim_parse_config(const char *config, struct sim_config *cfg);

/* With the lock held: the host starts booting and prints its boot messages on the console. */
void sim_console_boot(bmdpu_card *card);

#endif /* SIM_H */
