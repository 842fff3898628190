/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

uint64_t sim_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

uint64_t sim_deadline_ns(uint32_t ms) {
        return sim_now_ns() + (uint64_t) ms * 1000000u;
}

bool sim_str_ok(const char *s, size_t cap, bool nonempty) {
        return memchr(s, '\0', cap) && (!nonempty || s[0] != '\0');
}

void sim_kick(bmdpu_card *card) {
        pthread_cond_signal(&card->wake);
}

void sim_raise(bmdpu_card *card, uint32_t type, uint32_t slot, int32_t value, const char *object_id) {
        struct sim_event *e;

        /* Nobody to tell: the event is lost, as documented for unsubscribed cards. */
        if (!card->cb)
                return;
        e = calloc(1, sizeof(*e));
        if (!e)
                return;
        e->ev.seq = ++card->seq;
        e->ev.timestamp_ns = sim_now_ns();
        e->ev.type = type;
        e->ev.slot = slot;
        e->ev.value = value;
        strncpy(e->ev.object_id, object_id, sizeof(e->ev.object_id) - 1);
        if (card->tail)
                card->tail->next = e;
        else
                card->head = e;
        card->tail = e;
        sim_kick(card);
}

static void power_timers(bmdpu_card *card, uint64_t now, uint64_t *next) {
        if (card->power_deadline_ns == 0)
                return;
        if (card->power_deadline_ns > now) {
                if (card->power_deadline_ns < *next)
                        *next = card->power_deadline_ns;
                return;
        }
        card->power_deadline_ns = 0;
        card->power = card->power_target;
        sim_raise(card, BMDPU_EVENT_HOST_POWER_CHANGED, BMDPU_SLOT_ANY, (int32_t) card->power, "host");
}

static void wait_until(bmdpu_card *card, uint64_t deadline) {
        struct timespec ts;

        if (deadline == UINT64_MAX) {
                pthread_cond_wait(&card->wake, &card->lock);
                return;
        }
        ts.tv_sec = (time_t) (deadline / 1000000000u);
        ts.tv_nsec = (long) (deadline % 1000000000u);
        pthread_cond_timedwait(&card->wake, &card->lock, &ts);
}

/* The card-owned thread: fires timers and delivers events one at a time. */
static void *event_thread(void *arg) {
        bmdpu_card *card = arg;

        pthread_mutex_lock(&card->lock);
        while (!card->stop) {
                uint64_t next = UINT64_MAX;
                struct sim_event *e;

                power_timers(card, sim_now_ns(), &next);
                sim_storage_timers(card, sim_now_ns(), &next);
                e = card->head;
                if (!e) {
                        wait_until(card, next);
                        continue;
                }
                card->head = e->next;
                if (!card->head)
                        card->tail = NULL;
                if (card->cb) {
                        bmdpu_event_cb cb = card->cb;
                        void *userdata = card->userdata;

                        card->dispatching = true;
                        card->running_cb = cb;
                        card->running_userdata = userdata;
                        pthread_mutex_unlock(&card->lock);
                        cb(&e->ev, userdata);
                        pthread_mutex_lock(&card->lock);
                        card->dispatching = false;
                        pthread_cond_broadcast(&card->idle);
                }
                free(e);
        }
        pthread_mutex_unlock(&card->lock);
        return NULL;
}

/*
 * Named cards, open or parked. The hardware a card models survives the agent
 * that drives it, so a closed named card keeps its state here until the same
 * serial is opened again, bmdpu_sim_forget() drops it or the library unloads.
 */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static bmdpu_card *registry;

/* Events are per handle: those queued when it closes had nobody to go to. */
static void drop_events(bmdpu_card *card) {
        while (card->head) {
                struct sim_event *e = card->head;

                card->head = e->next;
                free(e);
        }
        card->tail = NULL;
}

static void free_card(bmdpu_card *card) {
        for (int t = 0; t < SIM_TABLES; t++)
                free(card->tables[t].rules);
        drop_events(card);
        if (card->conns)
                sim_wipe_conns(card);
        free(card->conns);
        free(card->devs);
        free(card->maps);
        free(card->gws);
        pthread_cond_destroy(&card->idle);
        pthread_cond_destroy(&card->wake);
        pthread_mutex_destroy(&card->fault_lock);
        pthread_mutex_destroy(&card->lock);
        free(card);
}

