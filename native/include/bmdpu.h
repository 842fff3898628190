/* SPDX-License-Identifier: Apache-2.0 */
#ifndef BMDPU_H
#define BMDPU_H

/*
 * bmdpu: the C ABI between bm-agent and the offload card (SmartNIC/DPU) of a
 * bare-metal server. A card vendor implements it over its SDK; bm-agent binds
 * it with JNA. The simulator in native/sim implements the same ABI.
 *
 * Conventions, for every call unless its comment says otherwise:
 *
 *  - Return value: 0 on success or a negative errno (-EINVAL, -ENOENT, ...).
 *    bmdpu_abi_version() is the only call that returns a plain value.
 *  - Out-parameters come last. On failure their contents are unspecified,
 *    except for the batch calls, whose count out-parameter is always set.
 *  - Handles are opaque. A card handle comes from bmdpu_card_open() and is
 *    released by bmdpu_card_close(); nothing else allocates memory that the
 *    caller must free. The library never keeps a pointer passed by the caller
 *    after the call returns, except the event callback and its userdata.
 *  - Thread safety: every call on a card handle may be made from any thread
 *    concurrently, except bmdpu_card_close(), which the caller must not race
 *    with any other call on the same handle.
 *  - Strings in structs are NUL-terminated within their array; a string that
 *    fills its array without a NUL is rejected with -EINVAL.
 *  - IPv4 addresses are uint32_t in host byte order: 10.0.0.1 is 0x0a000001.
 *  - Structs have fixed sizes and explicit padding (the pad fields must be
 *    zero) so that they map one-to-one onto JNA structures.
 *  - Common errors: -EINVAL malformed argument, -ENOENT unknown id, -EEXIST
 *    duplicate id, -ENOSPC capacity exhausted, -EBUSY refused in the current
 *    state, -ERANGE caller's array too small, -EIO the card failed.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BMDPU_ABI_VERSION 1

#define BMDPU_NQN_MAX 224         /* NVMe Qualified Name, NUL included */
#define BMDPU_ADDR_MAX 64         /* transport address: IPv4, IPv6 or name */
#define BMDPU_SERVICE_ID_MAX 32   /* transport service id, e.g. "4420" */
#define BMDPU_SECRET_MAX 192      /* DH-HMAC-CHAP secret, "DHHC-1:..." */
#define BMDPU_ID_MAX 64           /* caller-chosen connection and object ids */
#define BMDPU_SERIAL_MAX 21       /* NVMe serial number: 20 chars + NUL */
#define BMDPU_NAME_MAX 32         /* model and firmware strings */
#define BMDPU_DNS_MAX 4           /* DNS servers a port offers over DHCP */

#define BMDPU_SLOT_ANY UINT32_MAX      /* let the card choose a PCIe slot */
#define BMDPU_CURSOR_END UINT64_MAX    /* mapping iteration is complete */

typedef struct bmdpu_card bmdpu_card;

/* ---- Card: identity, limits, capabilities --------------------------------- */

enum {
        BMDPU_CAP_NVME_EMULATION   = 1u << 0,
        BMDPU_CAP_VIRTIO_BLK       = 1u << 1,
        BMDPU_CAP_NVMF_TCP         = 1u << 2,
        BMDPU_CAP_NVMF_RDMA        = 1u << 3,
        BMDPU_CAP_DHCHAP           = 1u << 4,
        BMDPU_CAP_FREEZE           = 1u << 5,
        BMDPU_CAP_QOS              = 1u << 6,
        BMDPU_CAP_VXLAN            = 1u << 7,
        BMDPU_CAP_NAT              = 1u << 8,
        BMDPU_CAP_NVMF_DIGESTS     = 1u << 9,  /* bmdpu_nvmf_target.flags HDGST/DDGST honoured */
};

