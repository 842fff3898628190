package io.bmagent.card.soft.vhost;

/** The front-end message types this back-end serves, with their codes (vhost-user.rst, "Front-end message types"). */
enum Request {
  GET_FEATURES(1),
  SET_FEATURES(2),
  SET_OWNER(3),
  RESET_OWNER(4),
  SET_MEM_TABLE(5),
  SET_VRING_NUM(8),
  SET_VRING_ADDR(9),
  SET_VRING_BASE(10),
  GET_VRING_BASE(11),
  SET_VRING_KICK(12),
  SET_VRING_CALL(13),
  SET_VRING_ERR(14),
  GET_PROTOCOL_FEATURES(15),
  SET_PROTOCOL_FEATURES(16),
  GET_QUEUE_NUM(17),
  SET_VRING_ENABLE(18),
  GET_CONFIG(24),
  SET_CONFIG(25),
  GET_INFLIGHT_FD(31),
  SET_INFLIGHT_FD(32);

  private static final Request[] BY_CODE = new Request[33];

  static {
    for (Request r : values()) {
      BY_CODE[r.code] = r;
    }
  }

  final int code;

  Request(int code) {
    this.code = code;
  }

  /** Null for a type this back-end does not implement (it advertised no protocol feature that sends it). */
  static Request of(int code) {
    return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Messages whose reply is their answer; the others reply only with REPLY_ACK when asked (need_reply). */
  boolean answers() {
    return this == GET_FEATURES || this == GET_PROTOCOL_FEATURES || this == GET_VRING_BASE
        || this == GET_QUEUE_NUM || this == GET_CONFIG || this == GET_INFLIGHT_FD;
  }
}