static int alloc_state(bmdpu_card *card) {
        const bmdpu_limits *l = &card->cfg.limits;

        card->conns = calloc(l->max_nvmf_connections, sizeof(*card->conns));
        card->devs = calloc(l->max_block_devices, sizeof(*card->devs));
        card->maps = calloc(l->max_vpc_mappings, sizeof(*card->maps));
        card->gws = calloc(l->max_vpc_gateways, sizeof(*card->gws));
        if (!card->conns || !card->devs || !card->maps || !card->gws)
                return -ENOMEM;
        for (int t = 1; t < SIM_TABLES; t++) {
                card->tables[t].rules = calloc(l->max_rules_per_table, sizeof(bmdpu_rule));
                if (!card->tables[t].rules)
                        return -ENOMEM;
        }
        return 0;
}

static int init_sync(bmdpu_card *card) {
        pthread_condattr_t attr;
        int r;

        pthread_mutex_init(&card->lock, NULL);
        pthread_mutex_init(&card->fault_lock, NULL);
        pthread_cond_init(&card->idle, NULL);
        /* Deadlines are monotonic so that wall-clock steps cannot stretch a freeze. */
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        r = pthread_cond_init(&card->wake, &attr);
        pthread_condattr_destroy(&attr);
        return -r;
}

static int new_card(const struct sim_config *cfg, bmdpu_card **out) {
        bmdpu_card *card = calloc(1, sizeof(*card));
        int r;

        if (!card)
                return -ENOMEM;
        r = init_sync(card);
        card->cfg = *cfg;
        if (r == 0)
                r = alloc_state(card);
        if (r < 0) {
                free_card(card);
                return r;
        }
        card->power = BMDPU_POWER_OFF;
        *out = card;
        return 0;
}

/* The handle's part of a card: its event thread and, while parked, nothing. */
static int start_handle(bmdpu_card *card) {
        card->stop = false;
        card->mutations = 0;
        return -pthread_create(&card->thread, NULL, event_thread, card);
}

static bmdpu_card *find_named(const char *serial) {
        for (bmdpu_card *c = registry; c; c = c->next)
                if (strcmp(c->cfg.serial, serial) == 0)
                        return c;
        return NULL;
}

/* Under the registry lock: the parked card of cfg's serial, or a new one in the registry. */
static int open_named(const struct sim_config *cfg, bmdpu_card **out) {
        bmdpu_card *card = find_named(cfg->serial);
        int r;

        /* One handle per card, as on hardware. A revived card keeps the configuration it was made with. */
        if (card && card->open)
                return -EBUSY;
        if (!card) {
                r = new_card(cfg, &card);
                if (r == 0)
                        r = start_handle(card);
                if (r < 0) {
                        if (card)
                                free_card(card);
                        return r;
                }
                card->next = registry;
                registry = card;
        } else {
                r = start_handle(card);
                if (r < 0)
                        return r;
        }
        card->open = true;
        *out = card;
        return 0;
}

SIM_EXPORT int bmdpu_abi_version(void) {
        return BMDPU_ABI_VERSION;
}

SIM_EXPORT int bmdpu_card_open(const char *config, bmdpu_card **out) {
        struct sim_config cfg;
        bmdpu_card *card;
        int r;

        if (!out)
                return -EINVAL;
        r = sim_parse_config(config, &cfg);
        if (r < 0)
                return r;
        if (cfg.named) {
                pthread_mutex_lock(&registry_lock);
                r = open_named(&cfg, out);
                pthread_mutex_unlock(&registry_lock);
                return r;
        }
        r = new_card(&cfg, &card);
        if (r < 0)
                return r;
        r = start_handle(card);
        if (r < 0) {
                free_card(card);
                return r;
        }
        *out = card;
        return 0;
}

