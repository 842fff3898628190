/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "sim.h"

/* Moves the host to target, at once or after ms through TRANSITIONING. */
static void transition(bmdpu_card *card, uint32_t target, uint32_t ms) {
        if (target == BMDPU_POWER_ON)
                sim_console_boot(card);
        if (ms == 0) {
                card->power = target;
                sim_raise(card, BMDPU_EVENT_HOST_POWER_CHANGED, BMDPU_SLOT_ANY, (int32_t) target, "host");
                return;
        }
        card->power = BMDPU_POWER_TRANSITIONING;
        card->power_target = target;
        card->power_deadline_ns = sim_deadline_ns(ms);
        sim_kick(card);
}

static int power_on(bmdpu_card *card) {
        if (card->power == BMDPU_POWER_TRANSITIONING)
                return -EBUSY;
        if (card->power == BMDPU_POWER_OFF)
                transition(card, BMDPU_POWER_ON, card->cfg.power_transition_ms);
        return 0;
}

SIM_EXPORT int bmdpu_host_power_on(bmdpu_card *card) {
        SIM_CALL(card, "host_power_on", power_on(card));
}

static int power_off(bmdpu_card *card, uint32_t force, uint32_t graceful_timeout_ms) {
        uint32_t ms = card->cfg.power_transition_ms;

        if (card->power == BMDPU_POWER_TRANSITIONING)
                return -EBUSY;
        if (card->power == BMDPU_POWER_OFF)
                return 0;
        /* The simulated OS shuts down in power_transition_ms unless cut off first. */
        if (force)
                ms = 0;
        else if (graceful_timeout_ms < ms)
                ms = graceful_timeout_ms;
        transition(card, BMDPU_POWER_OFF, ms);
        return 0;
}

SIM_EXPORT int bmdpu_host_power_off(bmdpu_card *card, uint32_t force, uint32_t graceful_timeout_ms) {
        SIM_CALL(card, "host_power_off", power_off(card, force, graceful_timeout_ms));
}

static int reset(bmdpu_card *card) {
        if (card->power != BMDPU_POWER_ON)
                return -EBUSY;
        transition(card, BMDPU_POWER_ON, card->cfg.power_transition_ms);
        return 0;
}

SIM_EXPORT int bmdpu_host_reset(bmdpu_card *card) {
        SIM_CALL(card, "host_reset", reset(card));
}

static int get_power(bmdpu_card *card, uint32_t *state) {
        if (!state)
                return -EINVAL;
        *state = card->power;
        return 0;
}

SIM_EXPORT int bmdpu_host_get_power(bmdpu_card *card, uint32_t *state) {
        SIM_CALL(card, "host_get_power", get_power(card, state));
}