typedef struct bmdpu_card_info {
        uint64_t capabilities;         /* BMDPU_CAP_* */
        uint32_t abi_version;
        uint32_t pad0;
        char model[BMDPU_NAME_MAX];
        char firmware[BMDPU_NAME_MAX];
        char serial[BMDPU_SERIAL_MAX];
        char pad1[3];
} bmdpu_card_info;                     /* 104 bytes */

typedef struct bmdpu_limits {
        uint32_t max_block_devices;
        uint32_t max_ports;            /* 1: the host's single PF */
        uint32_t max_rules_per_table;
        uint32_t max_vpc_mappings;
        uint32_t max_vpc_gateways;
        uint32_t max_nvmf_connections;
        uint32_t max_queues_per_device;
        uint32_t max_freeze_ms;        /* longest freeze timeout accepted */
} bmdpu_limits;                        /* 32 bytes */

/*
 * The ABI version the library implements. Call it before anything else and
 * refuse to use the library unless it equals BMDPU_ABI_VERSION.
 * Returns the version itself, not an errno. Thread-safe, needs no card.
 */
int bmdpu_abi_version(void);

/*
 * Opens the card. config is a ";"-separated list of key=value pairs whose
 * keys are implementation defined (NULL or "" for defaults); an unknown key
 * or malformed value fails with -EINVAL. On success *out is a handle the
 * caller owns and must release with bmdpu_card_close(). Opening the same card
 * twice fails with -EBUSY on hardware. The card's state outlives the handle:
 * a new handle finds the devices, connections, port, tables, mappings and
 * gateways a previous one left. Starts the card's event thread.
 */
int bmdpu_card_open(const char *config, bmdpu_card **out);

/*
 * Releases the handle: unregisters the callback, waits for a callback in
 * progress to return, stops the event thread and frees the handle. The card
 * keeps its state (devices stay attached, the host stays powered). Must not
 * race with other calls on the handle. Calling it from the event callback
 * fails with -EDEADLK. NULL is accepted and ignored.
 */
int bmdpu_card_close(bmdpu_card *card);

/* Fills *out with the card's identity. Thread-safe. */
int bmdpu_card_get_info(bmdpu_card *card, bmdpu_card_info *out);

/* Fills *out with the card's fixed capacities. Thread-safe. */
int bmdpu_card_get_limits(bmdpu_card *card, bmdpu_limits *out);

/* ---- Host power ------------------------------------------------------------ */

enum {
        BMDPU_POWER_OFF = 0,
        BMDPU_POWER_ON = 1,
        BMDPU_POWER_TRANSITIONING = 2,
};

/*
 * Powers the host on. Returns once the transition has started; completion is
 * announced by BMDPU_EVENT_HOST_POWER_CHANGED. Already on: 0, no event.
 * In transition: -EBUSY. Thread-safe.
 */
int bmdpu_host_power_on(bmdpu_card *card);

/*
 * Powers the host off. With force == 0 the host OS is asked to shut down and
 * is cut off after graceful_timeout_ms; with force != 0 it is cut off at once.
 * Completion is announced by BMDPU_EVENT_HOST_POWER_CHANGED. Already off: 0,
 * no event. In transition: -EBUSY. Thread-safe.
 */
int bmdpu_host_power_off(bmdpu_card *card, uint32_t force, uint32_t graceful_timeout_ms);

/* Hard-resets a powered host (-EBUSY if off or in transition). Thread-safe. */
int bmdpu_host_reset(bmdpu_card *card);

/* Stores BMDPU_POWER_* in *state. Thread-safe. */
int bmdpu_host_get_power(bmdpu_card *card, uint32_t *state);

/* ---- NVMe-oF connections to cloud-disk targets ---------------------------- */

enum {
        BMDPU_TRANSPORT_TCP = 1,
        BMDPU_TRANSPORT_RDMA = 2,
};

enum {
        BMDPU_PATH_CONNECTED = 1,
        BMDPU_PATH_DOWN = 2,           /* reconnecting gave up */
        BMDPU_PATH_RECONNECTING = 3,
};

