package io.bmagent.card.soft.net.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  static HttpRequest parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return HttpRequest.parse(b, b.length);
  }

  @Test
  void parsesARequestAndWaitsForAnIncompleteOne() {
    HttpRequest r = parse("GET /latest/meta-data/?x=1 HTTP/1.1\r\nHost: a\r\nX-Aws-Ec2-Metadata-Token: t\r\n\r\nGET");
    assertEquals(0, r.status());
    assertEquals("/latest/meta-data/", r.path());
    assertEquals("t", r.headers().get("x-aws-ec2-metadata-token"));
    assertFalse(r.close());
    assertEquals(r.consumed(), "GET /latest/meta-data/?x=1 HTTP/1.1\r\nHost: a\r\nX-Aws-Ec2-Metadata-Token: t\r\n\r\n"
        .length());
    assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\n"));
    assertNull(parse("PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab"), "the body is not all there");
    assertTrue(parse("GET / HTTP/1.0\r\n\r\n").close(), "HTTP/1.0 closes by default");
    assertTrue(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").close());
  }

  @Test
  void refusesWhatIsNotHttp() {
    assertEquals(400, parse("garbage\r\n\r\n").status());
    assertEquals(400, parse("GET  / HTTP/1.1\r\n\r\n").status());
    assertEquals(400, parse("GET / HTTP/2\r\n\r\n").status());
    assertEquals(400, parse("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n").status());
    assertEquals(400, parse("GET / HTTP/1.1\r\n folded\r\n\r\n").status());
    assertEquals(400, parse("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").status());
    assertEquals(413, parse("PUT / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").status());
    assertEquals(413, parse("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status());
    assertEquals(431, parse("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpRequest.MAX_HEAD) + "\r\n\r\n").status());
  }
}
