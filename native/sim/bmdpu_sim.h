/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BMDPU_SIM_H
#define BMDPU_SIM_H

/*
 * Controls of the bmdpu simulator that a real card does not have: fault
 * injection and the outside world (network paths, host I/O and traffic).
 * Not part of the vendor ABI; a vendor library does not export these.
 *
 * Configuration keys of bmdpu_card_open() understood by the simulator:
 *   model, firmware, serial           identity strings
 *   max_devices, max_rules, max_mappings, max_gateways, max_connections,
 *   max_queues, max_freeze_ms         limits (all > 0)
 *   power_transition_ms               how long a power change takes (0)
 *   ctrl_loss_tmo_ms                  how long a down path is retried before
 *                                     it is given up, 0 for ever (0)
 * e.g. "model=sim;max_devices=16;power_transition_ms=50".
 *
 * A card opened with serial= models hardware that outlives the agent: closing
 * its handle keeps its state (devices, connections and their secrets, power,
 * port, tables, mappings, gateways, counters) in a process-wide registry, and
 * the next bmdpu_card_open() with that serial gets the card back, with the
 * configuration it was first opened with; while a handle is open, another
 * open of the serial is -EBUSY. Events and injected faults belong to the
 * handle and end with it. A card opened without serial= is new on every open
 * and gone when closed.
 *
 * All calls are thread-safe and return 0 or a negative errno.
 */

#include <stdint.h>

#include "bmdpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Makes the next count calls of operation op fail with -err (err > 0) and/or
 * take latency_us longer (err == 0: only slower). op is the function name
 * without the "bmdpu_" prefix, e.g. "nvmf_connect" or "rules_apply"; an
 * unknown op is -EINVAL. count == 0 clears the fault of op. A failed batch
 * call reports nothing applied.
 */
int bmdpu_sim_inject_fault(bmdpu_card *card, const char *op, uint32_t count, int err,
                           uint32_t latency_us);

/*
 * Takes the network path of a connection down (up == 0) or brings it back.
 * Down: the connection goes to BMDPU_PATH_RECONNECTING and PATH_DOWN is
 * raised; after ctrl_loss_tmo_ms it goes to BMDPU_PATH_DOWN and every device
 * it backs raises DEVICE_ERROR. Up: BMDPU_PATH_CONNECTED and PATH_UP.
 * Setting the state it already has is 0 and raises nothing.
 */
int bmdpu_sim_set_path(bmdpu_card *card, const char *conn_id, uint32_t up);

/*
 * Simulates the host doing I/O of bytes_per_op on a device. -EAGAIN while the
 * device is frozen (the card does not fetch it); counted as errors while its
 * path is not connected.
 */
int bmdpu_sim_host_io(bmdpu_card *card, uint32_t slot, uint64_t read_ops, uint64_t write_ops,
                      uint32_t bytes_per_op);

/*
 * Simulates traffic through the port: packets of bytes_per_packet each way.
 * Dropped while the port is not configured.
 */
int bmdpu_sim_port_traffic(bmdpu_card *card, uint64_t rx_packets, uint64_t tx_packets,
                           uint32_t bytes_per_packet);

/*
 * Drops the state of the closed card opened with serial=serial, so that the
 * next open of the serial is a new card; -EBUSY while a handle is open,
 * -ENOENT for a serial no card has. Parked cards are also dropped when the
 * library is unloaded. Thread-safe, needs no card.
 */
int bmdpu_sim_forget(const char *serial);

/*
 * Stores in *count how many calls that change the card's state (power,
 * connect/disconnect, attach/detach, freeze/thaw, port, rules, mappings,
 * gateways) were made through this handle since it was opened, failed ones
 * included; reads are not counted.
 */
int bmdpu_sim_mutations(bmdpu_card *card, uint64_t *count);

/*
 * What the card's responder answers for key of the port's metadata document,
 * as the conformance suite reads it back: the value copied into buf[0..cap)
 * and its length into *len; -ENOENT without a document or such a key,
 * -ENOSPC (with *len set) when cap is too small.
 */
int bmdpu_sim_metadata_lookup(bmdpu_card *card, uint32_t port, const char *key, uint8_t *buf, uint32_t cap,
                              uint32_t *len);

/*
 * Simulates the host printing len bytes on its serial console, which the
 * card records as bmdpu_host_console_read() reports; -EBUSY while the host
 * is off (it prints nothing). Powering the host on or resetting it prints
 * boot messages of its own ("Linux version ..." first).
 */
int bmdpu_sim_console_write(bmdpu_card *card, const uint8_t *data, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* BMDPU_SIM_H */