/*
 * bmdpu_nvmf_target.flags and bmdpu_nvmf_status.digests. NVMe/TCP digests
 * (NVMe/TCP 1.0, ICReq DGST): CRC32C over every PDU header and over every PDU's
 * data. Both fields were zero padding before; zero still means none, so
 * callers and libraries that predate them keep working unchanged. A library
 * honours them only if it reports BMDPU_CAP_NVMF_DIGESTS.
 */
enum {
        BMDPU_NVMF_HDGST = 1u << 0,
        BMDPU_NVMF_DDGST = 1u << 1,
};

typedef struct bmdpu_nvmf_target {
        char conn_id[BMDPU_ID_MAX];            /* caller-chosen, unique */
        uint32_t transport;                    /* BMDPU_TRANSPORT_* */
        uint32_t flags;                        /* BMDPU_NVMF_* requested; TCP only */
        char address[BMDPU_ADDR_MAX];
        char service_id[BMDPU_SERVICE_ID_MAX];
        char subsys_nqn[BMDPU_NQN_MAX];
        char host_nqn[BMDPU_NQN_MAX];
        char dhchap_secret[BMDPU_SECRET_MAX];  /* "" for none */
} bmdpu_nvmf_target;                           /* 808 bytes */

typedef struct bmdpu_nvmf_status {
        char conn_id[BMDPU_ID_MAX];
        uint32_t state;                        /* BMDPU_PATH_* */
        uint32_t device_refs;                  /* block devices backed by it */
        uint32_t has_secret;                   /* 1: connected with a DH-HMAC-CHAP secret */
        uint32_t digests;                      /* BMDPU_NVMF_* in effect, as the target agreed */
} bmdpu_nvmf_status;                           /* 80 bytes */

/*
 * Connects to an NVMe-oF subsystem. The card copies the target; the secret is
 * kept only in card memory, is wiped on disconnect and is never logged or
 * returned by any call. -EEXIST if conn_id is in use, -ENOSPC at
 * max_nvmf_connections, -EINVAL for a malformed secret or transport, for
 * unknown flags, or for digests on a transport other than TCP.
 * Thread-safe.
 */
int bmdpu_nvmf_connect(bmdpu_card *card, const bmdpu_nvmf_target *target);

/* Disconnects; -EBUSY while a block device is backed by it. Thread-safe. */
int bmdpu_nvmf_disconnect(bmdpu_card *card, const char *conn_id);

/* Fills *out for one connection. Thread-safe. */
int bmdpu_nvmf_get_status(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_status *out);

/*
 * Fills *out with the target a connection was made to, so that a caller that
 * restarted can compare it with the one it wants. The secret is never
 * returned: out->dhchap_secret is all zeroes, and whether the connection has
 * one is bmdpu_nvmf_status.has_secret. -ENOENT for an unknown conn_id.
 * Thread-safe.
 */
int bmdpu_nvmf_get_target(bmdpu_card *card, const char *conn_id, bmdpu_nvmf_target *out);

/*
 * Lists connections. *count is the capacity of out on entry and the number of
 * connections on return; when they do not fit, nothing is written and -ERANGE
 * is returned with *count set to the number needed. Thread-safe.
 */
int bmdpu_nvmf_list(bmdpu_card *card, bmdpu_nvmf_status *out, uint32_t *count);

/* ---- Emulated block devices on the host's PCIe ----------------------------- */

enum {
        BMDPU_DEV_NVME = 1,
        BMDPU_DEV_VIRTIO_BLK = 2,
};

typedef struct bmdpu_blockdev_spec {
        uint64_t size_bytes;                   /* multiple of block_size */
        uint64_t qos_iops;                     /* 0: unlimited */
        uint64_t qos_bytes_per_sec;            /* 0: unlimited */
        uint32_t type;                         /* BMDPU_DEV_* */
        uint32_t slot;                         /* requested, or BMDPU_SLOT_ANY */
        uint32_t nsid;                         /* namespace on the connection */
        uint32_t block_size;                   /* 512 or 4096 */
        uint32_t num_queues;                   /* 1..max_queues_per_device */
        uint32_t pad0;
        char conn_id[BMDPU_ID_MAX];            /* backing NVMe-oF connection */
        char serial[BMDPU_SERIAL_MAX];         /* the volume id, seen by the host */
        char pad1[3];
        uint32_t boot;                         /* 1: the host's firmware boots from it, else 0 */
        uint32_t pad2;
} bmdpu_blockdev_spec;                         /* 144 bytes */

