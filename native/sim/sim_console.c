/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bmdpu_sim.h"
#include "sim.h"

static uint64_t realtime_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* With the lock held: records bytes the host printed, overwriting the oldest. */
static void console_put(bmdpu_card *card, const uint8_t *data, uint32_t len) {
        struct sim_console *c = &card->console;

        if (len == 0)
                return;
        for (uint32_t i = 0; i < len; i++)
                c->ring[(c->total + i) % SIM_CONSOLE_RING] = data[i];
        c->total += len;
        c->last_ns = realtime_ns();
}

/* What a Linux host prints first on ttyS0; numbered so that a test tells one boot from the next. */
void sim_console_boot(bmdpu_card *card) {
        char msg[512];
        int n;

        card->console.boots++;
        n = snprintf(msg, sizeof(msg),
                     "[    0.000000] Linux version 6.1.0-sim (bmdpu simulator) #1 SMP\r\n"
                     "[    0.000000] Command line: console=ttyS0 root=/dev/vda\r\n"
                     "[    0.912345] Run /sbin/init as init process\r\n"
                     "bmdpu-sim boot %u\r\n"
                     "\r\nbmdpu-sim login: ",
                     card->console.boots);
        if (n > 0)
                console_put(card, (const uint8_t *) msg, (uint32_t) n < sizeof(msg) ? (uint32_t) n : sizeof(msg) - 1);
}

static int console_read(bmdpu_card *card, uint8_t *buf, uint32_t *len, uint64_t *total, uint64_t *timestamp_ns) {
        const struct sim_console *c = &card->console;
        uint64_t kept, n, start;

        if (!len || !total || !timestamp_ns || (!buf && *len > 0))
                return -EINVAL;
        kept = c->total < SIM_CONSOLE_RING ? c->total : SIM_CONSOLE_RING;
        n = *len < kept ? *len : kept;
        start = c->total - n;
        for (uint64_t i = 0; i < n; i++)
                buf[i] = c->ring[(start + i) % SIM_CONSOLE_RING];
        *len = (uint32_t) n;
        *total = c->total;
        *timestamp_ns = c->last_ns;
        return 0;
}

SIM_EXPORT int bmdpu_host_console_read(bmdpu_card *card, uint8_t *buf, uint32_t *len, uint64_t *total,
                                       uint64_t *timestamp_ns) {
        SIM_CALL(card, "host_console_read", console_read(card, buf, len, total, timestamp_ns));
}

SIM_EXPORT int bmdpu_sim_console_write(bmdpu_card *card, const uint8_t *data, uint32_t len) {
        int r = 0;

        if (!card || (!data && len > 0))
                return -EINVAL;
        pthread_mutex_lock(&card->lock);
        if (card->power == BMDPU_POWER_OFF)
                r = -EBUSY;
        else
                console_put(card, data, len);
        pthread_mutex_unlock(&card->lock);
        return r;
}
