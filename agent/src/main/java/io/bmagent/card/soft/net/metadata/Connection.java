package io.bmagent.card.soft.net.metadata;

/**
 * One TCP connection of the {@link TcpEndpoint}: sequence numbers (RFC 9293, 3.3.1), the receive buffer the
 * advertised window is the free space of, and the response not yet acknowledged.
 */
final class Connection {

  final int port;
  final int iss;
  final int mss;
  int sndUna;
  int sndNxt;
  int rcvNxt;
  int peerWindow;
  long deadline;
  boolean established;
  boolean closing;
  boolean finSent;
  boolean finAcked;
  boolean peerFin;
  final byte[] rx = new byte[TcpEndpoint.RECEIVE_BUFFER];
  int rxLength;
  byte[] tx = new byte[0];
  int txLength;

  Connection(int port, int iss, int rcvNxt, int mss, long deadline) {
    this.port = port;
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss + 1;
    this.rcvNxt = rcvNxt;
    this.mss = mss;
    this.deadline = deadline;
  }

  /** The window the card advertises: what the receive buffer has room for, so the host can never overrun it. */
  int window() {
    return rx.length - rxLength;
  }

  /** Takes {@code acked} newly acknowledged sequence numbers: the SYN, response bytes, then the FIN. */
  void acknowledge(int acked) {
    if (acked <= 0) {
      return;
    }
    if (!established) {
      established = true;
      sndUna++;
      acked--;
    }
    int data = Math.min(acked, txLength);
    System.arraycopy(tx, data, tx, 0, txLength - data);
    txLength -= data;
    sndUna += data;
    acked -= data;
    if (acked > 0 && finSent) {
      finAcked = true;
      sndUna++;
    }
  }

  /** Goes back to the first unacknowledged byte, so that everything after it is sent again. */
  void rewind() {
    if (!established) {
      return;
    }
    sndNxt = sndUna;
    if (finSent && !finAcked) {
      finSent = false;
    }
  }

  /** Appends in-order data to the receive buffer, as much as it has room for; returns how much. */
  int take(byte[] b, int offset, int n) {
    int taken = Math.min(n, rx.length - rxLength);
    System.arraycopy(b, offset, rx, rxLength, taken);
    rxLength += taken;
    rcvNxt += taken;
    return taken;
  }

  /** Drops a served request from the front of the receive buffer. */
  void consume(int n) {
    System.arraycopy(rx, n, rx, 0, rxLength - n);
    rxLength -= n;
  }

  void queue(byte[] response) {
    tx = response;
    txLength = response.length;
  }
}