typedef struct bmdpu_blockdev_stats {
        uint64_t read_ops;
        uint64_t write_ops;
        uint64_t read_bytes;
        uint64_t write_bytes;
        uint64_t errors;
        uint32_t frozen;                       /* 1 while frozen */
        uint32_t path_state;                   /* BMDPU_PATH_* of the backing */
} bmdpu_blockdev_stats;                        /* 48 bytes */

typedef struct bmdpu_blockdev_info {
        bmdpu_blockdev_spec spec;              /* spec.slot is the actual slot */
        uint32_t frozen;
        uint32_t pad0;
} bmdpu_blockdev_info;                         /* 152 bytes */

/*
 * Attaches an emulated device to the host's PCIe and stores its slot in
 * *slot. Only while the host is off (-EBUSY otherwise): the host enumerates
 * devices at boot. -ENOENT for an unknown conn_id, -EEXIST for a taken slot
 * or serial, -ENOSPC when no slot is free, -EINVAL for a bad geometry, queue
 * count or boot flag. The whole spec, boot flag included, is kept and
 * returned by bmdpu_blockdev_list(). Thread-safe.
 */
int bmdpu_blockdev_attach(bmdpu_card *card, const bmdpu_blockdev_spec *spec, uint32_t *slot);

/* Detaches a device; only while the host is off (-EBUSY). Thread-safe. */
int bmdpu_blockdev_detach(bmdpu_card *card, uint32_t slot);

/*
 * Freezes a device: the card stops fetching I/O from its queues, so the
 * backing volume is quiescent for a snapshot. After timeout_ms
 * (1..max_freeze_ms) the card thaws it by itself and raises
 * BMDPU_EVENT_FREEZE_TIMEOUT, so a crashed caller cannot hang the host's
 * disk. -EALREADY if frozen. Thread-safe.
 */
int bmdpu_blockdev_freeze(bmdpu_card *card, uint32_t slot, uint32_t timeout_ms);

/* Thaws a device; thawing a device that is not frozen is 0. Thread-safe. */
int bmdpu_blockdev_thaw(bmdpu_card *card, uint32_t slot);

/* Lists attached devices by slot; *count as for bmdpu_nvmf_list(). Thread-safe. */
int bmdpu_blockdev_list(bmdpu_card *card, bmdpu_blockdev_info *out, uint32_t *count);

/* Fills *out with the device's counters since attach. Thread-safe. */
int bmdpu_blockdev_get_stats(bmdpu_card *card, uint32_t slot, bmdpu_blockdev_stats *out);

/* ---- Host network port (one PF) -------------------------------------------- */

typedef struct bmdpu_port_config {
        uint8_t mac[6];
        uint8_t pad0[2];
        uint32_t ipv4;                         /* the host's private address */
        uint32_t prefix_len;
        uint32_t vni;                          /* VXLAN network id, < 2^24 */
        uint32_t gateway_ipv4;
        uint32_t mtu;                          /* 576..9000 */
        uint32_t pad1;
        char nic_id[BMDPU_ID_MAX];             /* caller's name for the NIC, opaque, may be "" */
        uint32_t dns_ipv4[BMDPU_DNS_MAX];      /* offered over DHCP in this order */
        uint32_t dns_count;                    /* 0..BMDPU_DNS_MAX; the rest of dns_ipv4 is 0 */
        uint32_t pad2;
} bmdpu_port_config;                           /* 120 bytes */

