package io.bmagent.daemon.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a client only when its chain verifies against the configured CA and its own key has the pinned hash: a
 * certificate wrongly issued by the same CA to someone else is refused.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager ca;
  private final SpkiPin pin;

  PinnedTrustManager(X509ExtendedTrustManager ca, SpkiPin pin) {
    this.ca = ca;
    this.pin = pin;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, engine);
    checkPin(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, socket);
    checkPin(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    ca.checkClientTrusted(chain, authType);
    checkPin(chain);
  }

  private void checkPin(X509Certificate[] chain) throws CertificateException {
    if (!pin.matches(chain[0])) {
      throw new CertificateException("client key " + SpkiPin.of(chain[0]) + " of " + chain[0].getSubjectX500Principal()
          + " is not the pinned " + pin);
    }
  }

  // This trust manager only ever sits on the server side; refusing server checks keeps it from being misused.
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("server certificates are not checked here");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("server certificates are not checked here");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("server certificates are not checked here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return ca.getAcceptedIssuers();
  }
}