SIM_EXPORT int bmdpu_card_close(bmdpu_card *card) {
        if (!card)
                return 0;
        if (pthread_equal(pthread_self(), card->thread))
                return -EDEADLK;
        pthread_mutex_lock(&card->lock);
        card->stop = true;
        card->cb = NULL;
        card->userdata = NULL;
        sim_kick(card);
        pthread_mutex_unlock(&card->lock);
        pthread_join(card->thread, NULL);
        if (!card->cfg.named) {
                free_card(card);
                return 0;
        }
        drop_events(card);
        /* Faults are the test's instrument on one handle, not the card's state. */
        pthread_mutex_lock(&card->fault_lock);
        memset(card->faults, 0, sizeof(card->faults));
        pthread_mutex_unlock(&card->fault_lock);
        pthread_mutex_lock(&registry_lock);
        card->open = false;
        pthread_mutex_unlock(&registry_lock);
        return 0;
}

SIM_EXPORT int bmdpu_sim_forget(const char *serial) {
        bmdpu_card **link, *card = NULL;
        int r = -ENOENT;

        if (!serial)
                return -EINVAL;
        pthread_mutex_lock(&registry_lock);
        for (link = &registry; *link; link = &(*link)->next) {
                if (strcmp((*link)->cfg.serial, serial) != 0)
                        continue;
                if ((*link)->open) {
                        r = -EBUSY;
                } else {
                        card = *link;
                        *link = card->next;
                        r = 0;
                }
                break;
        }
        pthread_mutex_unlock(&registry_lock);
        if (card)
                free_card(card);
        return r;
}

/* Parked cards go with the library; open ones still belong to their handles. */
__attribute__((destructor)) static void forget_parked(void) {
        bmdpu_card **link = &registry;

        pthread_mutex_lock(&registry_lock);
        while (*link) {
                bmdpu_card *card = *link;

                if (card->open) {
                        link = &card->next;
                        continue;
                }
                *link = card->next;
                free_card(card);
        }
        pthread_mutex_unlock(&registry_lock);
}

static int get_info(bmdpu_card *card, bmdpu_card_info *out) {
        if (!out)
                return -EINVAL;
        memset(out, 0, sizeof(*out));
        out->capabilities = BMDPU_CAP_NVME_EMULATION | BMDPU_CAP_VIRTIO_BLK | BMDPU_CAP_NVMF_TCP |
                            BMDPU_CAP_NVMF_RDMA | BMDPU_CAP_DHCHAP | BMDPU_CAP_FREEZE |
                            BMDPU_CAP_QOS | BMDPU_CAP_VXLAN | BMDPU_CAP_NAT |
                            BMDPU_CAP_NVMF_DIGESTS;
        out->abi_version = BMDPU_ABI_VERSION;
        memcpy(out->model, card->cfg.model, sizeof(out->model));
        memcpy(out->firmware, card->cfg.firmware, sizeof(out->firmware));
        memcpy(out->serial, card->cfg.serial, sizeof(out->serial));
        return 0;
}

SIM_EXPORT int bmdpu_card_get_info(bmdpu_card *card, bmdpu_card_info *out) {
        SIM_CALL(card, "card_get_info", get_info(card, out));
}

static int get_limits(bmdpu_card *card, bmdpu_limits *out) {
        if (!out)
                return -EINVAL;
        *out = card->cfg.limits;
        return 0;
}

SIM_EXPORT int bmdpu_card_get_limits(bmdpu_card *card, bmdpu_limits *out) {
        SIM_CALL(card, "card_get_limits", get_limits(card, out));
}

static int subscribe(bmdpu_card *card, bmdpu_event_cb cb, void *userdata) {
        bmdpu_event_cb old_cb = card->cb;
        void *old_userdata = card->userdata;

        card->cb = cb;
        card->userdata = userdata;
        /* Wait for the old registration only: a stream of events for the new one must not starve us. */
        while (card->dispatching && card->running_cb == old_cb && card->running_userdata == old_userdata)
                pthread_cond_wait(&card->idle, &card->lock);
        return 0;
}

SIM_EXPORT int bmdpu_events_subscribe(bmdpu_card *card, bmdpu_event_cb cb, void *userdata) {
        if (card && pthread_equal(pthread_self(), card->thread))
                return -EDEADLK;
        SIM_CALL(card, "events_subscribe", subscribe(card, cb, userdata));
}