typedef struct bmdpu_port_counters {
        uint64_t rx_packets;
        uint64_t rx_bytes;
        uint64_t tx_packets;
        uint64_t tx_bytes;
        uint64_t rx_drops;
        uint64_t tx_drops;
} bmdpu_port_counters;                         /* 48 bytes */

/*
 * Configures port 0, the only port (any other is -ENOENT); reconfiguring
 * replaces the previous configuration. The card keeps the whole config, nic_id
 * and DNS servers included, and bmdpu_port_get() returns it as given. Policy
 * tables, mappings and gateways are independent of it. -EINVAL for a bad
 * address, VNI or MTU or dns_count > BMDPU_DNS_MAX. Thread-safe.
 */
int bmdpu_port_configure(bmdpu_card *card, uint32_t port, const bmdpu_port_config *config);

/* Removes the port's configuration (-ENOENT if none). Thread-safe. */
int bmdpu_port_remove(bmdpu_card *card, uint32_t port);

/* Fills *out with the port's configuration (-ENOENT if none). Thread-safe. */
int bmdpu_port_get(bmdpu_card *card, uint32_t port, bmdpu_port_config *out);

/* Fills *out with the port's counters since the card started. Thread-safe. */
int bmdpu_port_get_counters(bmdpu_card *card, uint32_t port, bmdpu_port_counters *out);

/* ---- Policy tables: ACLs, security groups, NAT ----------------------------- */

enum {
        BMDPU_TABLE_ACL_INGRESS = 1,
        BMDPU_TABLE_ACL_EGRESS = 2,
        BMDPU_TABLE_SG_INGRESS = 3,
        BMDPU_TABLE_SG_EGRESS = 4,
        BMDPU_TABLE_NAT = 5,
};

enum {
        BMDPU_ACTION_ALLOW = 1,                /* ACL and SG tables */
        BMDPU_ACTION_DENY = 2,                 /* ACL and SG tables */
        BMDPU_ACTION_SNAT = 3,                 /* NAT table */
        BMDPU_ACTION_DNAT = 4,                 /* NAT table */
};

typedef struct bmdpu_rule {
        uint32_t table;                        /* BMDPU_TABLE_* */
        uint32_t rule_id;                      /* caller-chosen, unique per table */
        uint32_t priority;                     /* lower matches first */
        uint32_t protocol;                     /* IANA number, 0: any */
        uint32_t remote_ipv4;                  /* remote network */
        uint32_t remote_prefix_len;            /* 0..32 */
        uint32_t port_min;                     /* 0..65535, port_min <= port_max */
        uint32_t port_max;
        uint32_t action;                       /* BMDPU_ACTION_* */
        uint32_t nat_ipv4;                     /* SNAT/DNAT: the translated address */
} bmdpu_rule;                                  /* 40 bytes */

/*
 * Applies rules[0..n) in order. A batch is not atomic: it stops at the first
 * rule that fails and returns that rule's error, with *applied set to the
 * number of rules applied before it (always set, n on success). -EEXIST for a
 * (table, rule_id) already present, -ENOSPC at max_rules_per_table, -EINVAL
 * for a malformed rule or an action that does not belong to its table.
 * Thread-safe; concurrent batches are serialized.
 */
int bmdpu_rules_apply(bmdpu_card *card, const bmdpu_rule *rules, uint32_t n, uint32_t *applied);

/*
 * Removes rules by (table, rule_id); other fields are ignored. Same batch
 * convention as bmdpu_rules_apply(); -ENOENT for an unknown rule.
 */
int bmdpu_rules_remove(bmdpu_card *card, const bmdpu_rule *rules, uint32_t n, uint32_t *removed);

/*
 * Lists one table's rules in evaluation order (priority, then rule_id);
 * *count as for bmdpu_nvmf_list(). Thread-safe.
 */
int bmdpu_rules_list(bmdpu_card *card, uint32_t table, bmdpu_rule *out, uint32_t *count);

/*
 * Stores the table's version in *version: it starts at 0 and grows by one for
 * every rule added or removed, so a caller can tell whether the table changed
 * behind its back. Thread-safe.
 */
