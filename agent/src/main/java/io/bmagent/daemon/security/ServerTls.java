package io.bmagent.daemon.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS for the control-plane listener: the agent proves itself with {@code cert}/{@code key} (PEM, key in
 * PKCS#8) and requires every client to present a certificate issued by {@code clientCa}; with a pin, only the client
 * whose public key has that hash is accepted. The JDK's TLS is used, so no native TLS library is needed on the card.
 *
 * @param clientPin the control plane's public-key pin, or null to accept any client the CA issued
 */
public record ServerTls(Path cert, Path key, Path clientCa, SpkiPin clientPin) {

  public SslContext sslContext() {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(cert.toFile(), key.toFile())
          .trustManager(trustManager())
          .clientAuth(ClientAuth.REQUIRE);
      return GrpcSslContexts.configure(b, SslProvider.JDK).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up TLS from " + cert + " and " + key, e);
    }
  }

  private TrustManager trustManager() {
    X509ExtendedTrustManager ca = caTrustManager();
    return clientPin == null ? ca : new PinnedTrustManager(ca, clientPin);
  }

  private X509ExtendedTrustManager caTrustManager() {
    try (InputStream in = Files.newInputStream(clientCa)) {
      Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (cas.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + clientCa);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : cas) {
        store.setCertificateEntry("client-ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read client CA " + clientCa, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("bad client CA " + clientCa + ": " + e.getMessage(), e);
    }
  }
}
