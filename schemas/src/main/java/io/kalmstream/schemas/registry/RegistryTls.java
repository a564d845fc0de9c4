package io.kalmstream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The stores of an {@code https} schema registry, under Confluent's {@code schema.registry.ssl.*}
 * keys. Paths are kept as text: the settings travel inside serialized Flink operators, and {@link
 * Path} is not serializable.
 *
 * @param truststore trusted certificates (PKCS12 or JKS), or null for the JVM's defaults
 * @param truststorePassword its password, or null
 * @param keystore the client's own key and certificate, for registries that require mutual TLS, or
 *     null
 * @param keystorePassword its password, or null
 * @param keyPassword the key's password when it differs from the key store's, or null
 * @param storeType PKCS12 or JKS, for both stores
 */
public record RegistryTls(
    String truststore,
    String truststorePassword,
    String keystore,
    String keystorePassword,
    String keyPassword,
    String storeType)
    implements Serializable {
  static final String PREFIX = "schema.registry.ssl.";
  static final String TRUSTSTORE_LOCATION = PREFIX + "truststore.location";
  static final String TRUSTSTORE_PASSWORD = PREFIX + "truststore.password";
  static final String TRUSTSTORE_TYPE = PREFIX + "truststore.type";
  static final String KEYSTORE_LOCATION = PREFIX + "keystore.location";
  static final String KEYSTORE_PASSWORD = PREFIX + "keystore.password";
  static final String KEY_PASSWORD = PREFIX + "key.password";

  public RegistryTls {
    if (truststore == null && keystore == null) {
      throw new IllegalArgumentException("registry TLS needs a trust store or a key store");
    }
    storeType = storeType == null ? "PKCS12" : storeType;
  }

  /** A trust store only: the usual setting for a registry with a private certificate authority. */
  public static RegistryTls trusting(Path truststore, String password) {
    return new RegistryTls(truststore.toString(), password, null, null, null, "PKCS12");
  }

  /** The stores named in {@code configs}, or null when none is. */
  static RegistryTls fromMap(Map<String, ?> configs) {
    Object trust = configs.get(TRUSTSTORE_LOCATION);
    Object key = configs.get(KEYSTORE_LOCATION);
    if (trust == null && key == null) {
      return null;
    }
    return new RegistryTls(
        trust == null ? null : trust.toString(),
        text(configs, TRUSTSTORE_PASSWORD),
        key == null ? null : key.toString(),
        text(configs, KEYSTORE_PASSWORD),
        text(configs, KEY_PASSWORD),
        text(configs, TRUSTSTORE_TYPE));
  }

  private static String text(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    return value == null ? null : value.toString();
  }

  Map<String, String> toMap() {
    Map<String, String> out = new HashMap<>();
    if (truststore != null) {
      out.put(TRUSTSTORE_LOCATION, truststore);
    }
    if (truststorePassword != null) {
      out.put(TRUSTSTORE_PASSWORD, truststorePassword);
    }
    if (keystore != null) {
      out.put(KEYSTORE_LOCATION, keystore);
    }
    if (keystorePassword != null) {
      out.put(KEYSTORE_PASSWORD, keystorePassword);
    }
    if (keyPassword != null) {
      out.put(KEY_PASSWORD, keyPassword);
    }
    out.put(TRUSTSTORE_TYPE, storeType);
    return out;
  }

  /** The TLS context of the registry client. */
  SSLContext sslContext() {
    try {
      TrustManagerFactory trust = null;
      if (truststore != null) {
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(truststore, truststorePassword));
      }
      KeyManagerFactory keys = null;
      if (keystore != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        String password = keyPassword != null ? keyPassword : keystorePassword;
        keys.init(
            load(keystore, keystorePassword), password == null ? null : password.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "cannot set up TLS for the schema registry from " + this + ": " + e.getMessage(), e);
    }
  }

  private KeyStore load(String file, String password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(storeType);
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      store.load(in, password == null ? null : password.toCharArray());
    }
    return store;
  }

  /** Paths and type only: passwords never reach a log. */
  @Override
  public String toString() {
    return "RegistryTls[truststore="
        + truststore
        + ", keystore="
        + keystore
        + ", type="
        + storeType
        + "]";
  }
}