int bmdpu_rules_get_version(bmdpu_card *card, uint32_t table, uint64_t *version);

/* ---- VPC overlay: mappings and gateways ------------------------------------ */

typedef struct bmdpu_vpc_mapping {
        uint32_t vni;                          /* key, with overlay_ipv4 */
        uint32_t overlay_ipv4;
        uint32_t underlay_ipv4;                /* VTEP of the overlay address */
        uint8_t mac[6];
        uint8_t pad0[2];
} bmdpu_vpc_mapping;                           /* 20 bytes */

typedef struct bmdpu_vpc_gateway {
        uint32_t vni;                          /* key */
        uint32_t gateway_ipv4;                 /* overlay address of the gateway */
        uint32_t underlay_ipv4;                /* VTEP of the gateway */
        uint8_t mac[6];
        uint8_t pad0[2];
} bmdpu_vpc_gateway;                           /* 20 bytes */

/*
 * Inserts or replaces mappings keyed by (vni, overlay_ipv4). Same batch
 * convention as bmdpu_rules_apply(); -ENOSPC at max_vpc_mappings. Thread-safe.
 */
int bmdpu_vpc_mappings_upsert(bmdpu_card *card, const bmdpu_vpc_mapping *mappings, uint32_t n,
                              uint32_t *done);

/*
 * Deletes mappings by (vni, overlay_ipv4); other fields are ignored. Same
 * batch convention; -ENOENT for an unknown mapping. Thread-safe.
 */
int bmdpu_vpc_mappings_delete(bmdpu_card *card, const bmdpu_vpc_mapping *mappings, uint32_t n,
                              uint32_t *done);

/* Stores the number of mappings in *count. Thread-safe. */
int bmdpu_vpc_mappings_count(bmdpu_card *card, uint32_t *count);

/*
 * Iterates mappings in key order. Start with *cursor == 0; each call writes
 * up to *count (capacity on entry) mappings, stores how many it wrote in
 * *count and advances *cursor, which is BMDPU_CURSOR_END once all were
 * returned. Mappings present for the whole iteration are returned exactly
 * once; others may or may not be. Thread-safe.
 */
int bmdpu_vpc_mappings_list(bmdpu_card *card, uint64_t *cursor, bmdpu_vpc_mapping *out,
                            uint32_t *count);

/*
 * Sets the gateway for traffic of gw->vni that leaves the subnet, replacing
 * any previous one; -ENOSPC at max_vpc_gateways. Thread-safe.
 */
int bmdpu_vpc_gateway_set(bmdpu_card *card, const bmdpu_vpc_gateway *gw);

/* Removes the gateway of a VNI (-ENOENT if none). Thread-safe. */
int bmdpu_vpc_gateway_remove(bmdpu_card *card, uint32_t vni);

/* Fills *out with the gateway of a VNI (-ENOENT if none). Thread-safe. */
int bmdpu_vpc_gateway_get(bmdpu_card *card, uint32_t vni, bmdpu_vpc_gateway *out);

/*
 * Lists the gateways in VNI order; *count as for bmdpu_nvmf_list(), at most
 * max_vpc_gateways. Thread-safe.
 */
int bmdpu_vpc_gateway_list(bmdpu_card *card, bmdpu_vpc_gateway *out, uint32_t *count);

/* ---- Events ---------------------------------------------------------------- */

enum {
        BMDPU_EVENT_PATH_DOWN = 1,             /* object_id: conn_id */
        BMDPU_EVENT_PATH_UP = 2,               /* object_id: conn_id */
        BMDPU_EVENT_HOST_POWER_CHANGED = 3,    /* object_id: "host", value: BMDPU_POWER_* */
        BMDPU_EVENT_DEVICE_ERROR = 4,          /* object_id: serial, slot, value: -errno */
        BMDPU_EVENT_FREEZE_TIMEOUT = 5,        /* object_id: serial, slot */
};

