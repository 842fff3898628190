package io.bmagent.daemon.security;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The listener-security flags of {@code bm-agent}, as a picocli mixin. */
public final class SecurityOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--tls-cert", description = "PEM certificate chain of the TCP listener; enables mutual TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-client-ca",
      description = "PEM CA certificate(s) that issue control-plane client certificates; clients without one are"
          + " refused.")
  Path tlsClientCa;

  @Option(names = "--tls-client-pin",
      description = "SHA-256 of the control plane's certificate public key (SubjectPublicKeyInfo), hex or base64;"
          + " other clients are refused even with a certificate from --tls-client-ca.")
  String tlsClientPin;

  @Option(names = "--rate-limit", defaultValue = "200/s",
      description = "Calls each peer (IP address; the Unix socket is one peer) may start, N/s or N/m, or off"
          + " (default: ${DEFAULT-VALUE}).")
  String rateLimit;

  @Option(names = "--rate-burst", defaultValue = "400",
      description = "Calls a peer may start at once before --rate-limit applies (default: ${DEFAULT-VALUE}).")
  int rateBurst;

  /** The security the flags ask for; TLS needs all three of cert, key and client CA, since it is always mutual. */
  public ListenerSecurity toSecurity() {
    ListenerSecurity s = ListenerSecurity.defaults();
    try {
      s = s.withRateLimit(rateLimit.equals("off") ? null : RateLimit.parse(rateLimit, rateBurst));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--rate-limit: " + e.getMessage());
    }
    boolean any = tlsCert != null || tlsKey != null || tlsClientCa != null || tlsClientPin != null;
    if (!any) {
      return s;
    }
    if (tlsCert == null || tlsKey == null || tlsClientCa == null) {
      throw new ParameterException(spec.commandLine(),
          "TLS is mutual: --tls-cert, --tls-key and --tls-client-ca go together");
    }
    try {
      SpkiPin pin = tlsClientPin == null ? null : SpkiPin.parse(tlsClientPin);
      return s.withTls(new ServerTls(tlsCert, tlsKey, tlsClientCa, pin));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--tls-client-pin: " + e.getMessage());
    }
  }
}