typedef struct bmdpu_event {
        uint64_t seq;                          /* per card, from 1, increasing */
        uint64_t timestamp_ns;                 /* CLOCK_MONOTONIC */
        uint32_t type;                         /* BMDPU_EVENT_* */
        uint32_t slot;                         /* device events, else BMDPU_SLOT_ANY */
        int32_t value;
        uint32_t pad0;
        char object_id[BMDPU_ID_MAX];
} bmdpu_event;                                 /* 96 bytes */

/*
 * Called on a thread the card owns, one event at a time, in seq order. The
 * event is valid only during the call: copy what you keep. The callback must
 * return quickly (hand work to your own thread) and must not call
 * bmdpu_card_close() or bmdpu_events_subscribe() on its card; other calls are
 * allowed.
 */
typedef void (*bmdpu_event_cb)(const bmdpu_event *event, void *userdata);

/*
 * Registers cb with userdata, replacing any previous registration; cb == NULL
 * unregisters. When it returns, no call of the previous callback is running,
 * so its userdata may be freed. Events raised while no callback is registered
 * are dropped. Called from the callback it fails with -EDEADLK. Thread-safe.
 */
int bmdpu_events_subscribe(bmdpu_card *card, bmdpu_event_cb cb, void *userdata);

/*
 * Instance metadata: what the card's responder serves the host's own requests
 * to 169.254.169.254:80 (the EC2 tree cloud-init reads), answering only the
 * port's own MAC and IPv4 source, with IP TTL 1, never the overlay. The agent
 * sets the whole document at once as a blob of records, each
 *   uint32_t key_len, key_len bytes of key, uint32_t value_len, value bytes
 * (little-endian; keys are UTF-8 without NUL, at most BMDPU_METADATA_KEY_MAX
 * bytes, unique): "instance-id", "instance-type", "ami-id", "hostname",
 * "mac", "local-ipv4", "subnet-ipv4-cidr-block", "vpc-id", "public-ipv4"
 * (absent without an elastic IP), "public-keys/<i>", "user-data" (absent
 * when none), "tags/<name>", "http-tokens" ("optional" or "required") and
 * "version" (decimal). The responder serves a new document from its next
 * request on; removing the port removes it.
 */
#define BMDPU_METADATA_MAX 65536
#define BMDPU_METADATA_KEY_MAX 256

/*
 * Replaces the port's document with blob[0..len); len 0 removes it. -EINVAL
 * for a malformed blob (a record past the end, an empty, oversized or repeated
 * key), -E2BIG beyond BMDPU_METADATA_MAX, -ENOENT when the port is not
 * configured. Thread-safe.
 */
int bmdpu_metadata_set(bmdpu_card *card, uint32_t port, const uint8_t *blob, uint32_t len);

/*
 * Copies the port's document into buf[0..cap) and its length into *len.
 * -ENOENT when there is none, -ENOSPC (with *len set) when cap is too small.
 * Thread-safe.
 */
int bmdpu_metadata_get(bmdpu_card *card, uint32_t port, uint8_t *buf, uint32_t cap, uint32_t *len);

/* ---- Host serial console --------------------------------------------------- */

/*
 * Copies the tail of the host's serial console, as the card records it in a
 * ring of its own size, to buf: *len is buf's capacity in and the number of
 * bytes copied out (the last ones received, oldest first; fewer when the card
 * holds fewer). *total is how many bytes the console received since the card
 * began recording it, kept or overwritten; *timestamp_ns is when the last of
 * them arrived, in ns since the Unix epoch (CLOCK_REALTIME, unlike events: it
 * is shown to people), 0 when none did. Legal in every power state: what the
 * host printed last explains why it stopped. A card that cannot record the
 * console returns 0 with *len = 0 and *total = 0. Thread-safe.
 */
int bmdpu_host_console_read(bmdpu_card *card, uint8_t *buf, uint32_t *len, uint64_t *total,
                            uint64_t *timestamp_ns);

#ifdef __cplusplus
}
#endif

#endif /* BMDPU_H */
